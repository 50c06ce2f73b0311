//! The security audit trail: an append-only table of events, and the pages read from it.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::schema::security_events;
use super::DbConnection;

/// One recorded security event. `detail` is a JSON object as text.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = security_events)]
pub struct EventRow {
    pub id: i32,
    pub kind: String,
    pub user_id: Option<i32>,
    pub actor_id: Option<i32>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub detail: Option<String>,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = security_events)]
pub struct NewEvent<'a> {
    pub kind: &'a str,
    pub user_id: Option<i32>,
    pub actor_id: Option<i32>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub detail: Option<String>,
    pub created_at: PrimitiveDateTime,
}

/// Which events a page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    pub user_id: Option<i32>,
    pub kind: Option<String>,
}

impl EventRow {
    pub fn insert(conn: &mut DbConnection, event: &NewEvent<'_>) -> QueryResult<()> {
        diesel::insert_into(security_events::table)
            .values(event)
            .execute(conn)
            .map(drop)
    }

    /// Up to `fetch` events matching `filter` older than `before_id`, newest first.
    pub fn page(
        conn: &mut DbConnection,
        filter: &EventFilter,
        before_id: Option<i32>,
        fetch: i64,
    ) -> QueryResult<Vec<EventRow>> {
        let mut q = security_events::table
            .filter(security_events::id.lt(before_id.unwrap_or(i32::MAX)))
            .order(security_events::id.desc())
            .limit(fetch)
            .select(EventRow::as_select())
            .into_boxed();
        if let Some(user_id) = filter.user_id {
            q = q.filter(security_events::user_id.eq(user_id));
        }
        if let Some(kind) = &filter.kind {
            q = q.filter(security_events::kind.eq(kind.clone()));
        }
        q.load(conn)
    }

    /// How many events of `kind` the user has had since `since` (an indexed range read).
    pub fn count_since(
        conn: &mut DbConnection,
        user_id: i32,
        kind: &str,
        since: PrimitiveDateTime,
    ) -> QueryResult<i64> {
        security_events::table
            .filter(security_events::user_id.eq(user_id))
            .filter(security_events::kind.eq(kind))
            .filter(security_events::created_at.gt(since))
            .count()
            .get_result(conn)
    }

    /// One batch of the purge: the oldest `batch` events recorded before `cutoff`, and not
    /// before `from` (the `last` of the batch before), read on the `created_at` index as a
    /// range that starts where the last batch ended (so no batch reads what an earlier one
    /// deleted, which PostgreSQL keeps until a vacuum), then deleted by id in one short
    /// statement. On SQLite the write lock is held for that statement only, so every
    /// other writer gets its turn between batches. The delete checks `created_at` again: it
    /// removes expired events and nothing else, whatever was written in between. `None` when
    /// no expired event is left.
    pub fn purge_batch(
        conn: &mut DbConnection,
        cutoff: PrimitiveDateTime,
        from: Option<PrimitiveDateTime>,
        batch: i64,
    ) -> QueryResult<Option<PurgedBatch>> {
        let mut q = security_events::table
            .filter(security_events::created_at.lt(cutoff))
            .order(security_events::created_at)
            .limit(batch)
            .select((security_events::id, security_events::created_at))
            .into_boxed();
        if let Some(from) = from {
            q = q.filter(security_events::created_at.ge(from));
        }
        let rows: Vec<(i32, PrimitiveDateTime)> = q.load(conn)?;
        let Some(&(_, last)) = rows.last() else {
            return Ok(None);
        };
        let ids: Vec<i32> = rows.iter().map(|(id, _)| *id).collect();
        let deleted = diesel::delete(
            security_events::table
                .filter(security_events::id.eq_any(ids))
                .filter(security_events::created_at.lt(cutoff)),
        )
        .execute(conn)?;
        Ok(Some(PurgedBatch {
            deleted,
            last,
            more: rows.len() as i64 == batch,
        }))
    }
}

/// What one batch of the purge did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurgedBatch {
    /// Events deleted.
    pub deleted: usize,
    /// The newest `created_at` the batch reached: the next batch starts there (events of that
    /// same instant that did not fit in this batch are still expired, and come next).
    pub last: PrimitiveDateTime,
    /// Whether the batch was full, so expired events may be left.
    pub more: bool,
}
