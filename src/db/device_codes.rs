//! The device authorization grant's rows (RFC 8628; API.md part three, section 1): one per
//! device code, from its start through the user's answer to the one poll that gets tokens.
//! The pace of the polls is kept here too, so a device that polls another instance is still
//! told to slow down.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};
use time::PrimitiveDateTime;

use super::schema::oauth_device_codes;
use super::DbConnection;

/// Nobody has answered yet.
pub const PENDING: &str = "pending";
/// The user allowed the device.
pub const APPROVED: &str = "approved";
/// The user said no.
pub const DENIED: &str = "denied";

/// A device code as stored (its SHA-256), with its user code and where it stands.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = oauth_device_codes)]
pub struct DeviceCode {
    pub device_code_hash: String,
    /// Normalised (upper case, no dash); `None` once released after expiry.
    pub user_code: Option<String>,
    pub client_id: String,
    /// Space-separated: what was asked, and after an approval what was granted.
    pub scope: String,
    pub created_at: PrimitiveDateTime,
    pub expires_at: PrimitiveDateTime,
    /// The least time between two polls; grows by 5 s with each `slow_down`.
    pub interval_seconds: i32,
    /// The previous poll, in Unix milliseconds.
    pub last_poll_ms: Option<i64>,
    /// [`PENDING`], [`APPROVED`] or [`DENIED`].
    pub decision: String,
    /// Who answered.
    pub user_id: Option<i32>,
    /// How the approving user had signed in: when, and with what (RFC 8176 values).
    pub auth_time: Option<PrimitiveDateTime>,
    pub amr: Option<String>,
    pub decided_at: Option<PrimitiveDateTime>,
    /// The one poll that got tokens.
    pub exchanged_at: Option<PrimitiveDateTime>,
    /// The client session those tokens belong to.
    pub session_id: Option<String>,
}

/// A device code to store at the start of the flow.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = oauth_device_codes)]
pub struct NewDeviceCode {
    pub device_code_hash: String,
    pub user_code: String,
    pub client_id: String,
    pub scope: String,
    pub created_at: PrimitiveDateTime,
    pub expires_at: PrimitiveDateTime,
    pub interval_seconds: i32,
    pub decision: &'static str,
}

/// How a poll kept to its code's interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// The first poll, or one at least the interval after the previous.
    OnTime,
    /// Too soon: the interval has grown by [`SLOW_DOWN_SECONDS`].
    TooSoon,
    /// No such code.
    Unknown,
}

/// What a `slow_down` adds to a code's interval (RFC 8628 §3.5).
pub const SLOW_DOWN_SECONDS: i32 = 5;

/// The approval (or denial) a user gives a pending code.
#[derive(Debug, Clone)]
pub struct Answer<'a> {
    pub decision: &'static str,
    pub user_id: i32,
    /// What is granted: the asked scopes this user may hold.
    pub scope: &'a str,
    pub auth_time: PrimitiveDateTime,
    pub amr: &'a str,
}

