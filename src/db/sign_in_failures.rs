//! Failed sign-ins per account (or per name no account has), shared by every instance: one
//! row per subject, `user:{id}` or `name:{sha256 hex}` (see `accounts::throttle`).
//!
//! An attempt is let through by [`admit`], one atomic upsert that counts it as a failure in
//! advance and sets the wait that failure earns, unless a wait is running. The row's lock (or
//! SQLite's single writer) orders racing attempts from any instance, so a burst gets no more
//! tries than one attempt at a time would. A right proof gives the attempt back ([`refund`]),
//! or ends the count ([`clear`]) when the sign-in completes.

use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable, Text, Timestamp};
use time::PrimitiveDateTime;

use super::schema::sign_in_failures as failures;
use super::DbConnection;

/// A subject's count, as an administrator sees it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = failures)]
pub struct FailureRow {
    pub failures: i32,
    pub last_failed_at: PrimitiveDateTime,
    pub retry_at: Option<PrimitiveDateTime>,
}

/// What [`admit`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admitted {
    /// Let through, and counted: `failures` in a row with this one, and the wait it set
    /// (`None` while failures are free).
    Yes {
        failures: i32,
        retry_at: Option<PrimitiveDateTime>,
    },
    /// A wait runs until `retry_at`: nothing was counted.
    Waiting { retry_at: Option<PrimitiveDateTime> },
}

/// The numbers an attempt is judged by.
#[derive(Debug, Clone)]
pub struct Ladder {
    pub now: PrimitiveDateTime,
    /// A row whose last failure is older starts again at 1.
    pub stale_before: PrimitiveDateTime,
    /// Failures before any wait.
    pub free: i32,
    /// The ends of the waits the failures past `free` set, in order (`now` plus 1 s, 2 s,
    /// 4 s… up to the longest); every later failure gets the last one. Never empty.
    pub waits_until: Vec<PrimitiveDateTime>,
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Integer)]
    failures: i32,
    #[diesel(sql_type = Nullable<Timestamp>)]
    retry_at: Option<PrimitiveDateTime>,
}

/// The upsert of [`admit`] in PostgreSQL's placeholders (`$n`; SQLite reads them as `?n`).
/// In `DO UPDATE`, every column named is the row's value before this statement.
fn admit_sql(waits: usize) -> String {
    let count = "(CASE WHEN sign_in_failures.last_failed_at < $4 THEN 1 \
                 ELSE sign_in_failures.failures + 1 END)";
    let mut wait = format!("CASE WHEN {count} <= $5 THEN NULL");
    for step in 1..waits {
        wait.push_str(&format!(" WHEN {count} - $5 = {step} THEN ${}", 5 + step));
    }
    wait.push_str(&format!(" ELSE ${} END", 5 + waits));
    format!(
        "INSERT INTO sign_in_failures \
           (subject, user_id, failures, first_failed_at, last_failed_at, retry_at, notified_at) \
         VALUES ($1, $2, 1, $3, $3, CASE WHEN 1 <= $5 THEN NULL ELSE $6 END, NULL) \
         ON CONFLICT (subject) DO UPDATE SET \
           failures = {count}, \
           first_failed_at = CASE WHEN sign_in_failures.last_failed_at < $4 \
             OR sign_in_failures.failures <= 0 THEN $3 \
             ELSE sign_in_failures.first_failed_at END, \
           last_failed_at = $3, \
           retry_at = {wait} \
         WHERE sign_in_failures.retry_at IS NULL OR sign_in_failures.retry_at <= $3 \
         RETURNING failures, retry_at"
    )
}

/// Lets an attempt on `subject` through, counting it as a failure in the same statement, or
/// says how long the running wait lasts (nothing counted). One statement on both backends.
pub fn admit(
    conn: &mut DbConnection,
    subject: &str,
    user_id: Option<i32>,
    ladder: &Ladder,
) -> QueryResult<Admitted> {
    let sql = admit_sql(ladder.waits_until.len());
    macro_rules! run {
        ($c:expr, $backend:ty, $sql:expr) => {{
            let mut query = diesel::sql_query($sql)
                .into_boxed::<$backend>()
                .bind::<Text, _>(subject.to_string())
                .bind::<Nullable<Integer>, _>(user_id)
                .bind::<Timestamp, _>(ladder.now)
                .bind::<Timestamp, _>(ladder.stale_before)
                .bind::<Integer, _>(ladder.free);
            for until in &ladder.waits_until {
                query = query.bind::<Timestamp, _>(*until);
            }
            query.load::<Counted>($c)?
        }};
    }
    let rows = match conn {
        DbConnection::Postgresql(c) => run!(c, diesel::pg::Pg, sql),
        DbConnection::Sqlite(c) => run!(c, diesel::sqlite::Sqlite, sql.replace('$', "?")),
    };
    if let Some(row) = rows.into_iter().next() {
        return Ok(Admitted::Yes {
            failures: row.failures,
            retry_at: row.retry_at,
        });
    }
    let retry_at = failures::table
        .find(subject)
        .select(failures::retry_at)
        .first::<Option<PrimitiveDateTime>>(conn)
        .optional()?
        .flatten();
    Ok(Admitted::Waiting { retry_at })
}

