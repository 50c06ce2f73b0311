//! The mail outbox: messages written in the same transaction as what they announce, and
//! claimed by one sender at a time (any instance) for delivery.

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use super::schema::outbox;
use super::DbConnection;

/// A rendered message, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub kind: &'static str,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// The language it is written in (its `Content-Language`).
    pub locale: crate::i18n::Locale,
}

/// A message a sender has claimed.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct Claimed {
    pub id: i32,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub attempts: i32,
    pub created_at: PrimitiveDateTime,
    /// `en`, `de` or `es`; none for messages queued before languages.
    pub locale: Option<String>,
}

/// Stores a message for delivery as soon as possible. Call it inside the transaction of what
/// the message announces: both commit, or neither does.
pub fn enqueue(conn: &mut DbConnection, message: &NewMessage) -> QueryResult<()> {
    let now = super::now();
    diesel::insert_into(outbox::table)
        .values((
            outbox::recipient.eq(&message.recipient),
            outbox::subject.eq(&message.subject),
            outbox::text_body.eq(&message.text_body),
            outbox::html_body.eq(&message.html_body),
            outbox::locale.eq(message.locale.tag()),
            outbox::kind.eq(message.kind),
            outbox::status.eq("pending"),
            outbox::attempts.eq(0),
            outbox::created_at.eq(now),
            outbox::next_attempt_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Claims up to `limit` due messages for `worker` for `lease`: pending ones whose time has
/// come, and ones another sender claimed but did not finish before its lease ran out (it
/// died). The claim is a conditional update inside a write transaction (`SKIP LOCKED` on
/// PostgreSQL, an immediate transaction on SQLite), so two senders never claim the same one.
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
            outbox::status
                .eq("pending")
                .and(outbox::next_attempt_at.le(now))
                .or(outbox::status
                    .eq("sending")
                    .and(outbox::claimed_until.lt(now)))
        };
    }
    macro_rules! claim {
        ($c:ident, $ids:expr) => {{
            let ids: Vec<i32> = $ids;
            diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)).filter(due!()))
                .set((
                    outbox::status.eq("sending"),
                    outbox::claimed_by.eq(worker),
                    outbox::claimed_until.eq(until),
                ))
                .execute($c)?;
            outbox::table
                .filter(outbox::id.eq_any(&ids))
                .filter(outbox::status.eq("sending"))
                .filter(outbox::claimed_by.eq(worker))
                .filter(outbox::claimed_until.eq(until))
                .order(outbox::id)
                .select(Claimed::as_select())
                .load($c)
        }};
    }
    match conn {
        DbConnection::Postgresql(c) => c.transaction(|c| {
            let ids = outbox::table
                .filter(due!())
                .order(outbox::id)
                .limit(limit)
                .select(outbox::id)
                .for_update()
                .skip_locked()
                .load(c)?;
            claim!(c, ids)
        }),
        DbConnection::Sqlite(c) => c.immediate_transaction(|c| {
            let ids = outbox::table
                .filter(due!())
                .order(outbox::id)
                .limit(limit)
                .select(outbox::id)
                .load(c)?;
            claim!(c, ids)
        }),
    }
}

/// Gives back messages this sender claimed but will not send (it is stopping): they are due
/// again at once for any sender, instead of after the lease.
pub fn release(conn: &mut DbConnection, ids: &[i32], worker: &str) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(ids))
            .filter(outbox::status.eq("sending"))
            .filter(outbox::claimed_by.eq(worker)),
    )
    .set((
        outbox::status.eq("pending"),
        outbox::claimed_by.eq(None::<String>),
        outbox::claimed_until.eq(None::<PrimitiveDateTime>),
    ))
    .execute(conn)
}

/// The message went out.
pub fn mark_sent(conn: &mut DbConnection, id: i32, worker: &str) -> QueryResult<()> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::claimed_by.eq(worker)),
    )
    .set((
        outbox::status.eq("sent"),
        outbox::sent_at.eq(super::now()),
        outbox::claimed_until.eq(None::<PrimitiveDateTime>),
        outbox::attempts.eq(outbox::attempts + 1),
    ))
    .execute(conn)?;
    Ok(())
}

/// A delivery failed: try again at `retry_at`, or give up (`None`) and mark it failed.
pub fn mark_attempt_failed(
    conn: &mut DbConnection,
    id: i32,
    worker: &str,
    error: &str,
    retry_at: Option<PrimitiveDateTime>,
) -> QueryResult<()> {
    let error: String = error.chars().take(500).collect();
    let target = outbox::table
        .filter(outbox::id.eq(id))
        .filter(outbox::claimed_by.eq(worker));
    let status = if retry_at.is_some() {
        "pending"
    } else {
        "failed"
    };
    diesel::update(target)
        .set((
            outbox::status.eq(status),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::next_attempt_at.eq(retry_at.unwrap_or_else(super::now)),
            outbox::claimed_until.eq(None::<PrimitiveDateTime>),
            outbox::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// How many messages are in each state, for the logs and metrics.
pub fn counts(conn: &mut DbConnection) -> QueryResult<Vec<(String, i64)>> {
    outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load(conn)
}
