//! Finds English catalog text left on a page or in a mail meant for another language: the
//! catalog test's eye (API.md part three, section 5).

use std::collections::HashSet;

use sigil::i18n::{self, Locale};

/// The English texts that must not appear in `locale`: every English catalog message without
/// placeables whose translation differs, unless the same words are also that language's (a
/// German "Status" is German), with at least one letter and three characters.
pub fn english_catalog_texts(locale: Locale) -> Vec<String> {
    let keys = i18n::keys();
    let translated: HashSet<String> = keys
        .iter()
        .map(|id| i18n::with_locale(locale, || i18n::t(id)))
        .collect();
    let mut texts: Vec<String> = keys
        .iter()
        .filter_map(|id| {
            let english = i18n::english_text(id)?;
            let own = i18n::with_locale(locale, || i18n::t(id));
            let english = collapse(&english);
            (english != collapse(&own)
                && !translated.contains(&english)
                && !english.contains('{')
                && english.chars().count() >= 3
                && english.chars().any(char::is_alphabetic))
            .then_some(english)
        })
        .collect();
    texts.sort();
    texts.dedup();
    texts
}

/// The English catalog texts `html` shows (whole text nodes and the words of attributes people
/// see or hear; long sentences also inside longer text).
pub fn english_on_page(html: &str, locale: Locale) -> Vec<String> {
    let english = english_catalog_texts(locale);
    let pieces = visible_pieces(html);
    let mut found = Vec::new();
    for text in &english {
        let whole = pieces.iter().any(|p| p == text);
        let inside = text.chars().count() >= 24 && pieces.iter().any(|p| p.contains(text.as_str()));
        if whole || inside {
            found.push(text.clone());
        }
    }
    found
}

/// The English catalog texts in a plain text (a mail's text part), line by line.
pub fn english_in_text(text: &str, locale: Locale) -> Vec<String> {
    let english = english_catalog_texts(locale);
    let lines: Vec<String> = text.lines().map(collapse).collect();
    english
        .into_iter()
        .filter(|e| {
            lines
                .iter()
                .any(|l| l == e || (e.chars().count() >= 24 && l.contains(e.as_str())))
        })
        .collect()
}

/// Text nodes (outside `<script>` and `<style>`) and the values of `aria-label`, `title`,
/// `placeholder`, `alt`, `value` (of buttons) and `content`, unescaped and collapsed.
fn visible_pieces(html: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        push_text(&mut pieces, &rest[..open]);
        let after = &rest[open..];
        let lower = after.get(..8).unwrap_or("").to_ascii_lowercase();
        let skip_to = if lower.starts_with("<script") {
            after.find("</script>")
        } else if lower.starts_with("<style") {
            after.find("</style>")
        } else {
            None
        };
        if let Some(end) = skip_to {
            rest = &after[end..];
            let close = rest.find('>').map_or(rest.len(), |i| i + 1);
            rest = &rest[close..];
            continue;
        }
        let close = after.find('>').map_or(after.len(), |i| i + 1);
        let tag = &after[..close];
        // An input button shows its value; a <button>'s value is only sent, never shown.
        let is_button_value = tag.starts_with("<input")
            && (tag.contains("type=\"submit\"") || tag.contains("type=\"button\""));
        for attribute in [
            "aria-label",
            "title",
            "placeholder",
            "alt",
            "value",
            "content",
        ] {
            if attribute == "value" && !is_button_value {
                continue;
            }
            let marker = format!(" {attribute}=\"");
            if let Some(at) = tag.find(&marker) {
                let value = &tag[at + marker.len()..];
                push_text(&mut pieces, value.split('"').next().unwrap_or(""));
            }
        }
        rest = &after[close..];
    }
    push_text(&mut pieces, rest);
    pieces
}

fn push_text(pieces: &mut Vec<String>, raw: &str) {
    let text = collapse(&unescape(raw));
    if !text.is_empty() {
        pieces.push(text);
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2F;", "/")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn english_is_found_in_text_nodes_and_attributes_but_not_in_scripts() {
    let sample = sigil::i18n::english_text("sign-in").unwrap();
    let page = format!("<p>\n  {sample}\n</p>");
    assert_eq!(english_on_page(&page, Locale::De), vec![sample.clone()]);
    let attr = format!(
        r#"<nav aria-label="{}">"#,
        i18n::english_text("nav-main").unwrap()
    );
    assert_eq!(english_on_page(&attr, Locale::De).len(), 1);
    let script = format!("<script>const x = '{sample}';</script>");
    assert!(english_on_page(&script, Locale::De).is_empty());
    let german = i18n::with_locale(Locale::De, || i18n::t("sign-in"));
    assert!(english_on_page(&format!("<p>{german}</p>"), Locale::De).is_empty());
}
