//! `/api/admin/clients`: registering the OAuth clients of Sigil's OpenID Connect provider
//! (API.md part three §1, "Clients"). Administrators only, with a recent sign-in, and
//! *session* only ([`AdminUser`]): no scoped token reaches them, reading included. A
//! confidential client's secret is in the answer that makes it, and never again.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::responses::{AdminErrors, BodyErrors};
use crate::auth::extract::AdminUser;
use crate::error::{AppError, FieldErrors, Problem};
use crate::http::body::JsonBody;
use crate::http::client::ClientInfo;
use crate::no_store::NoStore as _;
use crate::oidc::clients::{
    ClientListParams, ClientView, GraceHours, NewClient, Registrar, Registry,
};
use crate::state::AppState;

/// `POST /api/admin/clients` and `PATCH /api/admin/clients/{client_id}`: a client's fields.
/// Registering needs `client_name` (and a redirect URI for the code grant); a change names
/// only what changes, never `client_id` or `type`.
#[derive(Deserialize, ToSchema)]
pub struct ClientRequest {
    /// `[A-Za-z0-9._-]{3,64}`; generated (22 base62 characters) when left out. Fixed.
    #[schema(example = "nightly-report")]
    pub client_id: Option<String>,
    /// 1–100 characters, one line: shown on the consent page.
    #[schema(example = "Nightly report")]
    pub client_name: Option<String>,
    /// `confidential` (the default: has a secret) or `public`. Fixed.
    #[serde(rename = "type")]
    #[schema(example = "confidential")]
    pub client_type: Option<String>,
    /// At most 20: `https`, `http` to 127.0.0.1, [::1] or localhost, or (public clients) a
    /// private-use scheme with a dot; no fragment, userinfo or `*`.
    #[schema(example = json!(["https://reports.example.com/callback"]))]
    pub redirect_uris: Option<Vec<String>>,
    /// The same rules as `redirect_uris`.
    pub post_logout_redirect_uris: Option<Vec<String>>,
    /// `https` (`http` to loopback in development), no fragment; null removes it.
    pub backchannel_logout_uri: Option<String>,
    /// Of `authorization_code`, `refresh_token`,
    /// `urn:ietf:params:oauth:grant-type:device_code`; default the first two.
    pub grant_types: Option<Vec<String>>,
    /// Space-separated known scopes; default
    /// `openid profile email offline_access profile:read posts:read posts:write`.
    pub scope: Option<String>,
    /// Skips the consent page (never the device confirmation); default false.
    pub first_party: Option<bool>,
}