/// Gives back an attempt [`admit`] counted, whose proof was right (a second step follows, or
/// the account may not sign in): one failure less, and the wait it set lifted unless a later
/// failure has set another since (`claimed` is the wait the attempt set).
pub fn refund(
    conn: &mut DbConnection,
    subject: &str,
    claimed: Option<PrimitiveDateTime>,
) -> QueryResult<()> {
    let sql = "UPDATE sign_in_failures SET failures = failures - 1, \
               retry_at = CASE WHEN retry_at = $2 THEN NULL ELSE retry_at END \
               WHERE subject = $1";
    macro_rules! run {
        ($c:expr, $sql:expr) => {
            diesel::sql_query($sql)
                .bind::<Text, _>(subject)
                .bind::<Nullable<Timestamp>, _>(claimed)
                .execute($c)?
        };
    }
    match conn {
        DbConnection::Postgresql(c) => run!(c, sql),
        DbConnection::Sqlite(c) => run!(c, sql.replace('$', "?")),
    };
    diesel::delete(
        failures::table
            .filter(failures::subject.eq(subject))
            .filter(failures::failures.le(0))
            .filter(not_told_today()),
    )
    .execute(conn)?;
    Ok(())
}

/// An account's subject: its failures are counted under it, whatever name it was tried by.
pub fn account_subject(user_id: i32) -> String {
    format!("user:{user_id}")
}

/// [`clear`] for an account: a completed sign-in, a reset or an administrator ended its count.
pub fn clear_account(conn: &mut DbConnection, user_id: i32) -> QueryResult<()> {
    clear(conn, &account_subject(user_id))
}

/// Ends a subject's count and any wait (a completed sign-in, a reset, an administrator). The
/// row goes, unless its owner was told in the last day: then it stays at zero, keeping that
/// date, so that the next streak does not mail again the same day.
pub fn clear(conn: &mut DbConnection, subject: &str) -> QueryResult<()> {
    diesel::delete(failures::table.find(subject).filter(not_told_today())).execute(conn)?;
    diesel::update(failures::table.find(subject))
        .set((
            failures::failures.eq(0),
            failures::retry_at.eq(None::<PrimitiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes the counts whose last failure is over a day old (forgotten: the next failure would
/// start again at 1) and whose owner was not mailed in the last day.
pub fn forget_stale(conn: &mut DbConnection) -> QueryResult<usize> {
    let a_day_ago = super::now() - time::Duration::DAY;
    diesel::delete(
        failures::table
            .filter(failures::last_failed_at.lt(a_day_ago))
            .filter(not_told_today()),
    )
    .execute(conn)
}

/// Rows whose owner was not mailed in the last day.
fn not_told_today() -> diesel::dsl::Or<
    diesel::dsl::IsNull<failures::notified_at>,
    diesel::dsl::Lt<failures::notified_at, PrimitiveDateTime>,
> {
    let a_day_ago = super::now() - time::Duration::DAY;
    failures::notified_at
        .is_null()
        .or(failures::notified_at.lt(a_day_ago))
}

/// A subject's count, when it has failures.
pub fn find(conn: &mut DbConnection, subject: &str) -> QueryResult<Option<FailureRow>> {
    failures::table
        .find(subject)
        .filter(failures::failures.gt(0))
        .select(FailureRow::as_select())
        .first(conn)
        .optional()
}

/// Marks the owner told, once a day: `true` for the one caller (on any instance) that may
/// send the notice now, `false` when it was sent less than a day ago.
pub fn mark_notified(
    conn: &mut DbConnection,
    subject: &str,
    now: PrimitiveDateTime,
    a_day_ago: PrimitiveDateTime,
) -> QueryResult<bool> {
    let due = failures::table.find(subject).filter(
        failures::notified_at
            .is_null()
            .or(failures::notified_at.lt(a_day_ago)),
    );
    Ok(diesel::update(due)
        .set(failures::notified_at.eq(Some(now)))
        .execute(conn)?
        == 1)
}

#[cfg(test)]
mod tests {
    use super::admit_sql;

    #[test]
    fn the_wait_is_picked_by_failures_past_the_free_ones() {
        let sql = admit_sql(3);
        assert!(sql.contains("- $5 = 1 THEN $6"), "{sql}");
        assert!(sql.contains("- $5 = 2 THEN $7"), "{sql}");
        assert!(sql.contains("ELSE $8 END"), "{sql}");
        assert!(!sql.contains("$9"), "{sql}");
        let one = admit_sql(1);
        assert!(one.contains("<= $5 THEN NULL ELSE $6 END"), "{one}");
    }
}
