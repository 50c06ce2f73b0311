//! A relying party's back-channel logout endpoint for the tests: a small HTTP server on
//! 127.0.0.1 that keeps every `logout_token` posted to it (with the time it came) and answers
//! 200, or the statuses a test queued first (to make Sigil retry).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpResponse, HttpServer};

/// How long a test waits for a logout token to come.
const WAIT: Duration = Duration::from_secs(30);

/// One post the receiver got.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub logout_token: String,
    pub content_type: String,
    /// What the receiver answered.
    pub status: u16,
    pub at: Instant,
}

#[derive(Default)]
struct Inbox {
    received: Mutex<Vec<Delivery>>,
    answers: Mutex<VecDeque<u16>>,
}

/// The running receiver; stopped when dropped.
pub struct LogoutReceiver {
    /// Its logout URI: `http://127.0.0.1:{port}/backchannel-logout`.
    pub uri: String,
    inbox: Arc<Inbox>,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for LogoutReceiver {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

async fn receive(
    inbox: web::Data<Inbox>,
    req: actix_web::HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let status = inbox.answers.lock().unwrap().pop_front().unwrap_or(200);
    let token = form
        .iter()
        .find(|(k, _)| k == "logout_token")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    inbox.received.lock().unwrap().push(Delivery {
        logout_token: token,
        content_type,
        status,
        at: Instant::now(),
    });
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
        .insert_header(("cache-control", "no-store"))
        .finish()
}

impl LogoutReceiver {
    pub async fn start() -> LogoutReceiver {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a random port");
        let port = listener.local_addr().unwrap().port();
        let inbox = Arc::new(Inbox::default());
        let data = web::Data::from(Arc::clone(&inbox));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/backchannel-logout", web::post().to(receive))
        })
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        LogoutReceiver {
            uri: format!("http://127.0.0.1:{port}/backchannel-logout"),
            inbox,
            handle,
        }
    }

    /// The next answers, in order, before the default 200.
    pub fn answer_next(&self, statuses: &[u16]) {
        self.inbox.answers.lock().unwrap().extend(statuses);
    }

    /// Every post so far.
    pub fn received(&self) -> Vec<Delivery> {
        self.inbox.received.lock().unwrap().clone()
    }

    /// The logout tokens of every post so far.
    pub fn tokens(&self) -> Vec<String> {
        self.received()
            .into_iter()
            .map(|d| d.logout_token)
            .collect()
    }

    /// Waits until `n` posts have come (panics after a while), then a moment more so that
    /// one too many would show, and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Delivery> {
        let deadline = Instant::now() + WAIT;
        while self.received().len() < n {
            assert!(
                Instant::now() < deadline,
                "{n} logout token(s) expected, {} came",
                self.received().len()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.received()
    }
}
