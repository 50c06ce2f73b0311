//! The background sender: claims due messages from the outbox and delivers them, over SMTP or
//! into the development outbox folder. A failure is retried with exponential back-off for up
//! to 24 hours, then the message is marked failed and logged. Requests never wait on it.

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport as _};

use crate::background::{Background, StopSignal};
use crate::config::{MailSettings, MailTransport, SmtpSecurity, SmtpUrl};
use crate::db::outbox::{self, Claimed};
use crate::db::Db;
use crate::metrics::Metrics;

/// How often a sender looks for due messages when nobody woke it (messages written by other
/// instances, retries coming due).
const POLL: Duration = Duration::from_secs(1);
/// A claimed message that is not done by then is taken up again (its sender died).
const LEASE: time::Duration = time::Duration::minutes(2);
/// Messages are given up on after this long.
const GIVE_UP_AFTER: time::Duration = time::Duration::hours(24);
const BATCH: i64 = 10;

/// The handle requests use to wake this instance's sender after writing a message, so it goes
/// out at once rather than at the next poll.
#[derive(Clone)]
pub struct Mailer {
    wake: mpsc::SyncSender<()>,
}

impl Mailer {
    /// Starts the sender thread for this instance. At shutdown it finishes the message it is
    /// sending, gives back the rest of its batch and returns.
    pub fn start(
        db: Db,
        settings: MailSettings,
        background: &Background,
        metrics: &Arc<Metrics>,
    ) -> Result<Self, String> {
        let delivery = Delivery::new(&settings)?;
        let metrics = Arc::clone(metrics);
        let (wake, woken) = mpsc::sync_channel(1);
        let worker = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
        background
            .spawn("sigil-mail", move |stop| {
                run(db, settings, delivery, worker, woken, stop, &metrics)
            })
            .map_err(|e| format!("cannot start the mail sender: {e}"))?;
        let mailer = Self { wake };
        let waker = mailer.clone();
        background.on_stop(move || waker.wake());
        Ok(mailer)
    }

    /// Asks the sender to look at the outbox now.
    pub fn wake(&self) {
        // A full channel already holds a wake-up; a closed one means the process is ending.
        let _ = self.wake.try_send(());
    }
}

fn run(
    db: Db,
    settings: MailSettings,
    delivery: Delivery,
    worker: String,
    woken: mpsc::Receiver<()>,
    stop: StopSignal,
    metrics: &Metrics,
) {
    loop {
        match woken.recv_timeout(POLL) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
        loop {
            if stop.is_raised() {
                return;
            }
            let batch = match db.get().map_err(|e| e.to_string()).and_then(|mut conn| {
                outbox::claim_due(&mut conn, &worker, BATCH, LEASE).map_err(|e| e.to_string())
            }) {
                Ok(batch) => batch,
                Err(e) => {
                    log::warn!("mail sender: cannot read the outbox: {e}");
                    break;
                }
            };
            if batch.is_empty() {
                break;
            }
            let mut batch = batch.into_iter();
            for message in batch.by_ref() {
                let outcome = delivery.deliver(&settings.from, &message);
                if outcome.is_ok() {
                    metrics.mail_sent();
                } else {
                    metrics.mail_failed();
                }
                record(&db, &settings, &worker, &message, outcome);
                if stop.is_raised() {
                    break;
                }
            }
            let rest: Vec<i32> = batch.map(|m| m.id).collect();
            if !rest.is_empty() {
                let released = db.get().map_err(|e| e.to_string()).and_then(|mut conn| {
                    outbox::release(&mut conn, &rest, &worker).map_err(|e| e.to_string())
                });
                if let Err(e) = released {
                    log::warn!(
                        "mail sender: {} message(s) wait for their lease: {e}",
                        rest.len()
                    );
                }
            }
        }
    }
}

/// Writes what happened to one message back to the outbox.
fn record(
    db: &Db,
    settings: &MailSettings,
    worker: &str,
    message: &Claimed,
    outcome: Result<String, Failure>,
) {
    let result = db.get().map_err(|e| e.to_string()).and_then(|mut conn| {
        match &outcome {
            Ok(place) => {
                log::info!(
                    "mail #{} ({}) to {} delivered: {place}",
                    message.id,
                    message.kind,
                    message.recipient
                );
                outbox::mark_sent(&mut conn, message.id, worker)
            }
            Err(failure) => {
                let retry_at = retry_at(message, settings.retry_base, failure);
                match retry_at {
                    Some(at) => log::warn!(
                        "mail #{} ({}) to {}: {}; retrying at {at}",
                        message.id,
                        message.kind,
                        message.recipient,
                        failure.reason
                    ),
                    None => log::error!(
                        "mail #{} ({}) to {} failed for good after {} attempt(s): {}",
                        message.id,
                        message.kind,
                        message.recipient,
                        message.attempts + 1,
                        failure.reason
                    ),
                }
                outbox::mark_attempt_failed(
                    &mut conn,
                    message.id,
                    worker,
                    &failure.reason,
                    retry_at,
                )
            }
        }
        .map_err(|e| e.to_string())
    });
    if let Err(e) = result {
        log::error!("mail #{}: cannot record the outcome: {e}", message.id);
    }
}

