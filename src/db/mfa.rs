//! Second factors: a user's TOTP authenticator, their recovery codes (as hashes), and the
//! sign-ins waiting for a second factor (`mfa_token`s, as hashes).

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use super::schema::{mfa_challenges, recovery_codes, totp_credentials};
use super::DbConnection;

/// A user's authenticator: the sealed secret, whether enrolment was confirmed, and the last
/// time step a code was accepted for.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = totp_credentials)]
pub struct TotpRow {
    pub user_id: i32,
    pub secret: String,
    pub created_at: PrimitiveDateTime,
    pub confirmed_at: Option<PrimitiveDateTime>,
    pub last_step: i64,
}

/// A sign-in waiting for its second factor.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mfa_challenges)]
pub struct Challenge {
    pub token_hash: String,
    pub user_id: i32,
    /// What the first factor proved (`pwd`).
    pub amr: String,
    pub created_at: PrimitiveDateTime,
    pub expires_at: PrimitiveDateTime,
    pub failures: i32,
    pub used_at: Option<PrimitiveDateTime>,
}

/// How many wrong codes end an `mfa_token`.
pub const MAX_FAILURES: i32 = 5;

impl TotpRow {
    pub fn find(conn: &mut DbConnection, user_id: i32) -> QueryResult<Option<TotpRow>> {
        totp_credentials::table
            .find(user_id)
            .select(TotpRow::as_select())
            .first(conn)
            .optional()
    }

    /// Whether the user has a confirmed authenticator (a second factor is on).
    pub fn is_on(conn: &mut DbConnection, user_id: i32) -> QueryResult<bool> {
        Ok(Self::find(conn, user_id)?.is_some_and(|t| t.confirmed_at.is_some()))
    }

    /// Starts (or restarts) an enrolment with a new sealed secret, unconfirmed. Refused
    /// (`false`) when a confirmed authenticator exists: it must be removed first.
    pub fn begin(conn: &mut DbConnection, user_id: i32, sealed: &str) -> QueryResult<bool> {
        if let Some(existing) = Self::find(conn, user_id)? {
            if existing.confirmed_at.is_some() {
                return Ok(false);
            }
            diesel::delete(totp_credentials::table.find(user_id)).execute(conn)?;
        }
        diesel::insert_into(totp_credentials::table)
            .values((
                totp_credentials::user_id.eq(user_id),
                totp_credentials::secret.eq(sealed),
                totp_credentials::created_at.eq(super::now()),
                totp_credentials::last_step.eq(0i64),
            ))
            .execute(conn)?;
        Ok(true)
    }

    /// Accepts a code of time step `step` once: the step must be newer than the last one
    /// accepted (a replay, or an older code, changes nothing and gives `false`). Confirms a
    /// pending enrolment when `confirm` is set.
    pub fn accept_step(
        conn: &mut DbConnection,
        user_id: i32,
        step: i64,
        confirm: bool,
    ) -> QueryResult<bool> {
        let fresh = totp_credentials::table
            .filter(totp_credentials::user_id.eq(user_id))
            .filter(totp_credentials::last_step.lt(step));
        let updated = if confirm {
            diesel::update(fresh.filter(totp_credentials::confirmed_at.is_null()))
                .set((
                    totp_credentials::last_step.eq(step),
                    totp_credentials::confirmed_at.eq(Some(super::now())),
                ))
                .execute(conn)?
        } else {
            diesel::update(fresh.filter(totp_credentials::confirmed_at.is_not_null()))
                .set(totp_credentials::last_step.eq(step))
                .execute(conn)?
        };
        Ok(updated == 1)
    }

    /// Removes the authenticator and every recovery code: the second factor is off.
    pub fn remove(conn: &mut DbConnection, user_id: i32) -> QueryResult<bool> {
        let removed = diesel::delete(totp_credentials::table.find(user_id)).execute(conn)? > 0;
        diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
            .execute(conn)?;
        Ok(removed)
    }
}

