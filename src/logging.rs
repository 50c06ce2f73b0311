//! The log: env_logger with Sigil's own line format, text or JSON (`LOG_FORMAT`), where every
//! line written while a request is handled carries that request's id.
//!
//! The id lives in a task-local for the request's async code (set by the request-id
//! middleware, outermost, so the access line has it too) and in a thread-local for closures
//! that run elsewhere on the request's behalf ([`carry`]: the blocking pool, the bcrypt
//! threads). The formatter reads whichever is set.

use std::cell::RefCell;
use std::future::Future;
use std::io::Write as _;

use crate::config::LogFormat;

/// A request's id: 1 to 64 characters of `A-Z a-z 0-9 . _ -`, so it can be logged and echoed
/// in a header as it is (no spaces, quotes, control characters or non-ASCII).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(String);

impl RequestId {
    pub const MAX_LEN: usize = 64;

    /// A client's or a proxy's id, kept only when well-formed.
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = !raw.is_empty()
            && raw.len() <= Self::MAX_LEN
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        ok.then(|| Self(raw.to_string()))
    }

    /// A fresh id (a UUID v4) for a request that came without a usable one.
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

tokio::task_local! {
    static TASK_ID: Option<RequestId>;
}

thread_local! {
    static THREAD_ID: RefCell<Option<RequestId>> = const { RefCell::new(None) };
}

/// The id of the request this code runs for, if any.
pub fn current_request_id() -> Option<RequestId> {
    TASK_ID
        .try_with(Clone::clone)
        .ok()
        .flatten()
        .or_else(|| THREAD_ID.with(|id| id.borrow().clone()))
}

/// Runs `fut` as the handling of request `id`.
pub fn in_request<F: Future>(id: RequestId, fut: F) -> impl Future<Output = F::Output> {
    TASK_ID.scope(Some(id), fut)
}

/// A task spawned for the current request (`actix_web::rt::spawn`) keeps its id.
pub fn carry_future<F: Future>(fut: F) -> impl Future<Output = F::Output> {
    TASK_ID.scope(current_request_id(), fut)
}

/// Wraps a closure that will run on another thread for the current request, so what it logs
/// there carries the request's id. Call it on the request's side.
pub fn carry<T>(f: impl FnOnce() -> T) -> impl FnOnce() -> T {
    let id = current_request_id();
    move || {
        /// Puts back the thread's previous id, even if `f` panics: pool threads are reused.
        struct Restore(Option<RequestId>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let previous = self.0.take();
                THREAD_ID.with(|id| *id.borrow_mut() = previous);
            }
        }
        let _restore = Restore(THREAD_ID.with(|slot| slot.replace(id)));
        f()
    }
}

/// Starts env_logger (`RUST_LOG`, default `info`) with Sigil's line format.
pub fn init(format: LogFormat) {
    let mut builder =
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"));
    match format {
        LogFormat::Text => builder.format(|buf, record| {
            let ts = buf.timestamp_millis();
            let (level, target) = (record.level(), record.target());
            match current_request_id() {
                Some(id) => writeln!(
                    buf,
                    "[{ts} {level:<5} {target}] [req={}] {}",
                    id.as_str(),
                    record.args()
                ),
                None => writeln!(buf, "[{ts} {level:<5} {target}] {}", record.args()),
            }
        }),
        LogFormat::Json => builder.format(|buf, record| {
            let line = json_line(
                &buf.timestamp_millis().to_string(),
                record,
                current_request_id().as_ref(),
            );
            writeln!(buf, "{line}")
        }),
    };
    builder.init();
}

/// One JSON object: `ts` (RFC 3339, UTC), `level`, `target`, `msg`, and `request_id` when the
/// line belongs to a request. serde_json escapes whatever the message holds (quotes, line
/// breaks, control characters), so a line is always one valid object.
fn json_line(ts: &str, record: &log::Record<'_>, id: Option<&RequestId>) -> String {
    let mut line = serde_json::json!({
        "ts": ts,
        "level": record.level().as_str(),
        "target": record.target(),
        "msg": record.args().to_string(),
    });
    if let Some(id) = id {
        line["request_id"] = id.as_str().into();
    }
    line.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_short_plain_ascii() {
        assert!(RequestId::parse("abc-123_x.y").is_some());
        assert!(RequestId::parse(&"a".repeat(64)).is_some());
        for bad in ["", "a b", "é", "a\"b", "a;b", "a\tb"] {
            assert_eq!(RequestId::parse(bad), None, "{bad:?}");
        }
        assert_eq!(RequestId::parse(&"a".repeat(65)), None);
        let fresh = RequestId::generate();
        assert_eq!(RequestId::parse(fresh.as_str()), Some(fresh.clone()));
        assert_ne!(fresh, RequestId::generate());
    }

    #[test]
    fn json_lines_stay_one_valid_object() {
        let msg = "quote \" newline \n tab \t nul \u{0} done";
        let args = format_args!("{msg}");
        let record = log::Record::builder()
            .args(args)
            .level(log::Level::Warn)
            .target("sigil::x")
            .build();
        let id = RequestId::parse("req-1").unwrap();
        let line = json_line("2026-01-01T00:00:00.000Z", &record, Some(&id));
        assert!(!line.contains('\n'), "{line}");
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["msg"], msg);
        assert_eq!(value["level"], "WARN");
        assert_eq!(value["target"], "sigil::x");
        assert_eq!(value["request_id"], "req-1");
        let line = json_line("t", &record, None);
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert!(value.get("request_id").is_none(), "{line}");
    }

    #[test]
    fn carried_closures_see_the_id_and_leave_the_thread_clean() {
        let id = RequestId::parse("carried").unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let work = rt.block_on(in_request(id.clone(), async {
            assert_eq!(
                current_request_id(),
                Some(RequestId::parse("carried").unwrap())
            );
            carry(current_request_id)
        }));
        assert_eq!(current_request_id(), None);
        let seen = std::thread::spawn(move || (work(), current_request_id()))
            .join()
            .unwrap();
        assert_eq!(seen, (Some(id), None));
    }
}
