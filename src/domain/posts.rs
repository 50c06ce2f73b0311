use std::fmt;

use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::FieldErrors;
use crate::http::body::{Field, Null};

/// A new post, every field parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPost {
    pub title: PostTitle,
    pub body: PostBody,
    pub visibility: Visibility,
}

/// `POST /api/posts`.
#[derive(Deserialize, ToSchema)]
pub struct NewPostRequest {
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200, example = "Hello")]
    #[serde(default)]
    pub title: Field,
    #[schema(value_type = String, required = true, min_length = 1, max_length = 20000, example = "First post")]
    #[serde(default)]
    pub body: Field,
    /// Defaults to `public`.
    #[schema(value_type = Option<Visibility>)]
    #[serde(default)]
    pub visibility: Field,
}

impl TryFrom<NewPostRequest> for NewPost {
    type Error = FieldErrors;

    fn try_from(r: NewPostRequest) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = r.title.required("title", &mut errors, PostTitle::parse);
        let body = r.body.required("body", &mut errors, PostBody::parse);
        let visibility =
            r.visibility
                .optional("visibility", &mut errors, Null::Absent, Visibility::parse);
        errors.finish(|| {
            Some(NewPost {
                title: title?,
                body: body?,
                visibility: visibility?.unwrap_or(Visibility::Public),
            })
        })
    }
}

/// 1–200 characters after trimming, on one line: no control characters (newlines, tabs,
/// escapes, NUL), since a title is shown in a page's `<title>`, a heading and a list row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostTitle(String);

impl PostTitle {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        if value.chars().all(is_invisible) {
            return Err("Title must not be blank.".into());
        }
        if value.chars().any(char::is_control) {
            return Err("Title must be one line without control characters.".into());
        }
        if value.chars().count() > 200 {
            return Err("Title must be at most 200 characters.".into());
        }
        Ok(Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// White space, format characters (Unicode category Cf: zero-width spaces and joiners,
/// direction marks, the byte-order mark, tags…), and the characters that are defined to show
/// nothing (variation selectors, the combining grapheme joiner, Hangul fillers, the braille
/// blank): a title of only these is blank.
pub(crate) fn is_invisible(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory as _};
    c.is_whitespace()
        || c.general_category() == GeneralCategory::Format
        || matches!(c,
            '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
            | '\u{2800}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FFA0}'
            | '\u{E0100}'..='\u{E01EF}')
}

/// 1–20,000 characters; not blank. Kept as written (no trimming of inner lines). NUL is
/// refused: PostgreSQL cannot store it in text, and both backends must accept the same posts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostBody(String);

impl PostBody {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.trim().is_empty() {
            return Err("Body must not be blank.".into());
        }
        if raw.contains('\0') {
            return Err("Body must not contain the NUL character (U+0000).".into());
        }
        if raw.chars().count() > 20_000 {
            return Err("Body must be at most 20,000 characters.".into());
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    Public,
    Private,
}

impl Visibility {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "public" => Ok(Self::Public),
            "private" => Ok(Self::Private),
            _ => Err("Visibility must be \"public\" or \"private\".".into()),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
        }
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert!(PostTitle::parse("").is_err());
        assert!(PostTitle::parse("   ").is_err());
        assert!(PostTitle::parse(&"é".repeat(200)).is_ok());
        assert!(PostTitle::parse(&"é".repeat(201)).is_err());
        assert_eq!(PostTitle::parse("  hi  ").unwrap().as_str(), "hi");
        for control in [
            "a\0b",
            "two\nlines",
            "tab\there",
            "bell\u{7}",
            "\u{1b}[31mred",
            "c1\u{85}x",
        ] {
            assert!(PostTitle::parse(control).is_err(), "{control:?}");
        }
        assert!(PostTitle::parse("🦀 مرحبا 你好 e\u{301}").is_ok());
        for invisible in [
            "\u{FFF9}",
            "\u{1BCA0}",
            "\u{2800}",
            "\u{180E}",
            "\u{200B}",
            "\u{200B}\u{200D} \u{FEFF}",
            "\u{2060}\u{3164}",
            "\u{E0041}",
        ] {
            assert_eq!(
                PostTitle::parse(invisible).unwrap_err(),
                "Title must not be blank.",
                "{invisible:?}"
            );
        }
        assert!(PostTitle::parse("a\u{200B}b").is_ok());
    }

    #[test]
    fn bodies() {
        assert!(PostBody::parse("\n\n").is_err());
        assert!(PostBody::parse(&"x".repeat(20_000)).is_ok());
        assert!(PostBody::parse(&"x".repeat(20_001)).is_err());
        assert!(PostBody::parse("a\0b").is_err());
        assert!(PostBody::parse("lines\r\n\twith tabs\u{c}").is_ok());
    }

    #[test]
    fn visibility() {
        assert_eq!(Visibility::parse("private").unwrap(), Visibility::Private);
        assert!(Visibility::parse("Public").is_err());
    }
}
