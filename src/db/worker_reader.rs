//! The async workers' own SQLite read connections ([`super::Db::read`]): one per worker thread
//! and database, opened on first use, `query_only` and never waiting for a lock.

use std::cell::RefCell;

use diesel::connection::SimpleConnection as _;
use diesel::Connection as _;

use super::DbConnection;
use crate::error::AppError;

thread_local! {
    /// This thread's reader: the id of its database and the connection.
    static READER: RefCell<Option<(u64, DbConnection)>> = const { RefCell::new(None) };
}

/// Runs `f` on this thread's reader of database `id` (at `path`), opening it when needed:
/// `None` when it cannot answer at once (busy, locked, cannot open: an internal error rather
/// than an answer), and the caller runs `f` on the blocking pool instead.
pub fn try_read<F, T>(id: u64, path: &str, f: &F) -> Option<Result<T, AppError>>
where
    F: Fn(&mut DbConnection) -> Result<T, AppError>,
{
    READER.with(|slot| {
        let mut slot = slot.try_borrow_mut().ok()?;
        if slot.as_ref().is_none_or(|(owner, _)| *owner != id) {
            *slot = Some((id, open(path)?));
        }
        let (_, conn) = slot.as_mut()?;
        match f(conn) {
            // Busy, or broken: the pool this time, a new connection next time.
            Err(AppError::Internal(_)) => {
                *slot = None;
                None
            }
            answer => Some(answer),
        }
    })
}

fn open(path: &str) -> Option<DbConnection> {
    let mut conn = diesel::SqliteConnection::establish(path).ok()?;
    conn.batch_execute("PRAGMA busy_timeout = 0; PRAGMA query_only = 1;")
        .ok()?;
    Some(DbConnection::Sqlite(conn))
}

#[cfg(test)]
mod tests;
