//! Session time limits (API.md part three §4): a session ends `idle` after
//! `SESSION_IDLE_MINUTES` unused and `max_age` once `SESSION_MAX_DAYS` old, counted from
//! sign-in (`created_at`; proving who one is again does not move it). The rule is pure
//! ([`SessionLimits::expiry`]) so that the access-token check, the refresh and the sweep
//! decide alike; the writes it needs are here too.

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use super::revocation::{revocation, ENDED};
use super::Session;
use crate::db::logout_deliveries::EndedSession;
use crate::db::schema::sessions;
use crate::db::DbConnection;

/// Why a session timed out; also its `revoked_reason` once ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// Unused for longer than the idle limit.
    Idle,
    /// Older than the absolute lifetime.
    MaxAge,
}

impl Expiry {
    /// The `revoked_reason` and the `session_expired` event's `reason`.
    pub fn reason(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::MaxAge => "max_age",
        }
    }

    /// The `invalid_token` description (API.md).
    pub fn description(self) -> &'static str {
        match self {
            Self::Idle => "session expired after inactivity",
            Self::MaxAge => "session reached its maximum lifetime; sign in again",
        }
    }

    /// The expiry a session ended by the sweep carries in `revoked_reason`.
    pub fn from_reason(reason: &str) -> Option<Self> {
        match reason {
            "idle" => Some(Self::Idle),
            "max_age" => Some(Self::MaxAge),
            _ => None,
        }
    }
}

/// The idle and absolute limits, as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub idle: Duration,
    pub max_age: Duration,
}

impl SessionLimits {
    pub fn new(idle: std::time::Duration, max_age: std::time::Duration) -> Self {
        let convert = |d| Duration::try_from(d).unwrap_or(Duration::MAX);
        Self {
            idle: convert(idle),
            max_age: convert(max_age),
        }
    }

    /// Whether a session created at `created_at` and last used at `last_used_at` has timed
    /// out at `now`, and why. Past both limits it is `MaxAge`: it could not be used again
    /// whatever happened since.
    pub fn expiry(
        &self,
        created_at: PrimitiveDateTime,
        last_used_at: PrimitiveDateTime,
        now: PrimitiveDateTime,
    ) -> Option<Expiry> {
        if now >= self.deadline(created_at) {
            Some(Expiry::MaxAge)
        } else if now - last_used_at >= self.idle {
            Some(Expiry::Idle)
        } else {
            None
        }
    }

    /// The absolute deadline of a session started at `created_at`: no refresh token of it
    /// lives longer.
    pub fn deadline(&self, created_at: PrimitiveDateTime) -> PrimitiveDateTime {
        created_at.saturating_add(self.max_age)
    }

    /// How stale `last_used_at` may get before a use writes it again: a minute, or a quarter
    /// of the idle limit when that is shorter. The idle limit is exact to this step, and a
    /// busy session costs one write per step, not one per request.
    pub fn touch_step(&self) -> Duration {
        (self.idle / 4_i32).min(Duration::minutes(1))
    }

    /// Whether a use at `now` should write `last_used_at`.
    pub fn needs_touch(&self, last_used_at: PrimitiveDateTime, now: PrimitiveDateTime) -> bool {
        now - last_used_at >= self.touch_step()
    }
}

/// A session the sweep ended: its id, its user, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    pub session_id: String,
    pub user_id: i32,
    pub expiry: Expiry,
}

impl Session {
    /// Whether this session timed out by `now`, and why (see [`SessionLimits::expiry`]).
    pub fn timed_out(&self, limits: &SessionLimits, now: PrimitiveDateTime) -> Option<Expiry> {
        limits.expiry(self.created_at, self.last_used_at, now)
    }

