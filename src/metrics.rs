//! Prometheus metrics: the series of one running instance (each [`crate::state::AppState`]
//! has its own registry, so two servers in one process never mix their counts), the
//! rendering of `/metrics` and the rule of who may read it ([`may_scrape`]).
//!
//! Every label value comes from a fixed set, whatever a client sends: route *patterns*
//! (`/api/posts/{id}`, `unmatched` when no route matched), a closed list of methods, the
//! status code, and outcome or reason codes chosen by the code, never by the request.

use std::net::IpAddr;

use prometheus::{
    Encoder as _, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec,
    Opts, Registry, TextEncoder,
};
use subtle::ConstantTimeEq as _;

/// The content type of the text exposition format.
pub const CONTENT_TYPE: &str = prometheus::TEXT_FORMAT;

/// The route label of a request that matched no route (404s of any path).
pub const UNMATCHED: &str = "unmatched";

/// The series Sigil exposes.
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    sign_ins: IntCounterVec,
    token_refusals: IntCounterVec,
    mail_sent: IntCounter,
    mail_failed: IntCounter,
    bcrypt_waiting: IntGauge,
    bcrypt_busy: IntGauge,
    db_connections: IntGaugeVec,
    db_reads: IntCounterVec,
    mail_outbox: IntGaugeVec,
}

/// What is read at scrape time rather than counted as it happens.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    /// bcrypt jobs queued and threads hashing.
    pub bcrypt_waiting: usize,
    pub bcrypt_busy: usize,
    /// Database connections lent out and idle in the pool.
    pub db_in_use: u32,
    pub db_idle: u32,
    /// The requests' bounded reads so far, by where they ran (`Db::read_counts`).
    pub db_reads: Vec<(&'static str, u64)>,
    /// Outbox messages per status (`pending`, `sent`, `failed`…); `None` when the count query
    /// failed, which leaves the gauges as the last scrape set them.
    pub outbox: Option<Vec<(String, i64)>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let http_requests = IntCounterVec::new(
            Opts::new(
                "sigil_http_requests_total",
                "HTTP requests by route pattern, method and status.",
            ),
            &["route", "method", "status"],
        )
        .expect("valid metric");
        let http_duration = HistogramVec::new(
            HistogramOpts::new(
                "sigil_http_request_duration_seconds",
                "Time to answer an HTTP request, by route pattern.",
            ),
            &["route"],
        )
        .expect("valid metric");
        let sign_ins = IntCounterVec::new(
            Opts::new("sigil_sign_ins_total", "Sign-in attempts by outcome."),
            &["outcome"],
        )
        .expect("valid metric");
        let token_refusals = IntCounterVec::new(
            Opts::new(
                "sigil_token_refusals_total",
                "Access tokens refused by reason.",
            ),
            &["reason"],
        )
        .expect("valid metric");
        let mail_sent =
            IntCounter::new("sigil_mail_sent_total", "Messages delivered.").expect("valid metric");
        let mail_failed = IntCounter::new(
            "sigil_mail_failed_total",
            "Delivery attempts that failed (retried or given up).",
        )
        .expect("valid metric");
        let bcrypt_waiting = IntGauge::new(
            "sigil_bcrypt_queue_waiting",
            "Password hashing jobs waiting for a bcrypt thread.",
        )
        .expect("valid metric");
        let bcrypt_busy = IntGauge::new(
            "sigil_bcrypt_threads_busy",
            "bcrypt threads hashing right now.",
        )
        .expect("valid metric");
        let db_connections = IntGaugeVec::new(
            Opts::new(
                "sigil_db_pool_connections",
                "Database pool connections by state (in_use, idle).",
            ),
            &["state"],
        )
        .expect("valid metric");
        let db_reads = IntCounterVec::new(
            Opts::new(
                "sigil_db_reads_total",
                "Requests' bounded reads by where they ran: worker (SQLite, on the async \
                 worker), async (PostgreSQL, the worker's own connections), blocking (the \
                 blocking pool).",
            ),
            &["path"],
        )
        .expect("valid metric");
        let mail_outbox = IntGaugeVec::new(
            Opts::new("sigil_mail_outbox_messages", "Outbox messages by status."),
            &["status"],
        )
        .expect("valid metric");
        let metrics = Self {
            registry,
            http_requests,
            http_duration,
            sign_ins,
            token_refusals,
            mail_sent,
            mail_failed,
            bcrypt_waiting,
            bcrypt_busy,
            db_connections,
            db_reads,
            mail_outbox,
        };
        let r = &metrics.registry;
        let collectors: [Box<dyn prometheus::core::Collector>; 11] = [
            Box::new(metrics.http_requests.clone()),
            Box::new(metrics.http_duration.clone()),
            Box::new(metrics.sign_ins.clone()),
            Box::new(metrics.token_refusals.clone()),
            Box::new(metrics.mail_sent.clone()),
            Box::new(metrics.mail_failed.clone()),
            Box::new(metrics.bcrypt_waiting.clone()),
            Box::new(metrics.bcrypt_busy.clone()),
            Box::new(metrics.db_connections.clone()),
            Box::new(metrics.db_reads.clone()),
            Box::new(metrics.mail_outbox.clone()),
        ];
        for c in collectors {
            r.register(c).expect("metric names are distinct");
        }
        metrics
    }

    /// One answered request. `pattern` is the matched route's pattern, `None` when no route
    /// matched: raw paths never become labels.
    pub fn observe_request(&self, pattern: Option<&str>, method: &str, status: u16, secs: f64) {
        let route = pattern.unwrap_or(UNMATCHED);
        let method = bounded_method(method);
        self.http_requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.http_duration.with_label_values(&[route]).observe(secs);
    }

    /// A decided sign-in: `success`, or a refusal code (`wrong_password`, `disabled`…).
    pub fn sign_in(&self, outcome: &'static str) {
        self.sign_ins.with_label_values(&[outcome]).inc();
    }

    /// A refused access token, by the reason code (`expired`, `revoked`…).
    pub fn token_refused(&self, reason: &'static str) {
        self.token_refusals.with_label_values(&[reason]).inc();
    }

    pub fn mail_sent(&self) {
        self.mail_sent.inc();
    }

    pub fn mail_failed(&self) {
        self.mail_failed.inc();
    }

    /// The text exposition of every series, with the scrape-time values set first.
    pub fn render(&self, now: &Snapshot) -> Result<Vec<u8>, String> {
        self.bcrypt_waiting.set(now.bcrypt_waiting as i64);
        self.bcrypt_busy.set(now.bcrypt_busy as i64);
        self.db_connections
            .with_label_values(&["in_use"])
            .set(i64::from(now.db_in_use));
        self.db_connections
            .with_label_values(&["idle"])
            .set(i64::from(now.db_idle));
        for (path, count) in &now.db_reads {
            let counter = self.db_reads.with_label_values(&[path]);
            counter.inc_by(count.saturating_sub(counter.get()));
        }
        // Every status the outbox knows, always present (a dashboard sees 0 rather than no
        // series) and set anew each time: a status no message has any more reads 0, not the
        // count of the last scrape that saw one.
        for status in ["pending", "sending", "sent", "failed"] {
            let gauge = self.mail_outbox.with_label_values(&[status]);
            if let Some(counts) = &now.outbox {
                gauge.set(
                    counts
                        .iter()
                        .find(|(s, _)| s == status)
                        .map_or(0, |(_, n)| *n),
                );
            }
        }
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .map_err(|e| e.to_string())?;
        Ok(out)
    }
}

