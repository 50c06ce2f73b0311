//! Finding accounts, a page at a time: the query parameters both faces accept (`/api/admin/users`
//! and `/admin`), how they are parsed, and the page query with its next cursor.

use std::time::{Duration, Instant};

use diesel::{QueryResult, SqliteConnection};
use serde::Deserialize;

use super::Accounts;
use crate::background::{Background, StopSignal};
use crate::db::users::{search_index, User};
use crate::db::{Db, DbConnection};
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

/// Keeps SQLite's user search index in one segment ([`search_index`]): a pass now and then
/// every hour, on a thread of its own until the background threads are stopped. On
/// PostgreSQL it starts nothing.
pub fn start_index_upkeep(db: Db, background: &Background) -> std::io::Result<()> {
    if db.backend() != "sqlite" {
        return Ok(());
    }
    background.spawn("sigil-search-index", move |stop| loop {
        match merge_index(&db, &stop) {
            Ok(None) => {}
            Ok(Some(pass)) => log::info!(
                target: "sigil::search",
                "merged the user search index into one segment: {} steps, {} ms of writes, \
                 the longest {} ms",
                pass.steps,
                pass.busy.as_millis(),
                pass.longest.as_millis()
            ),
            Err(e) => {
                log::warn!(target: "sigil::search", "could not merge the user search index: {e}")
            }
        }
        // Hourly; at shutdown the sleep ends at once.
        if stop.sleep(Duration::from_secs(3600)) {
            return;
        }
    })
}

/// What a pass of [`merge_index`] did.
struct MergePass {
    steps: u32,
    /// The time its steps held the write lock, in all and at most at once.
    busy: Duration,
    longest: Duration,
}

/// Merges the index into one segment if it is in several, a step at a time. Each step is its
/// own write on a connection taken from the pool and given back, and the thread rests after
/// it for as long as it took (the audit purge's rule): a sign-up or a sign-in waits one step
/// at most. At shutdown it stops between steps; FTS5 goes on from there at the next pass.
fn merge_index(db: &Db, stop: &StopSignal) -> Result<Option<MergePass>, String> {
    let with_sqlite = |work: &dyn Fn(&mut SqliteConnection) -> QueryResult<bool>| {
        let mut conn = db.get().map_err(|e| e.to_string())?;
        match &mut *conn {
            DbConnection::Sqlite(c) => work(c).map_err(|e| e.to_string()),
            DbConnection::Postgresql(_) => Ok(false),
        }
    };
    if !with_sqlite(&search_index::is_split)? {
        return Ok(None);
    }
    let mut pass = MergePass {
        steps: 0,
        busy: Duration::ZERO,
        longest: Duration::ZERO,
    };
    loop {
        let started = Instant::now();
        let worked = with_sqlite(&search_index::merge_step)?;
        let took = started.elapsed();
        pass.busy += took;
        pass.longest = pass.longest.max(took);
        if !worked {
            return Ok(Some(pass));
        }
        pass.steps += 1;
        if stop.sleep(took) {
            return Ok(None); // stopped half-way: nothing to report
        }
    }
}
