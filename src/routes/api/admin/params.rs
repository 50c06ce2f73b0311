//! The query strings of the admin lists, read into a filter and a page: a problem with any
//! field is a 422 naming it.

use serde::Deserialize;

use crate::audit::EventKind;
use crate::db::events::EventFilter;
use crate::domain::Keyset;
use crate::error::{AppError, FieldErrors};

/// `?query=&limit=&cursor=`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserSearchParams {
    /// Part of a username or e-mail address, without case; empty lists everyone.
    pub query: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// `?user=&kind=&limit=&cursor=`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventSearchParams {
    /// Only this user's events (a user id).
    #[param(value_type = Option<i32>)]
    pub user: Option<String>,
    /// Only events of this kind (`sign_in_failed`, `user_disabled`, …).
    pub kind: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl UserSearchParams {
    /// The search text (at most 100 characters; blank is none) and the page.
    pub fn parse(&self, cursor_key: &[u8; 32]) -> Result<(Option<String>, Keyset), AppError> {
        let mut errors = FieldErrors::new();
        let query = self
            .query
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty());
        if query.is_some_and(|q| q.chars().count() > 100) {
            errors.add("query", "Search for at most 100 characters.");
        }
        let page = Keyset::parse(
            self.limit.as_deref(),
            self.cursor.as_deref(),
            cursor_key,
            &mut errors,
        );
        Ok(errors.finish(|| Some((query.map(str::to_string), page?)))?)
    }
}

impl EventSearchParams {
    /// The filter (a numeric user id, a known kind) and the page.
    pub fn parse(&self, cursor_key: &[u8; 32]) -> Result<(EventFilter, Keyset), AppError> {
        let mut errors = FieldErrors::new();
        let user_id = match self.user.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => errors.take(
                "user",
                raw.parse::<i32>()
                    .map_err(|_| "user must be a user id (a whole number).".to_string()),
            ),
        };
        let kind = match self.kind.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => errors.take(
                "kind",
                EventKind::parse(raw).map(|k| k.as_str().to_string()),
            ),
        };
        let page = Keyset::parse(
            self.limit.as_deref(),
            self.cursor.as_deref(),
            cursor_key,
            &mut errors,
        );
        Ok(errors.finish(|| Some((EventFilter { user_id, kind }, page?)))?)
    }
}
