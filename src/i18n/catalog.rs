//! The catalogs: one Fluent file per page group under `locales/<tag>/`, built into the binary.
//!
//! Templates name their strings by id ([`t`], [`t1`], [`t2`]). Words that come from the domain
//! layer (field messages, flash messages, page titles, event and device labels) are English
//! there, since the JSON API keeps them English; a page translates them with [`tr`], which
//! finds the English text among the English catalog's messages, placeables included
//! (`Wait { $seconds } seconds` matches `Wait 30 seconds`), and says the same in the reader's
//! language.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_bundle::FluentValue;
use fluent_syntax::ast;
use fluent_templates::{LanguageIdentifier, Loader};

use super::Locale;

fluent_templates::static_loader! {
    static CATALOGS = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around placeables: every language here is written left
        // to right, and the marks would show in mail subjects and `<title>`s.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The English catalog's files, read for [`tr`] and for the list of ids. (The loader above
/// reads the same folder; a test checks the two lists agree.)
pub(crate) const ENGLISH: &[(&str, &str)] = &[
    ("common", include_str!("../../locales/en/common.ftl")),
    ("auth", include_str!("../../locales/en/auth.ftl")),
    ("account", include_str!("../../locales/en/account.ftl")),
    ("admin", include_str!("../../locales/en/admin.ftl")),
    ("oauth", include_str!("../../locales/en/oauth.ftl")),
    ("posts", include_str!("../../locales/en/posts.ftl")),
    ("token", include_str!("../../locales/en/token.ftl")),
    ("email", include_str!("../../locales/en/email.ftl")),
    ("messages", include_str!("../../locales/en/messages.ftl")),
];

static LANGIDS: LazyLock<[LanguageIdentifier; 3]> = LazyLock::new(|| {
    Locale::ALL.map(|l| {
        l.tag()
            .parse()
            .expect("en, de and es are language identifiers")
    })
});

fn langid(locale: Locale) -> &'static LanguageIdentifier {
    &LANGIDS[locale as usize]
}

/// A value given to a message: numbers stay numbers, so plural rules can choose the words.
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Self::Text(v.to_string())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Self::Text(v.clone())
    }
}
impl From<&&str> for Arg {
    fn from(v: &&str) -> Self {
        Self::Text((*v).to_string())
    }
}
macro_rules! numeric_args {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Arg {
            fn from(v: $ty) -> Self {
                Self::Number(v as f64)
            }
        }
        impl From<&$ty> for Arg {
            fn from(v: &$ty) -> Self {
                Self::Number(*v as f64)
            }
        }
    )*};
}
numeric_args!(i32, i64, u32, u64, usize);

impl Arg {
    fn value(self) -> FluentValue<'static> {
        match self {
            Self::Text(s) => FluentValue::from(s),
            Self::Number(n) => FluentValue::from(n),
        }
    }
}

/// The message `id` in the current language (the id itself if no catalog has it, which the
/// catalog tests make impossible for the ids in templates).
pub fn t(id: &str) -> String {
    lookup(super::current(), id, None)
}

/// The message `id` with one value.
pub fn t1(id: &str, name: &'static str, value: impl Into<Arg>) -> String {
    let args = HashMap::from([(Cow::Borrowed(name), value.into().value())]);
    lookup(super::current(), id, Some(&args))
}

/// The message `id` with two values.
pub fn t2(
    id: &str,
    name: &'static str,
    value: impl Into<Arg>,
    name2: &'static str,
    value2: impl Into<Arg>,
) -> String {
    let args = HashMap::from([
        (Cow::Borrowed(name), value.into().value()),
        (Cow::Borrowed(name2), value2.into().value()),
    ]);
    lookup(super::current(), id, Some(&args))
}

fn lookup(
    locale: Locale,
    id: &str,
    args: Option<&HashMap<Cow<'static, str>, FluentValue>>,
) -> String {
    match CATALOGS.try_lookup_complete(langid(locale), id, args) {
        Some(text) => text,
        None => {
            log::warn!("no catalog has the message {id:?}");
            id.to_string()
        }
    }
}

/// English words from the domain layer, said in the current language: an English catalog
/// message equal to `english` (its placeables matching anything) is looked up by its id, with
/// what the placeables matched as its values. Text no catalog holds is shown as it is.
pub fn tr(english: &str) -> String {
    let locale = super::current();
    if locale == Locale::En || english.is_empty() {
        return english.to_string();
    }
    let index = &*REVERSE;
    if let Some(id) = index.exact.get(english) {
        return lookup(locale, id, None);
    }
    for pattern in &index.patterns {
        if let Some(args) = pattern.matches(english) {
            return lookup(locale, &pattern.id, Some(&args));
        }
    }
    english.to_string()
}

