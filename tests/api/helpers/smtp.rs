//! A small SMTP server for the tests: it speaks enough of RFC 5321 (EHLO/HELO, MAIL, RCPT,
//! DATA with dot-unstuffing, RSET, NOOP, QUIT) for a real client to deliver to it over TCP, and
//! keeps what it received. It can be stopped and started again on the same port, so a test can
//! take "the mail server is down" and watch the outbox deliver once it is back. Also what the
//! development outbox (no `SMTP_URL`) wrote: its `.eml` files, and the token of a link in them.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::app::TestApp;

/// How long a test waits for mail the server sends in the background.
const WAIT: Duration = Duration::from_secs(10);

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent (headers and body, CRLF line ends), dot-unstuffed.
    pub data: String,
}

impl Received {
    /// A header's value (unfolded), if the message has it.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or("");
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

impl Received {
    /// The message with quoted-printable undone (soft line breaks joined, `=XX` decoded), so a
    /// test can find a link or a sentence in it.
    pub fn decoded(&self) -> String {
        let joined = self.data.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = joined
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match (bytes[i], hex) {
                (b'=', Some(b)) => {
                    out.push(b);
                    i += 3;
                }
                (c, _) => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The first link to `path` (`http://…/reset-password?token=…`) the message carries.
    pub fn link(&self, path: &str) -> Option<String> {
        let text = self.decoded();
        let at = text.find(&format!("{path}?token="))?;
        let start = text[..at].rfind("http")?;
        let end = text[at..]
            .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
            .map_or(text.len(), |e| at + e);
        Some(text[start..end].to_string())
    }

    /// The `token` of that link.
    pub fn token(&self, path: &str) -> Option<String> {
        self.link(path)?
            .split_once("token=")
            .map(|(_, t)| t.to_string())
    }
}

#[derive(Default)]
struct Mailbox {
    messages: Mutex<Vec<Received>>,
    arrived: Notify,
}

pub struct SmtpServer {
    pub addr: SocketAddr,
    mailbox: Arc<Mailbox>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl SmtpServer {
    /// Starts a server on a random loopback port.
    pub async fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind SMTP");
        let addr = listener.local_addr().expect("SMTP address");
        let mailbox = Arc::new(Mailbox::default());
        let task = tokio::spawn(serve(listener, Arc::clone(&mailbox)));
        SmtpServer {
            addr,
            mailbox,
            task: Mutex::new(Some(task)),
        }
    }

    /// `smtp://127.0.0.1:PORT`: plain SMTP, allowed to a loopback host.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Stops listening: connections are refused until [`SmtpServer::resume`].
    pub fn stop(&self) {
        if let Some(task) = self.task.lock().unwrap().take() {
            task.abort();
        }
    }

    /// Listens again on the same port.
    pub async fn resume(&self) {
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(l) => break l,
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        };
        let task = tokio::spawn(serve(listener, Arc::clone(&self.mailbox)));
        *self.task.lock().unwrap() = Some(task);
    }

    pub fn messages(&self) -> Vec<Received> {
        self.mailbox.messages.lock().unwrap().clone()
    }

    /// Waits (at most `timeout`) until `n` messages have arrived, and returns them all.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.mailbox.arrived.notified();
            let now = self.messages();
            if now.len() >= n {
                return now;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.messages();
            }
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn serve(listener: TcpListener, mailbox: Arc<Mailbox>) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(session(stream, Arc::clone(&mailbox)));
    }
}

async fn session(stream: TcpStream, mailbox: Arc<Mailbox>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    if write.write_all(b"220 sigil-test ESMTP\r\n").await.is_err() {
        return;
    }
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        let answer: &[u8] = if upper.starts_with("EHLO") {
            b"250-sigil-test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            b"250 OK\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&command[10..]);
            to.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&command[8..]));
            b"250 OK\r\n"
        } else if upper == "DATA" {
            if write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await
                .is_err()
            {
                return;
            }
            let mut data = String::new();
            loop {
                line.clear();
                match lines.read_line(&mut line).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                data.push_str(unstuffed);
            }
            mailbox.messages.lock().unwrap().push(Received {
                from: from.clone(),
                to: std::mem::take(&mut to),
                data,
            });
            mailbox.arrived.notify_waiters();
            b"250 OK: queued\r\n"
        } else if upper == "RSET" {
            to.clear();
            b"250 OK\r\n"
        } else if upper == "QUIT" {
            let _ = write.write_all(b"221 Bye\r\n").await;
            return;
        } else {
            b"502 Command not implemented\r\n"
        };
        if write.write_all(answer).await.is_err() {
            return;
        }
    }
}

/// `<a@b.c> SIZE=…` → `a@b.c`.
fn address(rest: &str) -> String {
    let rest = rest.trim();
    let inner = rest
        .strip_prefix('<')
        .and_then(|r| r.split_once('>'))
        .map(|(a, _)| a)
        .unwrap_or(rest);
    inner.to_string()
}

/// The token of the first `path` link in the development outbox, waiting for it.
pub async fn outbox_token(app: &TestApp, path: &str) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let files = std::fs::read_dir(app.outbox_dir()).into_iter().flatten();
        for entry in files {
            let data = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
            let mail = Received {
                from: String::new(),
                to: Vec::new(),
                data,
            };
            if let Some(token) = mail.token(path) {
                return token;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {path} link in the outbox"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The `.eml` files of the development outbox whose kind (in the file name) is `kind`, waiting
/// for `n` of them; their decoded text.
pub async fn notices(app: &TestApp, kind: &str, n: usize) -> Vec<String> {
    for _ in 0..100 {
        let mut found = Vec::new();
        if let Ok(dir) = std::fs::read_dir(app.outbox_dir()) {
            for entry in dir.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                if name.ends_with(&format!("-{kind}.eml")) {
                    let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                    found.push(text.replace("=\r\n", "").replace("=3D", "="));
                }
            }
        }
        if found.len() >= n {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("fewer than {n} {kind} notices in the outbox");
}
