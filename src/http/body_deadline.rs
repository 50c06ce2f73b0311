//! A deadline on reading a request's body. actix-web bounds the time to receive a request's
//! head, not its body: a client could trickle a body a byte a minute and hold a connection
//! and a worker's attention for ever. Past [`BODY_DEADLINE`] from the start of the request,
//! reading the body fails with a timed-out error, which the extractors answer with a 408.

use std::future::Future as _;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::rt::time::{sleep, Sleep};
use actix_web::web::Bytes;
use actix_web::HttpMessage as _;
use futures_util::Stream;

/// How long a whole body may take to arrive: far more than the 128 KiB a request may carry
/// needs on any working connection.
pub const BODY_DEADLINE: Duration = Duration::from_secs(15);

/// Whether a payload error is this deadline's (the extractors answer it with a 408).
pub fn is_deadline(e: &PayloadError) -> bool {
    matches!(e, PayloadError::Io(io) if io.kind() == io::ErrorKind::TimedOut)
}

/// Puts the request's body behind the deadline.
pub async fn body_deadline(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let inner = req.take_payload();
    let timed = Deadline {
        inner: Some(inner),
        sleep: Box::pin(sleep(BODY_DEADLINE)),
    };
    req.set_payload(Payload::from(
        Box::pin(timed) as Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>
    ));
    next.call(req).await
}

/// A body stream that fails once its deadline has passed.
struct Deadline {
    /// The body; taken away when the deadline passes.
    inner: Option<Payload>,
    sleep: Pin<Box<Sleep>>,
}

/// How long a body cut off by the deadline is kept (unread) after the request is over.
/// actix-web reads and throws away the rest of a chunked body whose reader was dropped, to
/// keep the connection for the next request: a trickling client would then hold it for ever.
/// While the body is still held, the answer goes out with `Connection: close` and the
/// connection is shut once it is written.
const HELD_AFTER_DEADLINE: Duration = Duration::from_secs(5);

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let timed_out = || {
            Poll::Ready(Some(Err(PayloadError::Io(io::Error::new(
                io::ErrorKind::TimedOut,
                "the request body did not arrive in time",
            )))))
        };
        let Some(inner) = self.inner.as_mut() else {
            return timed_out();
        };
        // The body first: a body that is all there is read even at the last moment.
        if let Poll::Ready(item) = Pin::new(inner).poll_next(cx) {
            return Poll::Ready(item);
        }
        match self.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                if let Some(held) = self.inner.take() {
                    actix_web::rt::spawn(async move {
                        sleep(HELD_AFTER_DEADLINE).await;
                        drop(held);
                    });
                }
                timed_out()
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
