//! Reading an answer within the limits, and the errors a caller tells apart.

use serde::de::DeserializeOwned;

use super::MAX_BODY;

/// Why an outgoing request gave no usable answer. The strings are for the log, never for a
/// user: they may hold what a remote server said.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutgoingError {
    /// The URL's scheme or host is refused by the outgoing rules ([`super::allowed_url`]).
    #[error("not allowed: {0}")]
    NotAllowed(String),
    /// A redirect was refused: to another origin, or more than [`super::MAX_REDIRECTS`].
    #[error("redirect refused: {0}")]
    Redirect(String),
    /// No connection, no answer in time, or a 5xx: trying later may help.
    #[error("unreachable: {0}")]
    Unreachable(String),
    /// The body is over [`MAX_BODY`].
    #[error("the answer is over {} KiB", MAX_BODY / 1024)]
    TooLarge,
    /// Any other status that is not 2xx (a 3xx not followed included), with the start of
    /// its body.
    #[error("HTTP {status}: {body}")]
    Status { status: u16, body: String },
    /// A 2xx whose body is not the JSON expected.
    #[error("bad JSON: {0}")]
    BadJson(String),
}

/// How much of an error answer's body is kept for the log.
const KEPT_OF_ERROR_BODY: usize = 2048;

/// A 2xx answer, its body read whole (at most [`MAX_BODY`]).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON of type `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, OutgoingError> {
        serde_json::from_slice(&self.body).map_err(|e| OutgoingError::BadJson(e.to_string()))
    }

    /// A header's value when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Sends the request and reads the answer, stopping at [`MAX_BODY`].
pub(super) async fn exchange(request: reqwest::RequestBuilder) -> Result<Answer, OutgoingError> {
    let mut response = request.send().await.map_err(classify)?;
    let status = response.status();
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY as u64)
    {
        return Err(OutgoingError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(OutgoingError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    if status.is_server_error() {
        return Err(OutgoingError::Unreachable(format!(
            "HTTP {}",
            status.as_u16()
        )));
    }
    if !status.is_success() {
        let mut text = String::from_utf8_lossy(&body).into_owned();
        if text.len() > KEPT_OF_ERROR_BODY {
            let mut end = KEPT_OF_ERROR_BODY;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
        }
        return Err(OutgoingError::Status {
            status: status.as_u16(),
            body: text,
        });
    }
    Ok(Answer {
        status: status.as_u16(),
        headers: response.headers().clone(),
        body,
    })
}

/// Sorts a reqwest failure, with its causes in words for the log ("cannot connect: …
/// Connection refused").
fn classify(e: reqwest::Error) -> OutgoingError {
    let mut words = Vec::new();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        words.push(c.to_string());
        cause = c.source();
    }
    let detail = words.join(": ");
    if e.is_redirect() {
        return OutgoingError::Redirect(detail);
    }
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "no answer"
    };
    match detail.is_empty() {
        true => OutgoingError::Unreachable(what.into()),
        false => OutgoingError::Unreachable(format!("{what}: {detail}")),
    }
}