/// The next attempt: `base × 2^(attempts)`, as long as it falls within 24 h of the message's
/// creation; never for a failure that no retry can fix (a malformed address).
fn retry_at(
    message: &Claimed,
    base: Duration,
    failure: &Failure,
) -> Option<time::PrimitiveDateTime> {
    if failure.permanent {
        return None;
    }
    let base = time::Duration::try_from(base).unwrap_or(time::Duration::seconds(30));
    let delay = base * 2i32.saturating_pow(message.attempts.clamp(0, 20) as u32);
    let at = crate::db::now() + delay;
    (at <= message.created_at + GIVE_UP_AFTER).then_some(at)
}

#[derive(Debug)]
struct Failure {
    reason: String,
    permanent: bool,
}

impl Failure {
    fn retry(reason: impl std::fmt::Display) -> Self {
        Self {
            reason: reason.to_string(),
            permanent: false,
        }
    }

    fn permanent(reason: impl std::fmt::Display) -> Self {
        Self {
            reason: reason.to_string(),
            permanent: true,
        }
    }
}

enum Delivery {
    Smtp(SmtpTransport),
    Folder(PathBuf),
}

impl Delivery {
    fn new(settings: &MailSettings) -> Result<Self, String> {
        match &settings.transport {
            MailTransport::Folder(dir) => Ok(Self::Folder(dir.clone())),
            MailTransport::Smtp(url) => smtp_transport(url).map(Self::Smtp),
        }
    }

    /// Sends one message; `Ok` says where it went.
    fn deliver(&self, from: &str, message: &Claimed) -> Result<String, Failure> {
        let email = build(from, message)?;
        match self {
            Self::Smtp(transport) => transport
                .send(&email)
                .map(|response| format!("SMTP {}", response.code()))
                .map_err(|e| {
                    if e.is_permanent() {
                        Failure::permanent(e)
                    } else {
                        Failure::retry(e)
                    }
                }),
            Self::Folder(dir) => {
                write_files(dir, message, &email.formatted()).map_err(Failure::retry)
            }
        }
    }
}

/// `Content-Language` (RFC 3282): the language the message is written in.
#[derive(Clone)]
struct ContentLanguage(String);

impl lettre::message::header::Header for ContentLanguage {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_string()))
    }

    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), self.0.clone())
    }
}

fn build(from: &str, message: &Claimed) -> Result<Message, Failure> {
    let from: Mailbox = from.parse().map_err(Failure::permanent)?;
    let to: Mailbox = message.recipient.parse().map_err(Failure::permanent)?;
    Message::builder()
        .from(from)
        .to(to)
        .message_id(None)
        .subject(&message.subject)
        .header(ContentLanguage(
            message.locale.clone().unwrap_or_else(|| "en".into()),
        ))
        .multipart(MultiPart::alternative_plain_html(
            message.text_body.clone(),
            message.html_body.clone(),
        ))
        .map_err(Failure::permanent)
}

fn smtp_transport(url: &SmtpUrl) -> Result<SmtpTransport, String> {
    let builder = match url.security {
        SmtpSecurity::ImplicitTls => SmtpTransport::relay(&url.host).map_err(|e| e.to_string())?,
        SmtpSecurity::StartTls => {
            SmtpTransport::starttls_relay(&url.host).map_err(|e| e.to_string())?
        }
        SmtpSecurity::Plain => SmtpTransport::builder_dangerous(&url.host),
    };
    let builder = builder
        .port(url.port)
        .timeout(Some(Duration::from_secs(30)));
    let builder = match &url.credentials {
        Some((user, password)) => {
            builder.credentials(Credentials::new(user.clone(), password.expose().clone()))
        }
        None => builder,
    };
    Ok(builder.build())
}

/// Development delivery: `data/outbox/<time>-<id>-<kind>.eml`, which any mail client opens,
/// and the text part beside it as `.txt`, to read (and copy links from) in a terminal.
fn write_files(dir: &Path, message: &Claimed, bytes: &[u8]) -> std::io::Result<String> {
    std::fs::create_dir_all(dir)?;
    let t = message.created_at;
    let name = format!(
        "{}{:02}{:02}-{:02}{:02}{:02}-{}-{}.eml",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        message.id,
        message.kind
    );
    let path = dir.join(name);
    write_whole(&path, bytes)?;
    let text = format!(
        "To: {}\nSubject: {}\n\n{}",
        message.recipient, message.subject, message.text_body
    );
    write_whole(&path.with_extension("txt"), text.as_bytes())?;
    Ok(format!("written to {}", path.display()))
}

/// Writes `path` under a hidden name first, then renames it: whoever watches the outbox (a
/// developer, a test) sees the whole file or none, never an empty or half-written one.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let part = path.with_file_name(format!(".{name}.part"));
    std::fs::write(&part, bytes)?;
    std::fs::rename(&part, path)
}
