//! Reading the audit trail, a page at a time: an administrator's search (`/api/admin/events`,
//! `/admin/events`) and a user's own activity (`/api/users/me/events`, `/account`,
//! `/account/activity`), with the query parameters both faces accept and their next cursors.

use std::collections::HashMap;

use serde::Deserialize;

use super::Accounts;
use crate::audit::EventKind;
use crate::db::events::{EventFilter, EventRow};
use crate::db::users::User;
use crate::domain::Keyset;
use crate::error::{AppError, FieldErrors};

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

impl Accounts {
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

    /// One page of the user's own events, newest first.
    pub async fn own_events(
        &self,
        user_id: i32,
        page: Keyset,
        cursor_key: &[u8; 32],
    ) -> Result<EventList, AppError> {
        let filter = EventFilter {
            user_id: Some(user_id),
            kind: None,
        };
        self.events(filter, page, cursor_key).await
    }
}
