//! The hourly sweep that ends timed-out sessions (API.md part three §4): each gets its
//! `revoked_reason` (`idle`, `max_age`) and a `session_expired` event. Requests never wait for
//! it: the access-token check and the refresh apply the limits themselves, on every instance.

use std::time::Duration;

use crate::audit::{self, Event, EventKind};
use crate::background::Background;
use crate::db::sessions::{Expiry, Session, SessionLimits};
use crate::db::{Db, DbConnection};
use crate::http::client::ClientInfo;

/// The `session_expired` event of a session that timed out (the system ended it: no actor,
/// no client).
pub(super) fn expired_event(session_id: &str, user_id: i32, expiry: Expiry) -> Event {
    Event::new(EventKind::SessionExpired, &ClientInfo::default())
        .user(user_id)
        .detail("session_id", session_id.to_string())
        .detail("reason", expiry.reason())
}

/// Ends every session that timed out by now and records their events, in one write
/// transaction: a session is ended, with its event, by exactly one sweep even when several
/// instances sweep at once ([`Session::end_timed_out`]). Returns how many it ended.
pub fn sweep_timed_out(
    conn: &mut DbConnection,
    limits: &SessionLimits,
) -> Result<usize, diesel::result::Error> {
    crate::db::write_transaction(conn, |conn| {
        let ended = Session::end_timed_out(conn, limits, crate::db::now())?;
        for e in &ended {
            audit::record_in(conn, &expired_event(&e.session_id, e.user_id, e.expiry));
        }
        // Failed sign-ins a day old are forgotten anyway: their rows go (names tried by a
        // botnet would otherwise pile up).
        crate::db::sign_in_failures::forget_stale(conn)?;
        // Trips to outside providers and identities waiting for a username, past their life.
        crate::db::federation::Flow::purge_expired(conn)?;
        Ok(ended.len())
    })
}

/// Sweeps now and then every hour, on a thread of its own until the background threads are
/// stopped. Every instance runs one; the database decides which of them ends each session.
pub fn start_sweep(db: Db, limits: SessionLimits, background: &Background) -> std::io::Result<()> {
    background.spawn("sigil-session-sweep", move |stop| loop {
        let swept = db
            .get()
            .map_err(|e| e.to_string())
            .and_then(|mut conn| sweep_timed_out(&mut conn, &limits).map_err(|e| e.to_string()));
        // App sessions that timed out are owed logout tokens, queued by the sweep's commit.
        db.wake_if_logout_queued();
        match swept {
            Ok(0) => {}
            Ok(n) => log::info!(target: "sigil::sessions", "ended {n} timed-out sessions"),
            Err(e) => log::warn!(target: "sigil::sessions", "could not sweep sessions: {e}"),
        }
        // Hourly; at shutdown the sleep ends at once (a sweep under way is finished first).
        if stop.sleep(Duration::from_secs(3600)) {
            return;
        }
    })
}
