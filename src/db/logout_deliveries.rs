//! Back-channel logout deliveries (API.md part three, section 1, "Logout"): one row per logout
//! token a client is owed, written in the transaction that ends its session and claimed by one
//! sender at a time (any instance), as the mail outbox is.

use std::cell::Cell;

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use super::schema::{logout_deliveries, oauth_clients};
use super::DbConnection;

/// A session a revocation just ended, as it reads it back: its id (the `sid` of its tokens),
/// its user, and its OAuth client (`None` for a first-party session, which is owed nothing).
pub type EndedSession = (String, i32, Option<String>);

thread_local! {
    /// Whether this thread queued a delivery since [`take_queued`] last looked: what lets
    /// [`super::Db::run`] wake the sender once the work that queued it has committed.
    static QUEUED: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread queued a delivery since the last call (and forgets it).
pub fn take_queued() -> bool {
    QUEUED.with(|queued| queued.replace(false))
}

/// Queues a logout token for each session of `ended` whose client has a
/// `backchannel_logout_uri`, copying the URI and fixing the `jti` now. Call it in the
/// transaction that ended the sessions: the deliveries commit with the ends, or neither does.
/// First-party sessions cost no query. Returns how many it queued.
pub fn queue(
    conn: &mut DbConnection,
    ended: &[EndedSession],
    now: PrimitiveDateTime,
) -> QueryResult<usize> {
    let mut clients: Vec<&str> = ended.iter().filter_map(|(_, _, c)| c.as_deref()).collect();
    if clients.is_empty() {
        return Ok(0);
    }
    clients.sort_unstable();
    clients.dedup();
    let uris: Vec<(String, Option<String>)> = oauth_clients::table
        .filter(oauth_clients::client_id.eq_any(&clients))
        .filter(oauth_clients::backchannel_logout_uri.is_not_null())
        .select((
            oauth_clients::client_id,
            oauth_clients::backchannel_logout_uri,
        ))
        .load(conn)?;
    let mut queued = 0;
    for (sid, user_id, client_id) in ended {
        let Some(client_id) = client_id else {
            continue;
        };
        let uri = uris
            .iter()
            .find(|(c, _)| c == client_id)
            .and_then(|(_, uri)| uri.as_deref());
        let Some(uri) = uri else {
            continue;
        };
        diesel::insert_into(logout_deliveries::table)
            .values((
                logout_deliveries::client_id.eq(client_id),
                logout_deliveries::uri.eq(uri),
                logout_deliveries::sub.eq(user_id.to_string()),
                logout_deliveries::sid.eq(sid),
                logout_deliveries::jti.eq(uuid::Uuid::new_v4().to_string()),
                logout_deliveries::status.eq("pending"),
                logout_deliveries::attempts.eq(0),
                logout_deliveries::created_at.eq(now),
                logout_deliveries::next_attempt_at.eq(now),
            ))
            .execute(conn)?;
        queued += 1;
    }
    if queued > 0 {
        QUEUED.with(|q| q.set(true));
    }
    Ok(queued)
}

/// A delivery a sender has claimed: what its token says and where it goes.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = logout_deliveries)]
pub struct Claimed {
    pub id: i32,
    pub client_id: String,
    pub uri: String,
    pub sub: String,
    pub sid: String,
    pub jti: String,
    /// Attempts finished before this one.
    pub attempts: i32,
    pub created_at: PrimitiveDateTime,
}

/// Claims up to `limit` due deliveries for `worker` for `lease`: pending ones whose time has
/// come, and ones another sender claimed but did not finish before its lease ran out (it
/// died between the claim and the answer). The claim is a conditional update inside a write
/// transaction (`SKIP LOCKED` on PostgreSQL, an immediate transaction on SQLite), so two
/// senders never claim the same one and each token goes out once.
pub fn claim_due(
    conn: &mut DbConnection,
    worker: &str,
    limit: i64,
    lease: Duration,
) -> QueryResult<Vec<Claimed>> {
    let now = super::now();
    let until = now + lease;
    macro_rules! due {
        () => {
            logout_deliveries::status
                .eq("pending")
                .and(logout_deliveries::next_attempt_at.le(now))
                .or(logout_deliveries::status
                    .eq("sending")
                    .and(logout_deliveries::claimed_until.lt(now)))
        };
    }
    macro_rules! claim {
        ($c:ident, $ids:expr) => {{
            let ids: Vec<i32> = $ids;
            diesel::update(
                logout_deliveries::table
                    .filter(logout_deliveries::id.eq_any(&ids))
                    .filter(due!()),
            )
            .set((
                logout_deliveries::status.eq("sending"),
                logout_deliveries::claimed_by.eq(worker),
                logout_deliveries::claimed_until.eq(until),
            ))
            .execute($c)?;
            logout_deliveries::table
                .filter(logout_deliveries::id.eq_any(&ids))
                .filter(logout_deliveries::status.eq("sending"))
                .filter(logout_deliveries::claimed_by.eq(worker))
                .filter(logout_deliveries::claimed_until.eq(until))
                .order(logout_deliveries::id)
                .select(Claimed::as_select())
                .load($c)
        }};
    }
    // Most looks find nothing: a plain read says so without the write lock (SQLite) or a
    // transaction, so idle senders on every instance cost the writers nothing.
    let any_due: bool =
        diesel::select(diesel::dsl::exists(logout_deliveries::table.filter(due!())))
            .get_result(conn)?;
    if !any_due {
        return Ok(Vec::new());
    }
    match conn {
        DbConnection::Postgresql(c) => c.transaction(|c| {
            let ids = logout_deliveries::table
                .filter(due!())
                .order(logout_deliveries::id)
                .limit(limit)
                .select(logout_deliveries::id)
                .for_update()
                .skip_locked()
                .load(c)?;
            claim!(c, ids)
        }),
        DbConnection::Sqlite(c) => c.immediate_transaction(|c| {
            let ids = logout_deliveries::table
                .filter(due!())
                .order(logout_deliveries::id)
                .limit(limit)
                .select(logout_deliveries::id)
                .load(c)?;
            claim!(c, ids)
        }),
    }
}

/// The client answered 2xx: the delivery is done.
pub fn mark_done(conn: &mut DbConnection, id: i32, worker: &str) -> QueryResult<()> {
    let now = super::now();
    diesel::update(
        logout_deliveries::table
            .filter(logout_deliveries::id.eq(id))
            .filter(logout_deliveries::status.eq("sending"))
            .filter(logout_deliveries::claimed_by.eq(worker)),
    )
    .set((
        logout_deliveries::status.eq("done"),
        logout_deliveries::attempts.eq(logout_deliveries::attempts + 1),
        logout_deliveries::finished_at.eq(Some(now)),
        logout_deliveries::claimed_until.eq(None::<PrimitiveDateTime>),
        logout_deliveries::last_error.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(())
}

/// An attempt failed: try again at `retry_at`, or give up (`None`) and mark it failed.
/// `false` when the delivery was no longer this sender's (its lease ran out and another took
/// it over), so that only one of them reports a failure.
pub fn mark_attempt_failed(
    conn: &mut DbConnection,
    id: i32,
    worker: &str,
    error: &str,
    retry_at: Option<PrimitiveDateTime>,
) -> QueryResult<bool> {
    let now = super::now();
    let error: String = error.chars().take(500).collect();
    let (status, finished_at) = match retry_at {
        Some(_) => ("pending", None),
        None => ("failed", Some(now)),
    };
    let changed = diesel::update(
        logout_deliveries::table
            .filter(logout_deliveries::id.eq(id))
            .filter(logout_deliveries::status.eq("sending"))
            .filter(logout_deliveries::claimed_by.eq(worker)),
    )
    .set((
        logout_deliveries::status.eq(status),
        logout_deliveries::attempts.eq(logout_deliveries::attempts + 1),
        logout_deliveries::next_attempt_at.eq(retry_at.unwrap_or(now)),
        logout_deliveries::claimed_until.eq(None::<PrimitiveDateTime>),
        logout_deliveries::finished_at.eq(finished_at),
        logout_deliveries::last_error.eq(Some(error)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Deletes deliveries that finished (done or failed) before `before`: a failure has its event
/// in the audit trail, so the rows are not needed for long. Returns how many went.
pub fn purge_finished(conn: &mut DbConnection, before: PrimitiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        logout_deliveries::table
            .filter(logout_deliveries::status.eq_any(["done", "failed"]))
            .filter(logout_deliveries::finished_at.lt(before)),
    )
    .execute(conn)
}
