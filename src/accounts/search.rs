//! Finding accounts, a page at a time: the query parameters both faces accept (`/api/admin/users`
//! and `/admin`), how they are parsed, and the page query with its next cursor.

use serde::Deserialize;

use super::Accounts;
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

impl Accounts {
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
}
