//! Builds the application: binds first (so tests can ask for port 0 and learn the real one),
//! then the middleware stack and the route table.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_session::config::CookieContentSecurity;
use actix_session::storage::CookieSessionStore;
use actix_session::SessionMiddleware;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpResponse, HttpServer};

use crate::auth::rate_limit::CountAttempts;
use crate::background::{Background, StopWhenDropped};
use crate::config::Settings;
use crate::http::client::TrustedProxies;
use crate::http::{body, headers, request_id};
use crate::routes::web::renewal::silent_renewal;
use crate::routes::{api, faces, web as pages};
use crate::state::{derive_key, AppState, LoginAttempts, StartupError};

/// How long requests in flight may take to finish after a stop (SIGTERM).
pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the background threads then get to finish their current item.
const BACKGROUND_STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    background: Arc<Background>,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let listener =
            TcpListener::bind(settings.bind_addr).map_err(|source| StartupError::Bind {
                addr: settings.bind_addr.to_string(),
                source,
            })?;
        let state = web::block(move || AppState::new(settings))
            .await
            .map_err(|e| StartupError::Other(e.to_string()))??;
        Self::from_state(state, listener)
    }

    pub fn from_state(state: AppState, listener: TcpListener) -> Result<Self, StartupError> {
        let port = listener
            .local_addr()
            .map_err(|e| StartupError::Other(e.to_string()))?
            .port();
        let workers = state.settings.workers;
        let background = Arc::clone(&state.background);
        // One key for all workers, derived outside the closure: a per-worker key would break
        // sessions between workers.
        let session_key = Key::derive_from(&derive_key(
            state.settings.secret_key.expose(),
            b"sigil session cookie key",
        ));
        let db = web::Data::new(state.db.clone());
        let proxies = web::Data::new(TrustedProxies(state.settings.trusted_proxies.clone()));
        let tokens = web::Data::from(std::sync::Arc::clone(&state.tokens));
        let provider = web::Data::from(std::sync::Arc::clone(&state.provider));
        let metrics = web::Data::from(std::sync::Arc::clone(&state.metrics));
        let oidc_keys = web::Data::from(Arc::clone(&state.oidc_keys));
        let providers = web::Data::new(state.providers.clone());
        let state = web::Data::new(state);
        let attempts: web::Data<dyn CountAttempts> = web::Data::from(Arc::new(LoginAttempts(
            state.clone().into_inner(),
        ))
            as Arc<dyn CountAttempts>);
        let mut server = HttpServer::new(move || {
            // Runs on each worker thread as it starts.
            crate::auth::password::yield_to_sign_ins();
            let secure = state.settings.cookie_secure;
            let https = state.settings.mail.public_url.starts_with("https://");
            App::new()
                .app_data(state.clone())
                .app_data(db.clone())
                .app_data(attempts.clone())
                .app_data(tokens.clone())
                .app_data(provider.clone())
                .app_data(metrics.clone())
                .app_data(oidc_keys.clone())
                .app_data(providers.clone())
                .app_data(proxies.clone())
                .app_data(body::json_config())
                .app_data(body::form_config())
                .app_data(web::PayloadConfig::new(crate::error::BODY_LIMIT))
                .app_data(body::path_config())
                .app_data(body::query_config())
                // Innermost: an error page's viewer is found while the session is open.
                .wrap(from_fn(pages::errors::note_viewer))
                .wrap(from_fn(pages::locale::remember_ui_locales))
                .wrap(
                    SessionMiddleware::builder(CookieSessionStore::default(), session_key.clone())
                        .cookie_name(crate::auth::csrf::session_cookie_name(secure).into())
                        .cookie_path("/".into())
                        .cookie_secure(secure)
                        .cookie_http_only(true)
                        .cookie_same_site(SameSite::Lax)
                        .cookie_content_security(CookieContentSecurity::Signed)
                        .build(),
                )
                .wrap(from_fn(silent_renewal))
                .wrap(from_fn(crate::http::body_deadline::body_deadline))
                .wrap(from_fn(faces::error_faces))
                .wrap(headers::security_headers(https))
                // Around the error faces, so error pages are in the reader's language too.
                .wrap(from_fn(pages::locale::negotiate))
                // Outermost: the request's id exists before anything else runs or logs.
                .wrap(from_fn(request_id::request_id))
                .configure(routes)
                .default_service(web::to(faces::not_found))
        })
        .listen(listener)
        .map_err(|source| StartupError::Bind {
            addr: "listener".into(),
            source,
        })?
        // Signals are the binary's business (`sigil serve` stops through the handle), so an
        // embedding test process keeps its own.
        .disable_signals()
        .shutdown_timeout(SHUTDOWN_TIMEOUT.as_secs());
        if let Some(n) = workers {
            server = server.workers(n);
        }
        Ok(Self {
            port,
            server: server.run(),
            background,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server from elsewhere: `graceful` lets requests in flight finish (up to
    /// [`SHUTDOWN_TIMEOUT`]).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped, waits for the requests' follow-up tasks, then stops the background
    /// threads after their current item; dropped before that, it still signals them to stop.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let _dropped = StopWhenDropped(Arc::clone(&self.background));
        let served = self.server.await;
        let left = self.background.settle(BACKGROUND_STOP_TIMEOUT).await;
        if left > 0 {
            log::warn!("{left} follow-up task(s) of requests unfinished at exit");
        }
        let left = web::block(move || self.background.stop(BACKGROUND_STOP_TIMEOUT))
            .await
            .unwrap_or_default();
        if !left.is_empty() {
            log::warn!("background threads still busy at exit: {}", left.join(", "));
        }
        served
    }
}

/// The route table: every route of the contract, in one place. Each path is a resource, so a
/// wrong method on it is a 405 with `Allow`, not a 404.
fn routes(cfg: &mut web::ServiceConfig) {
    use crate::routes::get;
    use web::{delete, patch, post, put, resource};
    cfg.service(resource("/healthz").route(get().to(api::health::healthz)))
        .service(resource("/readyz").route(get().to(api::health::readyz)))
        .service(resource("/metrics").route(get().to(api::metrics::metrics)))
        .service(
            web::scope("/api")
                // The reads every client makes, first: a route is found by trying each in turn.
                .service(
                    resource("/users/me")
                        .route(get().to(api::users::me))
                        .route(patch().to(api::users::update_me))
                        .route(delete().to(api::mfa::delete_me)),
                )
                .service(
                    resource("/posts")
                        .route(get().to(api::posts::list))
                        .route(post().to(api::posts::create)),
                )
                .service(resource("/auth/register").route(post().to(api::auth::register)))
                .service(resource("/auth/login").route(post().to(api::auth::login)))
                .service(
                    resource("/auth/token")
                        .wrap(from_fn(crate::routes::cors::public_clients))
                        .route(post().to(api::auth::token)),
                )
                .service(
                    resource("/auth/device")
                        .wrap(from_fn(crate::routes::cors::public_clients))
                        .route(post().to(api::device::start)),
                )
                .service(resource("/auth/refresh").route(post().to(api::auth::refresh)))
                .service(resource("/auth/logout").route(post().to(api::sessions::logout)))
                .service(resource("/auth/logout-all").route(post().to(api::sessions::logout_all)))
                .service(resource("/auth/sessions").route(get().to(api::sessions::list_sessions)))
                .service(
                    resource("/auth/sessions/{id}")
                        .route(delete().to(api::sessions::delete_session)),
                )
                .service(resource("/auth/csrf").route(get().to(api::sessions::csrf_token)))
                .service(resource("/auth/password/forgot").route(post().to(api::email::forgot)))
                .service(resource("/auth/password/reset").route(post().to(api::email::reset)))
                .service(resource("/auth/email/verify").route(post().to(api::email::verify)))
                .service(resource("/auth/email/resend").route(post().to(api::email::resend)))
                .service(resource("/users/me/email").route(put().to(api::email::change)))
                .service(resource("/auth/mfa").route(post().to(api::mfa::complete)))
                .service(
                    resource("/auth/passkey/options")
                        .route(post().to(api::passkeys::request_options)),
                )
                .service(resource("/auth/passkey").route(post().to(api::passkeys::sign_in)))
                .service(
                    resource("/auth/reauthenticate/options")
                        .route(post().to(api::passkeys::reauthentication_options)),
                )
                .service(
                    resource("/users/me/passkeys/options")
                        .route(post().to(api::passkeys::creation_options)),
                )
                .service(
                    resource("/users/me/passkeys")
                        .route(get().to(api::passkeys::list))
                        .route(post().to(api::passkeys::add)),
                )
                .service(
                    resource("/users/me/passkeys/{id}").route(delete().to(api::passkeys::remove)),
                )
                .service(resource("/users/me/identities").route(get().to(api::identities::list)))
                .service(
                    resource("/users/me/identities/{id}")
                        .route(delete().to(api::identities::unlink)),
                )
                .service(
                    resource("/auth/revoke")
                        .wrap(from_fn(crate::routes::cors::public_clients))
                        .route(post().to(api::oauth::revoke)),
                )
                .service(resource("/auth/introspect").route(post().to(api::oauth::introspect)))
                .service(
                    resource("/auth/reauthenticate").route(post().to(api::mfa::reauthenticate)),
                )
                .service(
                    resource("/users/me/mfa/totp")
                        .route(post().to(api::mfa::enrol))
                        .route(delete().to(api::mfa::disable)),
                )
                .service(resource("/users/me/mfa/totp/confirm").route(post().to(api::mfa::confirm)))
                .service(
                    resource("/users/me/mfa/recovery-codes").route(post().to(api::mfa::regenerate)),
                )
                .service(resource("/users/me/events").route(get().to(api::events::mine)))
                .service(
                    resource("/users/me/tokens")
                        .route(get().to(api::pats::list))
                        .route(post().to(api::pats::create)),
                )
                .service(resource("/users/me/tokens/{id}").route(delete().to(api::pats::revoke)))
                .service(resource("/users/me/apps").route(get().to(api::apps::list)))
                .service(
                    resource("/users/me/apps/{client_id}").route(delete().to(api::apps::revoke)),
                )
                .service(
                    resource("/admin/users/{id}/tokens")
                        .route(delete().to(api::pats::admin_revoke_all)),
                )
                .service(
                    resource("/admin/users/{id}/tokens/{token_id}")
                        .route(delete().to(api::pats::admin_revoke_one)),
                )
                .service(
                    resource("/users/me/password").route(put().to(api::users::change_password)),
                )
                .service(resource("/token/inspect").route(post().to(api::token::inspect)))
                .service(resource("/token/encode").route(post().to(api::token::encode)))
                .service(resource("/admin/users").route(get().to(api::admin::list_users)))
                .service(
                    resource("/admin/users/{id}")
                        .route(get().to(api::admin::show_user))
                        .route(delete().to(api::admin::delete_user)),
                )
                .service(
                    resource("/admin/users/{id}/disable").route(post().to(api::admin::disable)),
                )
                .service(resource("/admin/users/{id}/enable").route(post().to(api::admin::enable)))
                .service(
                    resource("/admin/users/{id}/logout-all")
                        .route(post().to(api::admin::logout_all)),
                )
                .service(
                    resource("/admin/users/{id}/password-reset")
                        .route(post().to(api::admin::password_reset)),
                )
                .service(
                    resource("/admin/users/{id}/sign-in-failures")
                        .route(delete().to(api::admin::clear_sign_in_failures)),
                )
                .service(resource("/admin/users/{id}/role").route(put().to(api::admin::set_role)))
                .service(resource("/admin/events").route(get().to(api::admin::list_events)))
                .service(
                    resource("/admin/invitations")
                        .route(get().to(api::invitations::list))
                        .route(post().to(api::invitations::create)),
                )
                .service(
                    resource("/admin/invitations/{id}")
                        .route(delete().to(api::invitations::revoke)),
                )
                .service(
                    resource("/admin/clients")
                        .route(get().to(api::clients::list))
                        .route(post().to(api::clients::create)),
                )
                .service(
                    resource("/admin/clients/{client_id}")
                        .route(get().to(api::clients::show))
                        .route(patch().to(api::clients::update))
                        .route(delete().to(api::clients::delete)),
                )
                .service(
                    resource("/admin/clients/{client_id}/secret")
                        .route(post().to(api::clients::rotate_secret)),
                )
                .service(resource("/openapi.json").route(get().to(api::openapi::document)))
                .service(
                    resource("/posts/{id}")
                        .route(get().to(api::posts::show))
                        .route(patch().to(api::posts::update))
                        .route(delete().to(api::posts::delete)),
                ),
        )
        .service(resource("/.well-known/jwks.json").route(get().to(api::keys::jwks)))
        .service(
            resource("/.well-known/oauth-authorization-server")
                .route(get().to(api::discovery::authorization_server)),
        )
        .service(
            resource("/.well-known/openid-configuration")
                .route(get().to(api::discovery::openid_configuration)),
        )
        .service(resource("/docs").route(get().to(docs_redirect)))
        .service(
            web::scope("/docs")
                // Swagger UI styles itself inline; only /docs gets that allowance.
                .wrap(headers::docs_headers())
                .service(
                    utoipa_swagger_ui::SwaggerUi::new("/{_:.*}").config(
                        // Pasted tokens are not kept in localStorage: a token outlives the tab.
                        utoipa_swagger_ui::Config::from("/api/openapi.json")
                            .persist_authorization(false),
                    ),
                ),
        )
        .service(resource("/").route(get().to(pages::home::index)))
        .service(resource("/status").route(get().to(pages::home::status)))
        .service(resource("/favicon.ico").route(get().to(pages::assets::favicon)))
        .service(
            resource("/login")
                .route(get().to(pages::auth::login_form))
                .route(post().to(pages::auth::login)),
        )
        .service(
            resource("/register")
                .route(get().to(pages::auth::register_form))
                .route(post().to(pages::auth::register)),
        )
        .service(
            resource("/login/mfa")
                .route(get().to(pages::auth::second_step::form))
                .route(post().to(pages::auth::second_step::verify)),
        )
        .service(
            resource("/login/mfa/options")
                .route(post().to(pages::auth::second_step::passkey_options)),
        )
        .service(resource("/login/passkey").route(post().to(pages::auth::passkey::sign_in)))
        // After the fixed /login/… routes: an outside provider's id is the rest.
        .service(resource("/login/{id}").route(get().to(pages::auth::provider::begin)))
        .service(resource("/login/{id}/callback").route(get().to(pages::auth::provider::callback)))
        .service(
            resource("/login/{id}/complete")
                .route(get().to(pages::auth::provider::complete_form))
                .route(post().to(pages::auth::provider::complete)),
        )
        .service(
            resource("/login/{id}/link")
                .route(get().to(pages::auth::provider::link_form))
                .route(post().to(pages::auth::provider::link)),
        )
        .service(resource("/reauthenticate").route(post().to(pages::recent::reauthenticate)))
        .service(
            resource("/reauthenticate/options")
                .route(post().to(pages::auth::passkey::reauthentication_options)),
        )
        .service(
            resource("/reauthenticate/{id}")
                .route(post().to(pages::auth::provider::reauthenticate)),
        )
        .service(resource("/logout").route(post().to(pages::auth::logout)))
        .service(resource("/locale").route(post().to(pages::locale::choose)))
        .service(
            resource("/oauth/authorize")
                .route(get().to(pages::oauth::authorize_get))
                .route(post().to(pages::oauth::authorize_post)),
        )
        .service(
            resource("/oauth/authorize/{id}")
                .route(get().to(pages::oauth::continue_get))
                .route(post().to(pages::oauth::decide_post)),
        )
        .service(
            resource("/oauth/logout")
                .route(get().to(pages::oauth::logout_get))
                .route(post().to(pages::oauth::logout_post)),
        )
        .service(
            resource("/device")
                .route(get().to(pages::device::entry))
                .route(post().to(pages::device::confirm)),
        )
        .service(resource("/device/approve").route(post().to(pages::device::approve)))
        .service(
            resource("/oauth/userinfo")
                .wrap(from_fn(crate::routes::cors::public_clients))
                .route(get().to(api::userinfo::userinfo))
                .route(post().to(api::userinfo::userinfo)),
        )
        .service(
            resource("/forgot-password")
                .route(get().to(pages::auth::recovery::forgot_form))
                .route(post().to(pages::auth::recovery::forgot)),
        )
        .service(
            resource("/reset-password")
                .route(get().to(pages::auth::recovery::reset_form))
                .route(post().to(pages::auth::recovery::reset)),
        )
        .service(
            resource("/verify-email")
                .route(get().to(pages::auth::recovery::verify_form))
                .route(post().to(pages::auth::recovery::verify)),
        )
        .service(resource("/auth/refresh").route(post().to(pages::auth::refresh)))
        .service(resource("/posts/new").route(get().to(pages::posts::new_form)))
        .service(
            resource("/posts")
                .route(get().to(pages::posts::index))
                .route(post().to(pages::posts::create)),
        )
        .service(resource("/posts/{id}").route(get().to(pages::posts::show)))
        .service(
            resource("/posts/{id}/edit")
                .route(get().to(pages::posts::edit_form))
                .route(post().to(pages::posts::update)),
        )
        .service(resource("/posts/{id}/delete").route(post().to(pages::posts::delete)))
        .service(
            resource("/token")
                .route(get().to(pages::token::show))
                .route(post().to(pages::token::inspect)),
        )
        .service(
            resource("/token/encode")
                .route(get().to(pages::token::encode::form))
                .route(post().to(pages::token::encode::encode)),
        )
        .service(resource("/account").route(get().to(pages::account::show)))
        .service(resource("/account/password").route(post().to(pages::account::change_password)))
        .service(
            resource("/account/sessions/{id}/revoke")
                .route(post().to(pages::account::revoke_session)),
        )
        .service(
            resource("/account/apps/{client_id}/revoke")
                .route(post().to(pages::account::apps::revoke)),
        )
        .service(resource("/account/passkeys").route(post().to(pages::account::passkeys::add)))
        .service(resource("/account/tokens").route(post().to(pages::account::tokens::create)))
        .service(
            resource("/account/tokens/{id}/revoke")
                .route(post().to(pages::account::tokens::revoke)),
        )
        .service(
            resource("/account/passkeys/options")
                .route(post().to(pages::account::passkeys::creation_options)),
        )
        .service(
            resource("/account/passkeys/{id}/remove")
                .route(post().to(pages::account::passkeys::remove)),
        )
        .service(resource("/account/logout-all").route(post().to(pages::account::logout_all)))
        .service(
            resource("/account/password/setup")
                .route(post().to(pages::account::identities::set_password)),
        )
        .service(
            resource("/account/identities/{provider}/link")
                .route(post().to(pages::account::identities::link)),
        )
        .service(
            resource("/account/identities/{id}/unlink")
                .route(post().to(pages::account::identities::unlink)),
        )
        .service(resource("/account/email").route(post().to(pages::account::change_email)))
        .service(
            resource("/account/email/resend").route(post().to(pages::account::resend_verification)),
        )
        .service(resource("/account/mfa/totp").route(post().to(pages::account::mfa::enrol)))
        .service(
            resource("/account/mfa/totp/confirm").route(post().to(pages::account::mfa::confirm)),
        )
        .service(resource("/account/mfa/totp/remove").route(post().to(pages::account::mfa::remove)))
        .service(
            resource("/account/mfa/recovery-codes")
                .route(get().to(pages::account::mfa::show))
                .route(post().to(pages::account::mfa::regenerate)),
        )
        .service(
            resource("/account/mfa/recovery-codes/download")
                .route(post().to(pages::account::mfa::download)),
        )
        .service(
            resource("/account/delete")
                .route(get().to(pages::account::delete::form))
                .route(post().to(pages::account::delete::delete)),
        )
        .service(resource("/account/activity").route(get().to(pages::account::activity::show)))
        .service(resource("/admin").route(get().to(pages::admin::users)))
        .service(resource("/admin/users/{id}").route(get().to(pages::admin::user)))
        .service(
            resource("/admin/users/{id}/disable").route(post().to(pages::admin::actions::disable)),
        )
        .service(
            resource("/admin/users/{id}/enable").route(post().to(pages::admin::actions::enable)),
        )
        .service(
            resource("/admin/users/{id}/logout-all")
                .route(post().to(pages::admin::actions::logout_all)),
        )
        .service(
            resource("/admin/users/{id}/password-reset")
                .route(post().to(pages::admin::actions::password_reset)),
        )
        .service(
            resource("/admin/users/{id}/sign-in-failures/clear")
                .route(post().to(pages::admin::actions::clear_sign_in_failures)),
        )
        .service(
            resource("/admin/users/{id}/role").route(post().to(pages::admin::actions::set_role)),
        )
        .service(
            resource("/admin/users/{id}/delete").route(post().to(pages::admin::actions::delete)),
        )
        .service(resource("/admin/events").route(get().to(pages::admin::events)))
        .service(
            resource("/admin/invitations")
                .route(get().to(pages::admin::invitations::list))
                .route(post().to(pages::admin::invitations::create)),
        )
        .service(
            resource("/admin/invitations/{id}/revoke")
                .route(post().to(pages::admin::invitations::revoke)),
        )
        .service(
            resource("/admin/clients")
                .route(get().to(pages::admin::clients::list))
                .route(post().to(pages::admin::clients::create)),
        )
        .service(
            resource("/admin/clients/{client_id}").route(get().to(pages::admin::clients::show)),
        )
        .service(
            resource("/admin/clients/{client_id}/edit")
                .route(post().to(pages::admin::clients::update)),
        )
        .service(
            resource("/admin/clients/{client_id}/delete")
                .route(post().to(pages::admin::clients::delete)),
        )
        .service(
            resource("/admin/clients/{client_id}/secret")
                .route(post().to(pages::admin::clients::rotate_secret)),
        )
        .service(resource("/static/{path:.*}").route(get().to(pages::assets::serve)));
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}
