//! The back-channel logout sender: a thread on every instance that claims due deliveries,
//! signs each a fresh logout token and posts it (`logout_token=…`) to the client, at most
//! [`ATTEMPT_TIMEOUT`] each and a batch at a time in parallel. Any 2xx is done; anything else is
//! tried again ([`super::retry_at`]) until the day is over, then the delivery fails with a log
//! line and a `backchannel_logout_failed` event. Sign-outs never wait on it.

use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use crate::audit::{self, Event, EventKind};
use crate::background::{Background, StopSignal};
use crate::db::logout_deliveries::{self, Claimed};
use crate::db::Db;
use crate::http::client::ClientInfo;
use crate::http::outgoing::{self, Outgoing, OutgoingError};
use crate::oidc::keys::SigningKey;
use crate::oidc::Provider;

use super::{LogoutClaims, LOGOUT_TOKEN_TYPE};

/// How often a sender looks for due deliveries when nobody woke it: deliveries queued by
/// other instances or the command line, and retries coming due.
const POLL: Duration = Duration::from_secs(1);
/// The longest one attempt may take, answer included (API.md: 5 s per attempt).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
/// A claimed delivery not finished by then is taken up again: its sender died between the
/// claim and the answer. Far longer than a batch takes (one attempt's timeout, in parallel).
const LEASE: time::Duration = time::Duration::minutes(1);
/// Deliveries claimed at once.
const BATCH: i64 = 20;
/// Finished deliveries are kept this long (a failure's event stays in the audit trail).
const KEEP_FINISHED: time::Duration = time::Duration::days(7);
/// How often finished deliveries are purged.
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// The handle that wakes this instance's sender, so a delivery queued by a sign-out goes
/// out at once rather than at the next poll ([`Db::on_logout_queued`] calls it).
#[derive(Clone)]
pub struct LogoutSender {
    wake: mpsc::SyncSender<()>,
}

impl LogoutSender {
    /// Starts the sender thread for this instance, posting through the instance's one
    /// outgoing client (API.md's outgoing rules: `http` only to loopback in development, no
    /// redirect followed). At shutdown it finishes the batch it is sending (at most
    /// [`ATTEMPT_TIMEOUT`]) and returns.
    pub fn start(
        db: Db,
        provider: Arc<Provider>,
        outgoing: Outgoing,
        background: &Background,
    ) -> Result<Self, String> {
        let (wake, woken) = mpsc::sync_channel(1);
        let worker = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
        let sender = Sender {
            db,
            provider,
            outgoing,
            worker,
        };
        background
            .spawn("sigil-backchannel", move |stop| sender.run(&woken, &stop))
            .map_err(|e| format!("cannot start the back-channel logout sender: {e}"))?;
        let handle = Self { wake };
        let waker = handle.clone();
        background.on_stop(move || waker.wake());
        Ok(handle)
    }

    /// Asks the sender to look for due deliveries now.
    pub fn wake(&self) {
        // A full channel already holds a wake-up; a closed one means the process is ending.
        let _ = self.wake.try_send(());
    }
}

/// Why an attempt did not succeed, and whether trying again could help.
#[derive(Debug)]
struct Failure {
    reason: String,
    permanent: bool,
}

impl Failure {
    fn retry(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            permanent: false,
        }
    }
}

struct Sender {
    db: Db,
    provider: Arc<Provider>,
    outgoing: Outgoing,
    /// This sender's name in the claims it holds.
    worker: String,
}

impl Sender {
    fn run(&self, woken: &mpsc::Receiver<()>, stop: &StopSignal) {
        // The posts are async (reqwest); a small runtime of this thread's own runs them, so
        // the server's workers never carry a slow client.
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => {
                log::error!(target: "sigil::backchannel", "cannot start the sender: {e}");
                return;
            }
        };
        let mut purged_at: Option<Instant> = None;
        loop {
            match woken.recv_timeout(POLL) {
                Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
            loop {
                if stop.is_raised() {
                    return;
                }
                let batch = match self.db.get().map_err(|e| e.to_string()).and_then(|mut c| {
                    logout_deliveries::claim_due(&mut c, &self.worker, BATCH, LEASE)
                        .map_err(|e| e.to_string())
                }) {
                    Ok(batch) => batch,
                    Err(e) => {
                        log::warn!(target: "sigil::backchannel", "cannot read deliveries: {e}");
                        break;
                    }
                };
                if batch.is_empty() {
                    break;
                }
                let outcomes = runtime.block_on(self.attempt_all(&batch));
                for (delivery, outcome) in batch.iter().zip(outcomes) {
                    self.record(delivery, outcome);
                }
            }
            if purged_at.is_none_or(|at| at.elapsed() >= PURGE_EVERY) {
                purged_at = Some(Instant::now());
                self.purge();
            }
        }
    }

    /// One attempt for each delivery of the batch, all at once; the outcomes in its order.
    async fn attempt_all(&self, batch: &[Claimed]) -> Vec<Result<u16, Failure>> {
        let key = match self.provider.keys.current().await {
            Ok(key) => key,
            Err(e) => {
                let reason = format!("no signing key: {e}");
                return batch.iter().map(|_| Err(Failure::retry(&reason))).collect();
            }
        };
        let mut running = tokio::task::JoinSet::new();
        for (i, delivery) in batch.iter().enumerate() {
            let attempt = self.attempt(&key, delivery);
            running.spawn(async move { (i, attempt.await) });
        }
        let mut outcomes: Vec<Option<Result<u16, Failure>>> = batch.iter().map(|_| None).collect();
        while let Some(done) = running.join_next().await {
            match done {
                Ok((i, outcome)) => outcomes[i] = Some(outcome),
                Err(e) => log::error!(target: "sigil::backchannel", "an attempt panicked: {e}"),
            }
        }
        outcomes
            .into_iter()
            .map(|o| o.unwrap_or_else(|| Err(Failure::retry("the attempt did not finish"))))
            .collect()
    }