/// Methods outside the standard set share one label: a client can send any token as a method.
fn bounded_method(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

/// Who may read `/metrics`. A loopback peer (127.0.0.0/8, `::1`, IPv4-mapped forms) whose
/// request was not forwarded needs nothing; anyone else needs `Authorization: Bearer
/// <METRICS_TOKEN>`, compared in constant time (as SHA-256 digests, so not even the length
/// leaks), and without a configured token nobody else gets in.
///
/// `peer` is the TCP peer, never `X-Forwarded-For`: a client can write that header. The
/// other way round, a reverse proxy on the same host (a trusted proxy or not) is a loopback
/// peer for everything it relays, so a request that carries a forwarding header
/// (`forwarded`) is treated as coming from elsewhere and needs the token. Sending such a
/// header can only make the rule stricter, never open it.
pub fn may_scrape(
    peer: Option<IpAddr>,
    forwarded: bool,
    authorization: Option<&str>,
    token: Option<&str>,
) -> bool {
    if !forwarded && peer.is_some_and(|ip| ip.to_canonical().is_loopback()) {
        return true;
    }
    let (Some(expected), Some(header)) = (token, authorization) else {
        return false;
    };
    let Some(given) = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
    else {
        return false;
    };
    use sha2::Digest as _;
    let given = sha2::Sha256::digest(given.trim().as_bytes());
    let expected = sha2::Sha256::digest(expected.as_bytes());
    given.ct_eq(&expected).into()
}

#[cfg(test)]
mod tests;
