//! Builds the application: state, middleware and the route table, bound before it runs so
//! tests can ask for port 0 and learn the real one.

use std::net::TcpListener;
use std::sync::{Arc, OnceLock};

use actix_session::config::CookieContentSecurity;
use actix_session::storage::CookieSessionStore;
use actix_session::SessionMiddleware;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{Server, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::{DefaultHeaders, ErrorHandlerResponse, ErrorHandlers, Logger};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

use crate::auth::jwt::{TokenKeys, TokenPolicy};
use crate::auth::rate_limit::LoginLimiter;
use crate::config::{ConfigError, Settings};
use crate::db::Db;
use crate::error::{AppError, FieldErrors};
use crate::routes::{api, web as pages};

/// Bodies of JSON and form requests are limited to this many bytes (413 past it).
pub const BODY_LIMIT: usize = 64 * 1024;

/// Everything a handler needs, shared by all workers.
pub struct AppState {
    pub settings: Settings,
    pub db: Db,
    pub keys: TokenKeys,
    pub policy: TokenPolicy,
    pub limiter: Option<LoginLimiter>,
    /// The threads that run bcrypt.
    pub passwords: crate::auth::password::PasswordPool,
    /// A bcrypt hash at the configured cost, verified against when a login names no user.
    /// Computed in the background at start-up so it does not delay readiness.
    dummy_hash: Arc<OnceLock<String>>,
    /// Key for signing pagination cursors.
    pub cursor_key: [u8; 32],
}

impl AppState {
    /// Builds the state: connects, migrates, loads keys.
    pub fn new(settings: Settings) -> Result<Self, StartupError> {
        let db = Db::connect(&settings.database_url, settings.db_pool_size)
            .map_err(|m| StartupError::config("DATABASE_URL", m))?;
        db.migrate()
            .map_err(|m| StartupError::Other(format!("migrations failed: {m}")))?;
        let keys = load_keys(&settings)?;
        let policy = TokenPolicy {
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            leeway_seconds: settings.leeway_seconds as i64,
            access_ttl_seconds: settings.access_token_ttl.as_secs() as i64,
        };
        let dummy_hash = Arc::new(OnceLock::new());
        let cost = settings.bcrypt_cost;
        let slot = Arc::clone(&dummy_hash);
        std::thread::spawn(move || {
            let _ = slot.set(crate::auth::password::dummy_hash(cost));
        });
        Ok(Self {
            cursor_key: derive_key(settings.secret_key.expose(), b"sigil cursor key"),
            limiter: LoginLimiter::new(settings.login_rate_per_minute),
            passwords: crate::auth::password::PasswordPool::new(
                std::thread::available_parallelism().map_or(1, |n| n.get()),
            ),
            settings,
            db,
            keys,
            policy,
            dummy_hash,
        })
    }

    /// The dummy hash; computes it here if the start-up thread has not finished yet (which
    /// only happens in the first moments after start-up).
    pub fn dummy_hash(&self) -> String {
        if let Some(h) = self.dummy_hash.get() {
            return h.clone();
        }
        self.dummy_hash
            .get_or_init(|| crate::auth::password::dummy_hash(self.settings.bcrypt_cost))
            .clone()
    }
}

fn load_keys(settings: &Settings) -> Result<TokenKeys, StartupError> {
    Ok(crate::auth::keys::load(settings)?)
}

/// HMAC-SHA256 of a label under the secret: independent keys for independent uses.
pub fn derive_key(secret: &[u8], label: &[u8]) -> [u8; 32] {
    use hmac::Mac as _;
    let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(secret)
        .expect("HMAC accepts keys of any length");
    mac.update(label);
    mac.finalize().into_bytes().into()
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Other(String),
}

impl StartupError {
    fn config(var: &'static str, message: impl Into<String>) -> Self {
        Self::Config(ConfigError {
            var,
            message: message.into(),
        })
    }
}

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
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
        // One key for all workers, derived outside the closure: a per-worker key would break
        // sessions between workers.
        let session_key = Key::derive_from(&derive_key(
            state.settings.secret_key.expose(),
            b"sigil session cookie key",
        ));
        let state = web::Data::new(state);
        let mut server = HttpServer::new(move || {
            let secure = state.settings.cookie_secure;
            App::new()
                .app_data(state.clone())
                .app_data(json_config())
                .app_data(form_config())
                .app_data(web::PayloadConfig::new(BODY_LIMIT))
                .app_data(path_config())
                .app_data(query_config())
                .wrap(
                    SessionMiddleware::builder(CookieSessionStore::default(), session_key.clone())
                        .cookie_name("sigil_session".into())
                        .cookie_secure(secure)
                        .cookie_http_only(true)
                        .cookie_same_site(SameSite::Lax)
                        .cookie_content_security(CookieContentSecurity::Signed)
                        .build(),
                )
                .wrap(actix_web::middleware::from_fn(
                    pages::renewal::silent_renewal,
                ))
                .wrap(ErrorHandlers::new().default_handler(fill_bare_error))
                .wrap(security_headers())
                // Method, path (no query string), status and time: never headers, cookies,
                // bodies or anything a client might have put in a URL.
                .wrap(
                    Logger::new("%{method}xi %U %s %Dms")
                        .custom_request_replace("method", |req| req.method().to_string())
                        .exclude("/healthz"),
                )
                .configure(routes)
                .default_service(web::to(not_found))
        })
        .listen(listener)
        .map_err(|source| StartupError::Bind {
            addr: "listener".into(),
            source,
        })?
        .shutdown_timeout(5);
        if let Some(n) = workers {
            server = server.workers(n);
        }
        Ok(Self {
            port,
            server: server.run(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// The route table: every route of the contract, in one place. Each path is a resource, so a
/// wrong method on it is a 405 with `Allow`, not a 404.
fn routes(cfg: &mut web::ServiceConfig) {
    use web::{delete, get, patch, post, put, resource};
    cfg.service(resource("/healthz").route(get().to(api::health::healthz)))
        .service(resource("/readyz").route(get().to(api::health::readyz)))
        .service(
            web::scope("/api")
                .service(resource("/auth/register").route(post().to(api::auth::register)))
                .service(resource("/auth/login").route(post().to(api::auth::login)))
                .service(resource("/auth/token").route(post().to(api::auth::token)))
                .service(resource("/auth/refresh").route(post().to(api::auth::refresh)))
                .service(resource("/auth/logout").route(post().to(api::auth::logout)))
                .service(resource("/auth/logout-all").route(post().to(api::auth::logout_all)))
                .service(resource("/auth/sessions").route(get().to(api::auth::list_sessions)))
                .service(
                    resource("/auth/sessions/{id}").route(delete().to(api::auth::delete_session)),
                )
                .service(resource("/auth/csrf").route(get().to(api::auth::csrf_token)))
                .service(resource("/users/me").route(get().to(api::users::me)))
                .service(
                    resource("/users/me/password").route(put().to(api::users::change_password)),
                )
                .service(
                    resource("/posts")
                        .route(get().to(api::posts::list))
                        .route(post().to(api::posts::create)),
                )
                .service(resource("/token/inspect").route(post().to(api::token::inspect)))
                .service(resource("/openapi.json").route(get().to(api::openapi::document)))
                .service(
                    resource("/posts/{id}")
                        .route(get().to(api::posts::show))
                        .route(patch().to(api::posts::update))
                        .route(delete().to(api::posts::delete)),
                ),
        )
        .service(resource("/.well-known/jwks.json").route(get().to(api::keys::jwks)))
        .service(resource("/docs").route(get().to(docs_redirect)))
        .service(
            web::scope("/docs")
                // Swagger UI styles itself inline; only /docs gets that allowance.
                .wrap(DefaultHeaders::new().add((header::CONTENT_SECURITY_POLICY, DOCS_CSP)))
                .service(
                    utoipa_swagger_ui::SwaggerUi::new("/{_:.*}").config(
                        utoipa_swagger_ui::Config::from("/api/openapi.json")
                            .persist_authorization(true),
                    ),
                ),
        )
        .service(resource("/").route(get().to(pages::home::index)))
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
        .service(resource("/logout").route(post().to(pages::auth::logout)))
        .service(resource("/auth/refresh").route(post().to(pages::auth::refresh)))
        .service(resource("/posts/new").route(get().to(pages::posts::new_form)))
        .service(resource("/posts").route(post().to(pages::posts::create)))
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
        .service(resource("/account").route(get().to(pages::account::show)))
        .service(resource("/account/password").route(post().to(pages::account::change_password)))
        .service(
            resource("/account/sessions/{id}/revoke")
                .route(post().to(pages::account::revoke_session)),
        )
        .service(resource("/account/logout-all").route(post().to(pages::account::logout_all)))
        .service(resource("/static/{path:.*}").route(get().to(pages::assets::serve)));
}

const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

async fn docs_redirect() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// Security headers on every response. The CSP allows no inline script or style.
fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "same-origin"))
}

/// Whether errors on this path are answered as problem JSON rather than an HTML page.
pub fn wants_json(path: &str) -> bool {
    path.starts_with("/api/")
        || path == "/api"
        || path.starts_with("/.well-known/")
        || path == "/healthz"
        || path == "/readyz"
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    if wants_json(req.path()) {
        actix_web::ResponseError::error_response(&AppError::NotFound)
    } else {
        pages::errors::page(StatusCode::NOT_FOUND, None)
    }
}

/// Gives error responses that have no body (405 from routing, extractor errors without a
/// handler) the contract's shape: problem JSON on the API, the error page elsewhere.
fn fill_bare_error<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if res.headers().contains_key(header::CONTENT_TYPE) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let kept: Vec<_> = res
        .headers()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let (req, _) = res.into_parts();
    let mut response = if wants_json(req.path()) {
        problem_for_status(status)
    } else {
        pages::errors::page(status, None)
    };
    for (k, v) in kept {
        if !response.headers().contains_key(&k) {
            response.headers_mut().insert(k, v);
        }
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

fn problem_for_status(status: StatusCode) -> HttpResponse {
    let detail = match status {
        StatusCode::METHOD_NOT_ALLOWED => "This method is not allowed on this resource.",
        StatusCode::NOT_FOUND => "The requested resource was not found.",
        StatusCode::PAYLOAD_TOO_LARGE => "The request body is larger than 64 KiB.",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => "The request headers are too large.",
        s if s.is_server_error() => "Something went wrong on our side.",
        _ => "The request could not be processed.",
    };
    HttpResponse::build(status)
        .content_type("application/problem+json")
        .json(serde_json::json!({
            "type": "about:blank",
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": detail,
        }))
}

/// JSON bodies: 64 KiB, 415 for another content type, 400 for broken JSON, 422 naming the field
/// for a missing or mistyped one.
fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(BODY_LIMIT)
        .error_handler(|err, _req| {
            use actix_web::error::JsonPayloadError as E;
            match err {
                E::Overflow { .. } | E::OverflowKnownLength { .. } => AppError::PayloadTooLarge,
                E::ContentType => {
                    AppError::UnsupportedMediaType("Send the body as application/json.".into())
                }
                E::Deserialize(e) if e.is_data() => body_shape_error(&e.to_string()),
                E::Deserialize(e) => {
                    AppError::BadRequest(format!("The body is not valid JSON: {e}"))
                }
                other => AppError::BadRequest(format!("The body could not be read: {other}")),
            }
            .into()
        })
}

fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(BODY_LIMIT)
        .error_handler(|err, _req| {
            use actix_web::error::UrlencodedError as E;
            match err {
                E::Overflow { .. } => AppError::PayloadTooLarge,
                E::ContentType => AppError::UnsupportedMediaType(
                    "Send the form as application/x-www-form-urlencoded.".into(),
                ),
                E::Parse(e) => body_shape_error(&e.to_string()),
                other => AppError::BadRequest(format!("The form could not be read: {other}")),
            }
            .into()
        })
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err, _req| AppError::NotFound.into())
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| body_shape_error(&err.to_string()).into())
}

/// Turns serde's "missing field `x`" / "invalid type … for field" messages into a 422 that
/// names the field, so clients see the same shape as for a rule broken.
fn body_shape_error(message: &str) -> AppError {
    // Only "missing field `x`" names a field; other messages quote values, not names.
    let field = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
        .filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or("json");
    let text = if message.starts_with("missing field") {
        "This field is required.".to_string()
    } else {
        // serde's messages name types and positions, nothing of the server.
        let trimmed = message.split(" at line").next().unwrap_or(message);
        format!("Invalid value: {trimmed}.")
    };
    AppError::Validation(FieldErrors::single(field, text))
}