    /// Signs the delivery's token now and posts it; the answer's status when it is a 2xx. The
    /// URI is checked against the outgoing rules first: one they refuse fails for good.
    fn attempt(
        &self,
        key: &SigningKey,
        delivery: &Claimed,
    ) -> impl std::future::Future<Output = Result<u16, Failure>> + Send + 'static {
        let prepared = outgoing::allowed_url(&delivery.uri, self.outgoing.development())
            .map_err(|reason| Failure {
                reason,
                permanent: true,
            })
            .and_then(|url| {
                let claims = LogoutClaims::at(
                    &self.provider.issuer,
                    &delivery.client_id,
                    (
                        delivery.sub.as_str(),
                        delivery.sid.as_str(),
                        delivery.jti.as_str(),
                    ),
                    crate::auth::jwt::unix_now(),
                );
                let token = key
                    .sign(LOGOUT_TOKEN_TYPE, &claims)
                    .map_err(|e| Failure::retry(format!("cannot sign: {e}")))?;
                Ok((url.to_string(), token))
            });
        let outgoing = self.outgoing.clone();
        async move {
            let (url, token) = prepared?;
            let answer = outgoing
                .post_form(&url, &[("logout_token", token.as_str())])
                .timeout(ATTEMPT_TIMEOUT)
                .send()
                .await
                .map_err(|e| match e {
                    OutgoingError::NotAllowed(reason) => Failure {
                        reason,
                        permanent: true,
                    },
                    OutgoingError::Status { status, .. } => {
                        Failure::retry(format!("answered HTTP {status}"))
                    }
                    other => Failure::retry(other.to_string()),
                })?;
            Ok(answer.status)
        }
    }

    /// Writes what happened to one delivery back to the database: done; pending again at
    /// its next time; or failed, with its event in the same transaction.
    fn record(&self, delivery: &Claimed, outcome: Result<u16, Failure>) {
        let attempts = delivery.attempts + 1;
        let result =
            self.db
                .get()
                .map_err(|e| e.to_string())
                .and_then(|mut conn| {
                    let conn = &mut *conn;
                    match &outcome {
                Ok(status) => {
                    log::info!(
                        target: "sigil::backchannel",
                        "logout token {} for {} (sid {}) delivered to {}: HTTP {status}",
                        delivery.jti, delivery.client_id, delivery.sid, delivery.uri
                    );
                    logout_deliveries::mark_done(conn, delivery.id, &self.worker)
                }
                Err(failure) => {
                    let retry = match failure.permanent {
                        true => None,
                        false => super::retry_at(delivery.created_at, attempts, crate::db::now()),
                    };
                    match retry {
                        Some(at) => {
                            log::warn!(
                                target: "sigil::backchannel",
                                "logout token {} for {} (sid {}) to {}: {}; retrying at {at}",
                                delivery.jti, delivery.client_id, delivery.sid, delivery.uri,
                                failure.reason
                            );
                            logout_deliveries::mark_attempt_failed(
                                conn,
                                delivery.id,
                                &self.worker,
                                &failure.reason,
                                Some(at),
                            )
                            .map(drop)
                        }
                        None => self.fail(conn, delivery, attempts, &failure.reason),
                    }
                }
            }
            .map_err(|e| e.to_string())
                });
        if let Err(e) = result {
            log::error!(
                target: "sigil::backchannel",
                "logout token {}: cannot record the outcome: {e}",
                delivery.jti
            );
        }
    }

    /// Gives a delivery up: marked failed, logged, and `backchannel_logout_failed` recorded in
    /// the same transaction, once (not when another sender holds it since).
    fn fail(
        &self,
        conn: &mut crate::db::DbConnection,
        delivery: &Claimed,
        attempts: i32,
        reason: &str,
    ) -> diesel::QueryResult<()> {
        crate::db::write_transaction(conn, |conn| {
            let ours = logout_deliveries::mark_attempt_failed(
                conn,
                delivery.id,
                &self.worker,
                reason,
                None,
            )?;
            if ours {
                log::error!(
                    target: "sigil::backchannel",
                    "logout token {} for {} (sid {}) to {} failed for good after {attempts} \
                     attempt(s): {reason}",
                    delivery.jti, delivery.client_id, delivery.sid, delivery.uri
                );
                let mut event =
                    Event::new(EventKind::BackchannelLogoutFailed, &ClientInfo::default())
                        .detail("client_id", delivery.client_id.clone())
                        .detail("sid", delivery.sid.clone())
                        .detail("attempts", attempts)
                        .detail("last_error", reason);
                if let Ok(user_id) = delivery.sub.parse() {
                    event = event.user(user_id);
                }
                audit::record_in(conn, &event);
            }
            Ok(())
        })
    }

    fn purge(&self) {
        let before = crate::db::now() - KEEP_FINISHED;
        let purged = self
            .db
            .get()
            .map_err(|e| e.to_string())
            .and_then(|mut conn| {
                logout_deliveries::purge_finished(&mut conn, before).map_err(|e| e.to_string())
            });
        match purged {
            Ok(0) => {}
            Ok(n) => log::info!(target: "sigil::backchannel", "purged {n} finished deliveries"),
            Err(e) => log::warn!(target: "sigil::backchannel", "cannot purge deliveries: {e}"),
        }
    }
}