impl DeviceCode {
    /// Stores a new code. `false` when its user code is held by another live code (the caller
    /// draws another). First, codes past their lifetime release their user codes, and codes
    /// past it by a day go (a poll then is told "unknown", not `expired_token`).
    pub fn insert(conn: &mut DbConnection, row: &NewDeviceCode) -> QueryResult<bool> {
        let now = super::now();
        diesel::update(
            oauth_device_codes::table
                .filter(oauth_device_codes::expires_at.le(now))
                .filter(oauth_device_codes::user_code.is_not_null()),
        )
        .set(oauth_device_codes::user_code.eq(None::<String>))
        .execute(conn)?;
        let cutoff = now - time::Duration::days(1);
        diesel::delete(oauth_device_codes::table.filter(oauth_device_codes::expires_at.lt(cutoff)))
            .execute(conn)?;
        match diesel::insert_into(oauth_device_codes::table)
            .values(row)
            .execute(conn)
        {
            Ok(_) => Ok(true),
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub fn find(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<DeviceCode>> {
        oauth_device_codes::table
            .find(hash)
            .select(DeviceCode::as_select())
            .first(conn)
            .optional()
    }

    /// The code whose user code is `user_code` (normalised), whatever its state.
    pub fn find_by_user_code(
        conn: &mut DbConnection,
        user_code: &str,
    ) -> QueryResult<Option<DeviceCode>> {
        oauth_device_codes::table
            .filter(oauth_device_codes::user_code.eq(user_code))
            .select(DeviceCode::as_select())
            .first(conn)
            .optional()
    }

    /// Records the user's answer to the pending, live code `hash`: one conditional write, so of
    /// two answers (two tabs, two users typing the same code) only one counts. `false` when
    /// the code was already answered or has expired.
    pub fn answer(conn: &mut DbConnection, hash: &str, answer: &Answer<'_>) -> QueryResult<bool> {
        let now = super::now();
        let n = diesel::update(
            oauth_device_codes::table
                .filter(oauth_device_codes::device_code_hash.eq(hash))
                .filter(oauth_device_codes::decision.eq(PENDING))
                .filter(oauth_device_codes::expires_at.gt(now)),
        )
        .set((
            oauth_device_codes::decision.eq(answer.decision),
            oauth_device_codes::user_id.eq(answer.user_id),
            oauth_device_codes::scope.eq(answer.scope),
            oauth_device_codes::auth_time.eq(answer.auth_time),
            oauth_device_codes::amr.eq(answer.amr),
            oauth_device_codes::decided_at.eq(now),
        ))
        .execute(conn)?;
        Ok(n == 1)
    }

    /// Notes a poll of `hash` at `now_ms` (Unix milliseconds) and says whether it kept to the
    /// code's interval. Each step is one conditional write that compares with the stored
    /// previous poll and interval, never a value read before, so two instances polled at once
    /// cannot both let a poll through: of two polls at the same moment, the second is too
    /// soon. A poll that is too soon counts as the previous poll too, and grows the interval.
    pub fn pace(conn: &mut DbConnection, hash: &str, now_ms: i64) -> QueryResult<Pace> {
        let on_time = diesel::update(
            oauth_device_codes::table
                .filter(oauth_device_codes::device_code_hash.eq(hash))
                .filter(
                    oauth_device_codes::last_poll_ms
                        .is_null()
                        .or(sql::<Bool>("last_poll_ms + interval_seconds * 1000 <= ")
                            .bind::<BigInt, _>(now_ms)),
                ),
        )
        .set(oauth_device_codes::last_poll_ms.eq(now_ms))
        .execute(conn)?;
        if on_time == 1 {
            return Ok(Pace::OnTime);
        }
        let too_soon = diesel::update(
            oauth_device_codes::table
                .filter(oauth_device_codes::device_code_hash.eq(hash))
                .filter(oauth_device_codes::last_poll_ms.is_not_null()),
        )
        .set((
            oauth_device_codes::last_poll_ms.eq(now_ms),
            oauth_device_codes::interval_seconds
                .eq(oauth_device_codes::interval_seconds + SLOW_DOWN_SECONDS),
        ))
        .execute(conn)?;
        Ok(if too_soon == 1 {
            Pace::TooSoon
        } else {
            Pace::Unknown
        })
    }

    /// Takes the approved, live, unexchanged code `hash` for its one exchange: a conditional
    /// write, so of two racing polls one gets tokens. `false` when it cannot be taken.
    pub fn take(conn: &mut DbConnection, hash: &str) -> QueryResult<bool> {
        let now = super::now();
        let n = diesel::update(
            oauth_device_codes::table
                .filter(oauth_device_codes::device_code_hash.eq(hash))
                .filter(oauth_device_codes::decision.eq(APPROVED))
                .filter(oauth_device_codes::exchanged_at.is_null())
                .filter(oauth_device_codes::expires_at.gt(now)),
        )
        .set(oauth_device_codes::exchanged_at.eq(now))
        .execute(conn)?;
        Ok(n == 1)
    }

    /// Notes the client session the code's tokens came from.
    pub fn set_session(conn: &mut DbConnection, hash: &str, session_id: &str) -> QueryResult<()> {
        diesel::update(oauth_device_codes::table.find(hash))
            .set(oauth_device_codes::session_id.eq(session_id))
            .execute(conn)?;
        Ok(())
    }

    /// Drops the codes `user_id` approved for `client_id` that have not got tokens yet: taking
    /// an app's access back ends what is in flight too.
    pub fn drop_unused(conn: &mut DbConnection, user_id: i32, client_id: &str) -> QueryResult<()> {
        diesel::delete(
            oauth_device_codes::table
                .filter(oauth_device_codes::user_id.eq(user_id))
                .filter(oauth_device_codes::client_id.eq(client_id))
                .filter(oauth_device_codes::exchanged_at.is_null()),
        )
        .execute(conn)?;
        Ok(())
    }

    /// Drops every code `user_id` approved that has not got tokens yet: what ends all of a
    /// user's tokens (logout-all, a password change…) also ends an approval on its way to
    /// becoming a session.
    pub fn drop_all_unused(conn: &mut DbConnection, user_id: i32) -> QueryResult<()> {
        diesel::delete(
            oauth_device_codes::table
                .filter(oauth_device_codes::user_id.eq(user_id))
                .filter(oauth_device_codes::exchanged_at.is_null()),
        )
        .execute(conn)?;
        Ok(())
    }
}