/// A client just registered: its fields and, for a confidential client, its secret this once.
#[derive(Serialize, ToSchema)]
pub struct CreatedClientBody {
    #[serde(flatten)]
    pub client: ClientView,
    /// `sigil_cs_…`, shown only in this answer (confidential clients).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

/// A client with how much it is used.
#[derive(Serialize, ToSchema)]
pub struct ClientDetailBody {
    #[serde(flatten)]
    pub client: ClientView,
    /// Its sessions neither revoked nor expired.
    pub live_sessions: i64,
    /// The distinct users with a consent to it or a live session with it.
    pub users: i64,
}

/// A page of clients, in `client_id` order.
#[derive(Serialize, ToSchema)]
pub struct ClientPage {
    pub items: Vec<ClientView>,
    pub next_cursor: Option<String>,
}

/// `POST /api/admin/clients/{client_id}/secret`.
#[derive(Deserialize, ToSchema)]
pub struct RotationRequest {
    /// How long the previous secret keeps working: 0 (the default) to 168 hours.
    #[schema(minimum = 0, maximum = 168, example = 24)]
    pub grace_hours: Option<u32>,
}

/// A new secret, shown this once.
#[derive(Serialize, ToSchema)]
pub struct SecretBody {
    #[schema(example = "sigil_cs_4Fx9bQ2LmZkT0wYcRn8dVh3sJp6aXe1uGiKoB7tC5fN0q2mPz")]
    pub client_secret: String,
}

fn registry(state: &AppState) -> Registry {
    Registry::new(state.db.clone())
}

/// Lists the registered clients, in `client_id` order.
#[utoipa::path(
    get,
    path = "/api/admin/clients",
    tag = "admin",
    params(ClientListParams),
    responses(
        (status = 200, description = "A page of clients", body = ClientPage),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
        AdminErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    _: AdminUser,
    params: web::Query<ClientListParams>,
) -> Result<HttpResponse, AppError> {
    let page = params.parse(&state.cursor_key)?;
    let list = registry(&state).list(page, &state.cursor_key).await?;
    Ok(HttpResponse::Ok().no_store().json(ClientPage {
        items: list.items.iter().map(ClientView::from).collect(),
        next_cursor: list.next_cursor,
    }))
}

/// Registers a client → 201; a confidential client's `client_secret` is shown this once.
#[utoipa::path(
    post,
    path = "/api/admin/clients",
    tag = "admin",
    request_body = ClientRequest,
    responses(
        (status = 201, description = "Registered: `client_secret` (confidential clients) is shown this once", body = CreatedClientBody, headers(("Location" = String, description = "`/api/admin/clients/{client_id}`"))),
        (status = 409, description = "The client_id is taken", body = Problem, content_type = "application/problem+json"),
        AdminErrors,
        BodyErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientInfo,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<HttpResponse, AppError> {
    let new = NewClient::parse(&body)?;
    let by = Registrar::admin(&admin.user, &client);
    let registered = registry(&state).register(new, by).await?;
    let location = format!("/api/admin/clients/{}", registered.row.client_id);
    Ok(HttpResponse::Created()
        .no_store()
        .insert_header((header::LOCATION, location))
        .json(CreatedClientBody {
            client: ClientView::from(&registered.row),
            client_secret: registered.secret,
        }))
}

/// One client, with its live sessions and users (never its secret).
#[utoipa::path(
    get,
    path = "/api/admin/clients/{client_id}",
    tag = "admin",
    params(("client_id" = String, Path, description = "A client id")),
    responses(
        (status = 200, description = "The client and its use", body = ClientDetailBody),
        (status = 404, description = "No such client", body = Problem, content_type = "application/problem+json"),
        AdminErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    _: AdminUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let detail = registry(&state).detail(path.into_inner()).await?;
    Ok(HttpResponse::Ok().no_store().json(ClientDetailBody {
        client: ClientView::from(&detail.row),
        live_sessions: detail.live_sessions,
        users: detail.users,
    }))
}

/// Changes the fields named (a partial update); `client_id` and `type` are fixed (422).
#[utoipa::path(
    patch,
    path = "/api/admin/clients/{client_id}",
    tag = "admin",
    params(("client_id" = String, Path, description = "A client id")),
    request_body = ClientRequest,
    responses(
        (status = 200, description = "The client, changed", body = ClientView),
        (status = 404, description = "No such client", body = Problem, content_type = "application/problem+json"),
        AdminErrors,
        BodyErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientInfo,
    path: web::Path<String>,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<HttpResponse, AppError> {
    let by = Registrar::admin(&admin.user, &client);
    let row = registry(&state).update(path.into_inner(), body, by).await?;
    Ok(HttpResponse::Ok().no_store().json(ClientView::from(&row)))
}

/// Deletes a client → 204.
///
/// Its codes, consents and requests go and its sessions end, with no logout tokens.
#[utoipa::path(
    delete,
    path = "/api/admin/clients/{client_id}",
    tag = "admin",
    params(("client_id" = String, Path, description = "A client id")),
    responses(
        (status = 204, description = "Deleted; its sessions are revoked"),
        (status = 404, description = "No such client", body = Problem, content_type = "application/problem+json"),
        AdminErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientInfo,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let by = Registrar::admin(&admin.user, &client);
    registry(&state).delete(path.into_inner(), by).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Gives a confidential client a new secret, shown this once.
///
/// The previous one keeps working for `grace_hours` (0–168, default 0). The body may be left
/// out.
#[utoipa::path(
    post,
    path = "/api/admin/clients/{client_id}/secret",
    tag = "admin",
    params(("client_id" = String, Path, description = "A client id")),
    request_body = RotationRequest,
    responses(
        (status = 200, description = "The new secret, shown this once", body = SecretBody),
        (status = 404, description = "No such client", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A public client has no secret", body = Problem, content_type = "application/problem+json"),
        AdminErrors,
        BodyErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn rotate_secret(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientInfo,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let fields = optional_object(&body)?;
    let grace = GraceHours::parse(fields.get("grace_hours"))
        .map_err(|m| AppError::Validation(FieldErrors::single("grace_hours", m)))?;
    let by = Registrar::admin(&admin.user, &client);
    let secret = registry(&state)
        .rotate_secret(path.into_inner(), grace, by)
        .await?;
    Ok(HttpResponse::Ok().no_store().json(SecretBody {
        client_secret: secret,
    }))
}

/// A body that may be left out (empty: no fields), else a JSON object: 400 when it is not
/// JSON, 422 when it is not an object.
fn optional_object(body: &[u8]) -> Result<Map<String, Value>, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(AppError::validation(
            "json",
            "The body must be a JSON object.",
        )),
        Err(e) => Err(AppError::BadRequest(format!(
            "The body is not valid JSON: {e}"
        ))),
    }
}