/// The message `id` in the current language, if a catalog has it (for ids made at run time,
/// such as a recorded code's).
pub fn try_t(id: &str) -> Option<String> {
    CATALOGS.try_lookup(langid(super::current()), id)
}

/// Every id of the English catalog, in file order.
pub fn keys() -> &'static [String] {
    &REVERSE.ids
}

/// A message's English text, for tests that look for untranslated words.
pub fn english_text(id: &str) -> Option<String> {
    CATALOGS.try_lookup(langid(Locale::En), id)
}

struct Reverse {
    ids: Vec<String>,
    exact: HashMap<String, String>,
    patterns: Vec<Pattern>,
}

/// An English message with placeables: its literal pieces, and the names between them.
struct Pattern {
    id: String,
    /// `pieces.len() == names.len() + 1`: text, name, text, name, …, text.
    pieces: Vec<String>,
    names: Vec<String>,
}

impl Pattern {
    fn matches(&self, text: &str) -> Option<HashMap<Cow<'static, str>, FluentValue<'static>>> {
        let first = &self.pieces[0];
        let last = self.pieces.last()?;
        let mut rest = text.strip_prefix(first.as_str())?;
        rest = rest.strip_suffix(last.as_str())?;
        let mut args = HashMap::new();
        let inner = &self.pieces[1..self.pieces.len() - 1];
        for (i, name) in self.names.iter().enumerate() {
            let value = if i < inner.len() {
                let at = rest.find(inner[i].as_str())?;
                let v = &rest[..at];
                rest = &rest[at + inner[i].len()..];
                v
            } else {
                std::mem::take(&mut rest)
            };
            if value.is_empty() {
                return None;
            }
            // A plain whole number (a count, a wait) becomes a number, so plural rules choose
            // the words; "007" or "1.5" (a username, say) stays text, as typed.
            let canonical = value.parse::<u64>().ok().filter(|n| n.to_string() == value);
            let value = match canonical {
                Some(n) => FluentValue::from(n as f64),
                None => FluentValue::from(value.to_string()),
            };
            args.insert(Cow::Owned(name.clone()), value);
        }
        Some(args)
    }
}

static REVERSE: LazyLock<Reverse> = LazyLock::new(|| {
    let mut index = Reverse {
        ids: Vec::new(),
        exact: HashMap::new(),
        patterns: Vec::new(),
    };
    for (_, source) in ENGLISH {
        let resource = match fluent_syntax::parser::parse(*source) {
            Ok(r) => r,
            Err((r, _)) => r,
        };
        for entry in resource.body {
            let ast::Entry::Message(message) = entry else {
                continue;
            };
            let id = message.id.name.to_string();
            index.ids.push(id.clone());
            let Some(value) = message.value else { continue };
            index_pattern(&mut index, id, &value);
        }
    }
    // Longer literal text first, so `Wait { $n } seconds` is tried before `{ $x }`.
    index
        .patterns
        .sort_by_key(|p| std::cmp::Reverse(p.pieces.iter().map(String::len).sum::<usize>()));
    index
});

