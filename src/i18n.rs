//! The reader's language: which one a request gets (the contract's order: the signed-in user's
//! `locale`, the `locale` cookie, the `ui_locales` of the authorization request in progress,
//! `Accept-Language`, `DEFAULT_LOCALE`), the catalogs (Fluent files under `locales/`, built
//! into the binary) and CLDR dates and numbers (ICU4X's compiled data).
//!
//! A request's language lives in a task-local [`Choice`] that the page middleware opens around
//! the request (`routes::web::locale::negotiate`) and the steps that learn more fill in (the
//! session's `ui_locales`, the signed-in user's `locale`). Templates call [`t`], [`t1`], [`t2`]
//! and [`tr`] without threading a language through every view model; mail, rendered away from
//! any request, opens its own with [`with_locale`].
//!
//! The JSON API never reads it: its `title`, `detail` and field messages stay English.

mod catalog;
mod format;
mod negotiate;

use std::cell::RefCell;
use std::fmt;

pub use catalog::{english_text, keys, t, t1, t2, tr, try_t, Arg};
pub use format::{date, datetime, day, number, Day, Moment, Shown};
pub use negotiate::{from_accept_language, from_ui_locales};

/// A language Sigil's pages and mail are written in.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    De,
    Es,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::En, Locale::De, Locale::Es];

    /// The tag as the contract spells it (`en`, `de`, `es`): cookie, column and `lang`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
            Self::Es => "es",
        }
    }

    /// The language's own name, for the picker ("Deutsch", not "German").
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::De => "Deutsch",
            Self::Es => "Español",
        }
    }

    /// Exactly `en`, `de` or `es`; anything else (`EN`, `de-DE`, `fr`) is `None`.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.tag() == raw)
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// What a request has said about its language so far, in the contract's order of precedence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Choice {
    pub user: Option<Locale>,
    pub cookie: Option<Locale>,
    pub ui_locales: Option<Locale>,
    pub accept_language: Option<Locale>,
    pub default: Locale,
}

impl Choice {
    /// The first of: the user's, the cookie's, `ui_locales`, `Accept-Language`, the default.
    pub fn locale(&self) -> Locale {
        self.user
            .or(self.cookie)
            .or(self.ui_locales)
            .or(self.accept_language)
            .unwrap_or(self.default)
    }
}

/// A request's language, and its path and query (where the picker returns to).
struct Request {
    choice: RefCell<Choice>,
    here: String,
}

tokio::task_local! {
    static REQUEST: Request;
}

/// Runs `work` (a request's future) with `choice` as its language; returns what it gives and
/// the language it ended with (the signed-in user's may have been learnt on the way).
pub async fn scope<F: std::future::Future>(
    choice: Choice,
    here: String,
    work: F,
) -> (F::Output, Locale) {
    let request = Request {
        choice: RefCell::new(choice),
        here,
    };
    REQUEST
        .scope(request, async move {
            let out = work.await;
            (out, current())
        })
        .await
}

/// Runs `work` in `locale`, outside any request (mail, tests).
pub fn with_locale<R>(locale: Locale, work: impl FnOnce() -> R) -> R {
    let request = Request {
        choice: RefCell::new(Choice {
            user: Some(locale),
            ..Choice::default()
        }),
        here: "/".into(),
    };
    REQUEST.sync_scope(request, work)
}

/// The language of the work in progress; English outside any request or [`with_locale`].
pub fn current() -> Locale {
    REQUEST
        .try_with(|r| r.choice.borrow().locale())
        .unwrap_or_default()
}

/// The page's own path and query, for the language picker's `next`.
pub fn here() -> String {
    REQUEST
        .try_with(|r| r.here.clone())
        .unwrap_or_else(|_| "/".into())
}

/// Notes the signed-in user's own choice, which outranks everything else.
pub fn note_user_locale(locale: Option<Locale>) {
    if let Some(locale) = locale {
        let _ = REQUEST.try_with(|r| r.choice.borrow_mut().user = Some(locale));
    }
}

/// Notes the `ui_locales` of the authorization or logout request in progress.
pub fn note_ui_locales(locale: Option<Locale>) {
    if let Some(locale) = locale {
        let _ = REQUEST.try_with(|r| r.choice.borrow_mut().ui_locales = Some(locale));
    }
}

/// What the request has said so far (the picker's form shows the current language).
pub fn choice() -> Choice {
    REQUEST.try_with(|r| *r.choice.borrow()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_choice_outranks_the_cookie_which_outranks_the_request() {
        let mut c = Choice {
            default: Locale::Es,
            ..Choice::default()
        };
        assert_eq!(c.locale(), Locale::Es);
        c.accept_language = Some(Locale::De);
        assert_eq!(c.locale(), Locale::De);
        c.ui_locales = Some(Locale::En);
        assert_eq!(c.locale(), Locale::En);
        c.cookie = Some(Locale::Es);
        assert_eq!(c.locale(), Locale::Es);
        c.user = Some(Locale::De);
        assert_eq!(c.locale(), Locale::De);
    }

    #[test]
    fn only_the_three_tags_parse() {
        assert_eq!(Locale::parse("de"), Some(Locale::De));
        for bad in ["DE", "de-DE", "fr", "", " en"] {
            assert_eq!(Locale::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn outside_a_request_the_language_is_english_and_with_locale_sets_it() {
        assert_eq!(current(), Locale::En);
        assert_eq!(with_locale(Locale::De, current), Locale::De);
    }
}
