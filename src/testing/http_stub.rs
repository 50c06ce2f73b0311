//! A tiny HTTP/1.1 server on `127.0.0.1:0` for tests of outgoing requests: each request is
//! answered by a function of it, and every request is kept for the test to look at. One
//! request per connection (`Connection: close`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// A request as the stub read it; header names in lower case.
#[derive(Debug, Clone)]
pub struct StubRequest {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl StubRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }
}

/// What the stub answers.
#[derive(Debug, Clone)]
pub struct StubResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Waited before the body is written (after the head).
    pub delay: Duration,
}

impl StubResponse {
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Self {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: serde_json::to_vec(value).unwrap_or_default(),
            delay: Duration::ZERO,
        }
    }

    pub fn redirect(to: &str) -> Self {
        Self {
            status: 302,
            headers: vec![("Location".into(), to.into())],
            body: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Handler = dyn Fn(&StubRequest) -> StubResponse + Send + Sync;

/// A running stub; it stops when the test's runtime ends.
pub struct Stub {
    /// `http://127.0.0.1:{port}`.
    pub url: String,
    seen: Arc<Mutex<Vec<StubRequest>>>,
}

impl Stub {
    /// Every request received so far.
    pub fn requests(&self) -> Vec<StubRequest> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// Starts a stub answering with `handler`.
pub async fn serve(handler: impl Fn(&StubRequest) -> StubResponse + Send + Sync + 'static) -> Stub {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a stub server");
    let url = format!("http://{}", listener.local_addr().expect("stub address"));
    let seen: Arc<Mutex<Vec<StubRequest>>> = Arc::default();
    let handler: Arc<Handler> = Arc::new(handler);
    let kept = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let handler = Arc::clone(&handler);
            let kept = Arc::clone(&kept);
            tokio::spawn(async move {
                let _ = answer(socket, &*handler, &kept).await;
            });
        }
    });
    Stub { url, seen }
}

async fn answer(
    mut socket: tokio::net::TcpStream,
    handler: &Handler,
    kept: &Mutex<Vec<StubRequest>>,
) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let head_end = loop {
        let mut chunk = [0u8; 4096];
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let target = first.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let mut chunk = [0u8; 4096];
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buffer[head_end..]).into_owned();
    let request = StubRequest {
        method,
        target,
        headers,
        body,
    };
    if let Ok(mut seen) = kept.lock() {
        seen.push(request.clone());
    }
    let response = handler(&request);
    let mut out = format!("HTTP/1.1 {} Stub\r\nConnection: close\r\n", response.status);
    // `X-Stub-No-Length`: the body ends when the connection closes, so only reading it all
    // finds its size.
    let mut with_length = true;
    for (name, value) in &response.headers {
        match name.as_str() {
            "X-Stub-No-Length" => with_length = false,
            _ => out.push_str(&format!("{name}: {value}\r\n")),
        }
    }
    if with_length {
        out.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    }
    out.push_str("\r\n");
    socket.write_all(out.as_bytes()).await?;
    socket.flush().await?;
    tokio::time::sleep(response.delay).await;
    socket.write_all(&response.body).await?;
    socket.shutdown().await
}