fn index_pattern(index: &mut Reverse, id: String, value: &ast::Pattern<&str>) {
    let mut pieces = vec![String::new()];
    let mut names = Vec::new();
    for element in &value.elements {
        match element {
            ast::PatternElement::TextElement { value } => {
                pieces.last_mut().expect("never empty").push_str(value)
            }
            ast::PatternElement::Placeable {
                expression: ast::Expression::Inline(ast::InlineExpression::VariableReference { id }),
            } => {
                names.push(id.name.to_string());
                pieces.push(String::new());
            }
            // Selects and references: not looked up from English text.
            ast::PatternElement::Placeable { .. } => return,
        }
    }
    if names.is_empty() {
        index.exact.entry(pieces.remove(0)).or_insert(id);
    } else if pieces.iter().any(|p| !p.is_empty()) {
        index.patterns.push(Pattern { id, pieces, names });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::with_locale;

    #[test]
    fn a_domain_message_with_a_value_is_found_from_its_english() {
        let pattern = Pattern {
            id: "x".into(),
            pieces: vec!["Wait ".into(), " seconds".into()],
            names: vec!["seconds".into()],
        };
        let args = pattern.matches("Wait 30 seconds").expect("matches");
        assert!(matches!(args["seconds"], FluentValue::Number(_)));
        assert!(pattern.matches("Wait seconds").is_none());
        assert!(pattern.matches("Stay 30 seconds").is_none());
    }

    #[test]
    fn english_stays_as_written_and_unknown_text_passes_through() {
        assert_eq!(tr("anything at all"), "anything at all");
        with_locale(Locale::De, || {
            assert_eq!(
                tr("no catalog has these words"),
                "no catalog has these words"
            );
        });
    }
}

/// The catalogs as files: every language has every English id, parses without an error, and
/// every id a template names exists.
#[cfg(test)]
mod catalog_files {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use super::*;

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    /// Every message id of one language's files: id → file.
    fn ids(tag: &str) -> BTreeMap<String, String> {
        let mut all = BTreeMap::new();
        let dir = root().join("locales").join(tag);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("locales/<tag> exists")
            .map(|e| e.expect("readable").path())
            .collect();
        files.sort();
        for path in files {
            let file = path.file_name().unwrap().to_string_lossy().to_string();
            let source = std::fs::read_to_string(&path).expect("readable");
            let resource = match fluent_syntax::parser::parse(source.as_str()) {
                Ok(r) => r,
                Err((_, errors)) => panic!("{tag}/{file} does not parse: {errors:?}"),
            };
            for entry in resource.body {
                match entry {
                    ast::Entry::Message(m) => {
                        let id = m.id.name.to_string();
                        if let Some(other) = all.insert(id.clone(), file.clone()) {
                            panic!("{tag}: {id} is in both {other} and {file}");
                        }
                    }
                    ast::Entry::Junk { content } => panic!("{tag}/{file}: junk {content:?}"),
                    _ => {}
                }
            }
        }
        all
    }

    #[test]
    fn every_english_file_is_built_in() {
        let listed: BTreeSet<String> = ENGLISH.iter().map(|(g, _)| format!("{g}.ftl")).collect();
        let on_disk: BTreeSet<String> = ids("en").into_values().collect();
        assert!(
            on_disk.is_subset(&listed),
            "add {:?} to ENGLISH",
            on_disk.difference(&listed).collect::<Vec<_>>()
        );
    }

    #[test]
    fn every_id_exists_in_all_three_languages_and_nowhere_else() {
        let en = ids("en");
        for tag in ["de", "es"] {
            let other = ids(tag);
            let missing: Vec<_> = en.keys().filter(|k| !other.contains_key(*k)).collect();
            let extra: Vec<_> = other.keys().filter(|k| !en.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{tag} lacks {missing:?}");
            assert!(extra.is_empty(), "{tag} has ids English lacks: {extra:?}");
            for (id, file) in &other {
                assert_eq!(
                    &en[id], file,
                    "{tag}: {id} is in another file than in English"
                );
            }
        }
    }

    /// Every `t("…")`, `t1("…"` and `t2("…"` in the templates and the Rust sources names an
    /// English id.
    #[test]
    fn every_id_used_exists() {
        let en = ids("en");
        let mut missing = BTreeSet::new();
        let mut stack = vec![root().join("templates"), root().join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("readable") {
                let path = entry.expect("readable").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for call in ["i18n::t(\"", "i18n::t1(\"", "i18n::t2(\""] {
                    for (at, _) in text.match_indices(call) {
                        let rest = &text[at + call.len()..];
                        let id = &rest[..rest.find('"').unwrap_or(0)];
                        if !en.contains_key(id) {
                            missing.insert(format!("{id} ({})", path.display()));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "ids no catalog has: {missing:?}");
    }

    /// The `$variables` of message `id` in any of the three languages.
    fn variables(id: &str) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        for tag in ["en", "de", "es"] {
            let dir = root().join("locales").join(tag);
            for entry in std::fs::read_dir(&dir).expect("readable") {
                let source = std::fs::read_to_string(entry.expect("readable").path()).unwrap();
                let prefix = format!("{id} =");
                let Some(at) = source.lines().position(|l| l.starts_with(&prefix)) else {
                    continue;
                };
                let lines: Vec<&str> = source.lines().collect();
                let mut body = lines[at].to_string();
                for l in &lines[at + 1..] {
                    if l.starts_with(' ') || l.is_empty() {
                        body.push_str(l);
                    } else {
                        break;
                    }
                }
                for (i, _) in body.match_indices('$') {
                    let name: String = body[i + 1..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect();
                    names.insert(name);
                }
            }
        }
        names
    }

    #[test]
    fn every_message_formats_in_every_language() {
        for locale in Locale::ALL {
            for id in keys() {
                // Every variable the message names in any language, given a number (which
                // also satisfies a text placeable).
                let args: HashMap<Cow<'static, str>, FluentValue> = variables(id)
                    .into_iter()
                    .map(|v| (Cow::Owned(v), FluentValue::from(2)))
                    .collect();
                let text = CATALOGS.try_lookup_complete(langid(locale), id, Some(&args));
                assert!(text.is_some(), "{locale}: {id} does not format");
            }
        }
    }
}
