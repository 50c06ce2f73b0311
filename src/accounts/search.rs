//! Finding accounts and reading the audit trail, a page at a time: the query parameters both
//! faces accept (`/api/admin/*` and the pages under `/admin`, `/account/activity`), how they
//! are parsed, and the page queries with their next cursors.

use std::collections::HashMap;

use serde::Deserialize;

use super::Accounts;
use crate::audit::EventKind;
use crate::db::events::{EventFilter, EventRow};
use crate::db::users::User;
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
    pub fn parse(&self, cursor_key: &[u8; 32]) -> Result<(Option<String>, Keyset), FieldErrors> {
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
        errors.finish(|| Some((query.map(str::to_string), page?)))
    }
}

impl EventSearchParams {
    /// The filter (a numeric user id, a known kind) and the page.
    pub fn parse(&self, cursor_key: &[u8; 32]) -> Result<(EventFilter, Keyset), FieldErrors> {
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
        errors.finish(|| Some((EventFilter { user_id, kind }, page?)))
    }
}

/// One page of events, the cursor of the next, and the usernames of the accounts the events
/// concern or were done by (an id missing from `names` is an account deleted since).
#[derive(Debug)]
pub struct EventList {
    pub events: Vec<EventRow>,
    pub next_cursor: Option<String>,
    pub names: HashMap<i32, String>,
}

impl Accounts<'_> {
    /// One page of users, newest first, whose username or e-mail contains `query`.
    pub async fn search_users(
        &self,
        query: Option<String>,
        page: Keyset,
        cursor_key: &[u8; 32],
    ) -> Result<(Vec<User>, Option<String>), AppError> {
        let key = *cursor_key;
        self.db
            .run(move |conn| {
                let rows = User::search(conn, query.as_deref(), page.before_id, page.fetch())?;
                Ok(page.finish(rows, &key, |u| u.id))
            })
            .await
    }

    /// One page of the events `filter` selects, newest first.
    pub async fn events(
        &self,
        filter: EventFilter,
        page: Keyset,
        cursor_key: &[u8; 32],
    ) -> Result<EventList, AppError> {
        let key = *cursor_key;
        self.db
            .run(move |conn| {
                let rows = EventRow::page(conn, &filter, page.before_id, page.fetch())?;
                let (events, next_cursor) = page.finish(rows, &key, |e| e.id);
                let ids: Vec<i32> = events
                    .iter()
                    .flat_map(|e| [e.user_id, e.actor_id])
                    .flatten()
                    .collect();
                let names = User::usernames(conn, &ids)?;
                Ok(EventList {
                    events,
                    next_cursor,
                    names,
                })
            })
            .await
    }
}
