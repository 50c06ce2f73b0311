//! `sigil serve`: runs the server until SIGTERM or SIGINT, then shuts down gracefully: no new
//! connections, requests in flight finish (up to 30 s), the background threads finish their
//! current item, exit 0.

use std::process::ExitCode;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use actix_web::rt::signal::unix::{signal, SignalKind};

use super::exit::startup_failed;
use crate::config::Settings;
use crate::startup::{Application, SHUTDOWN_TIMEOUT};

pub fn serve(settings: Settings) -> ExitCode {
    let started = Instant::now();
    let bind = settings.bind_addr;
    let backend = settings.database_url.backend_name();
    actix_web::rt::System::new().block_on(async move {
        let app = match Application::build(settings).await {
            Ok(app) => app,
            Err(e) => return startup_failed(e),
        };
        // When the first signal came, for the closing line.
        let asked = Arc::new(OnceLock::new());
        for (kind, name) in [
            (SignalKind::terminate(), "SIGTERM"),
            (SignalKind::interrupt(), "SIGINT"),
        ] {
            let mut stream = match signal(kind) {
                Ok(stream) => stream,
                Err(e) => {
                    eprintln!("cannot listen for {name}: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let handle = app.handle();
            let asked = Arc::clone(&asked);
            actix_web::rt::spawn(async move {
                if stream.recv().await.is_some() {
                    log::info!(
                        "{name} received: shutting down (no new connections; requests in \
                         flight have up to {} s)",
                        SHUTDOWN_TIMEOUT.as_secs()
                    );
                    let _ = asked.set(Instant::now());
                    handle.stop(true).await;
                }
            });
        }
        log::info!(
            "Sigil listening on http://{}:{} ({backend}), ready in {} ms",
            bind.ip(),
            app.port(),
            started.elapsed().as_millis()
        );
        let served = app.run_until_stopped().await;
        let since = asked
            .get()
            .map_or(0, |at: &Instant| at.elapsed().as_millis());
        match served {
            Ok(()) => {
                log::info!("shutdown complete in {since} ms: requests and background work done");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("server error: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