    /// Records a use at `now` (and the client's address): one conditional update, which
    /// writes only when the stored use is at least a step old, and never revives a session
    /// that is revoked or already idle. Says whether it wrote.
    pub fn touch(
        conn: &mut DbConnection,
        id: &str,
        ip: Option<&str>,
        limits: &SessionLimits,
        now: PrimitiveDateTime,
    ) -> QueryResult<bool> {
        let stale = sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::last_used_at.le(now.saturating_sub(limits.touch_step())))
            .filter(sessions::last_used_at.gt(now.saturating_sub(limits.idle)));
        let written = match ip {
            Some(ip) => diesel::update(stale)
                .set((sessions::last_used_at.eq(now), sessions::ip.eq(ip)))
                .execute(conn)?,
            None => diesel::update(stale)
                .set(sessions::last_used_at.eq(now))
                .execute(conn)?,
        };
        Ok(written == 1)
    }

    /// Ends every live session that timed out by `now` (`revoked_reason` `max_age`, else
    /// `idle`), with the app sessions that came from them, queues the logout tokens of the
    /// client sessions among them, and returns them. Each is ended by one conditional update
    /// that only a live row matches, so when sweeps on several instances overlap, each session
    /// is returned (and its logout token queued) by exactly one of them; on PostgreSQL a transaction-scoped advisory lock also makes a
    /// second sweep skip the work altogether. Call it inside a write transaction.
    pub fn end_timed_out(
        conn: &mut DbConnection,
        limits: &SessionLimits,
        now: PrimitiveDateTime,
    ) -> QueryResult<Vec<Ended>> {
        // Any fixed number, the same on every instance (migrations use 8317).
        const SWEEP_LOCK: i64 = 8318;
        if let DbConnection::Postgresql(c) = conn {
            let ours = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
                "pg_try_advisory_xact_lock({SWEEP_LOCK})"
            )))
            .get_result::<bool>(c)?;
            if !ours {
                return Ok(Vec::new());
            }
        }
        let mut ended = Vec::new();
        for (expiry, cutoff) in [
            (Expiry::MaxAge, now.saturating_sub(limits.max_age)),
            (Expiry::Idle, now.saturating_sub(limits.idle)),
        ] {
            let live = sessions::table.filter(sessions::revoked_at.is_null());
            let rows: Vec<EndedSession> = match expiry {
                Expiry::MaxAge => diesel::update(live.filter(sessions::created_at.le(cutoff)))
                    .set(revocation(now, expiry.reason()))
                    .returning(ENDED)
                    .get_results(conn)?,
                Expiry::Idle => diesel::update(live.filter(sessions::last_used_at.le(cutoff)))
                    .set(revocation(now, expiry.reason()))
                    .returning(ENDED)
                    .get_results(conn)?,
            };
            // A client session that timed out itself is owed its logout token too.
            super::revocation::ended(conn, &rows, now)?;
            ended.extend(rows.into_iter().map(|(session_id, user_id, _)| Ended {
                session_id,
                user_id,
                expiry,
            }));
        }
        // An app's session from a browser sign-in ends with it, by a limit too (unless it
        // holds offline_access): API.md part three, section 1, "Client sessions".
        let ids: Vec<&str> = ended.iter().map(|e| e.session_id.as_str()).collect();
        for chunk in ids.chunks(500) {
            super::revocation::end_client_sessions_of(conn, chunk, now)?;
        }
        Ok(ended)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn limits(idle_minutes: u64, max_days: u64) -> SessionLimits {
        SessionLimits::new(
            std::time::Duration::from_secs(idle_minutes * 60),
            std::time::Duration::from_secs(max_days * 86_400),
        )
    }

    #[test]
    fn idle_and_absolute_limits_end_a_session() {
        let l = limits(20, 30);
        let start = datetime!(2027-01-01 00:00);
        let now = start + Duration::minutes(30);
        assert_eq!(l.expiry(start, now - Duration::minutes(19), now), None);
        assert_eq!(
            l.expiry(start, now - Duration::minutes(20), now),
            Some(Expiry::Idle)
        );
        // Used a second ago, but 30 days old: the absolute limit wins.
        let late = start + Duration::days(30);
        assert_eq!(
            l.expiry(start, late - Duration::seconds(1), late),
            Some(Expiry::MaxAge)
        );
        assert_eq!(
            l.expiry(
                start,
                late - Duration::seconds(1),
                late - Duration::seconds(1)
            ),
            None
        );
        assert_eq!(l.deadline(start), late);
    }

    #[test]
    fn the_touch_step_is_a_minute_or_a_quarter_of_the_idle_limit() {
        assert_eq!(limits(20_160, 30).touch_step(), Duration::minutes(1));
        assert_eq!(limits(1, 30).touch_step(), Duration::seconds(15));
        let l = limits(1, 30);
        let now = datetime!(2027-01-01 00:00);
        assert!(!l.needs_touch(now - Duration::seconds(14), now));
        assert!(l.needs_touch(now - Duration::seconds(15), now));
        for reason in ["idle", "max_age"] {
            assert_eq!(
                Expiry::from_reason(reason).map(Expiry::reason),
                Some(reason)
            );
        }
        assert_eq!(Expiry::from_reason("logout"), None);
    }
}