/// Replaces the user's recovery codes with these hashes: the old codes stop working.
pub fn replace_recovery_codes(
    conn: &mut DbConnection,
    user_id: i32,
    hashes: &[String],
) -> QueryResult<()> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
        .execute(conn)?;
    let now = super::now();
    for hash in hashes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::code_hash.eq(hash),
                recovery_codes::user_id.eq(user_id),
                recovery_codes::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Uses up one of the user's recovery codes (by hash); `false` when it is not theirs or was
/// used already. One conditional update, so two racing uses cannot both succeed.
pub fn use_recovery_code(conn: &mut DbConnection, user_id: i32, hash: &str) -> QueryResult<bool> {
    let unused = recovery_codes::table
        .filter(recovery_codes::code_hash.eq(hash))
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null());
    Ok(diesel::update(unused)
        .set(recovery_codes::used_at.eq(Some(super::now())))
        .execute(conn)?
        == 1)
}

/// How many of the user's recovery codes are still unused.
pub fn recovery_codes_left(conn: &mut DbConnection, user_id: i32) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}

impl Challenge {
    /// Stores a new challenge (by the hash of its `mfa_token`) living `ttl`; those older than
    /// a day go (younger ones still count towards [`Challenge::recent_failures`]).
    pub fn create(
        conn: &mut DbConnection,
        token_hash: &str,
        user_id: i32,
        amr: &str,
        ttl: Duration,
    ) -> QueryResult<()> {
        let now = super::now();
        let old = now - Duration::days(1);
        diesel::delete(mfa_challenges::table.filter(mfa_challenges::created_at.lt(old)))
            .execute(conn)?;
        diesel::insert_into(mfa_challenges::table)
            .values((
                mfa_challenges::token_hash.eq(token_hash),
                mfa_challenges::user_id.eq(user_id),
                mfa_challenges::amr.eq(amr),
                mfa_challenges::created_at.eq(now),
                mfa_challenges::expires_at.eq(now + ttl),
                mfa_challenges::failures.eq(0),
            ))
            .execute(conn)
            .map(drop)
    }

    /// The challenge of this hash if it can still be completed: not used, not expired, fewer
    /// than five wrong codes.
    pub fn live(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<Challenge>> {
        mfa_challenges::table
            .find(token_hash)
            .filter(mfa_challenges::used_at.is_null())
            .filter(mfa_challenges::expires_at.gt(super::now()))
            .filter(mfa_challenges::failures.lt(MAX_FAILURES))
            .select(Challenge::as_select())
            .first(conn)
            .optional()
    }

    /// Uses the challenge up, once (a wrong code then gives it back with [`Challenge::fail`]):
    /// `false` when another request completed or holds it first.
    pub fn complete(conn: &mut DbConnection, token_hash: &str) -> QueryResult<bool> {
        let live = mfa_challenges::table
            .filter(mfa_challenges::token_hash.eq(token_hash))
            .filter(mfa_challenges::used_at.is_null())
            .filter(mfa_challenges::failures.lt(MAX_FAILURES));
        Ok(diesel::update(live)
            .set(mfa_challenges::used_at.eq(Some(super::now())))
            .execute(conn)?
            == 1)
    }

    /// Ends every sign-in of the user still waiting for its second factor (the password
    /// they were started with has changed).
    pub fn end_all(conn: &mut DbConnection, user_id: i32) -> QueryResult<usize> {
        diesel::delete(mfa_challenges::table.filter(mfa_challenges::user_id.eq(user_id)))
            .execute(conn)
    }

    /// Counts a wrong code and gives back the claim [`Challenge::complete`] took; returns how
    /// many wrong codes the challenge has now.
    pub fn fail(conn: &mut DbConnection, token_hash: &str) -> QueryResult<i32> {
        diesel::update(mfa_challenges::table.find(token_hash))
            .set((
                mfa_challenges::failures.eq(mfa_challenges::failures + 1),
                mfa_challenges::used_at.eq(None::<time::PrimitiveDateTime>),
            ))
            .returning(mfa_challenges::failures)
            .get_result(conn)
    }
}
