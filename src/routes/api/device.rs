//! `POST /api/auth/device`: the device authorization endpoint (RFC 8628 §3.1; API.md part
//! three, section 1). The device then shows the user code, and polls the token endpoint with
//! the device code (`auth::token`).

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::client_auth::{self, Presented};
use super::responses::RateLimited;
use crate::db::clients::DEVICE_CODE;
use crate::error::{AppError, OAuthBody, Problem};
use crate::http::oauth_form::OAuthForm;
use crate::no_store::NoStore as _;
use crate::oidc::authorize::read_scope;
use crate::state::{AppState, LoginAttempt};

/// The form of `POST /api/auth/device`.
#[derive(Deserialize, ToSchema)]
pub struct DeviceRequest {
    /// The client: a public one sends only this; a confidential one may send its secret
    /// with it (`client_secret_post`) or use Basic.
    #[serde(default)]
    pub client_id: Option<String>,
    /// A confidential client's secret (`client_secret_post`).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Space-separated; each known and registered for the client.
    #[schema(value_type = String, required = true, example = "openid profile offline_access")]
    #[serde(default)]
    pub scope: Option<String>,
    /// Not supported (private_key_jwt): `invalid_client`.
    #[serde(default)]
    pub client_assertion: Option<String>,
    #[serde(default)]
    pub client_assertion_type: Option<String>,
}

/// RFC 8628 §3.2: what the device shows and polls with.
#[derive(Serialize, ToSchema)]
pub struct DeviceAuthorization {
    /// For the token endpoint (`grant_type=urn:ietf:params:oauth:grant-type:device_code`).
    pub device_code: String,
    /// What the user types at `verification_uri`, shown as `XXXX-XXXX`.
    #[schema(example = "BCDF-GHJK")]
    pub user_code: String,
    /// `PUBLIC_URL/device`.
    pub verification_uri: String,
    /// The same page with the code filled in (for a QR code); the user still confirms.
    pub verification_uri_complete: String,
    /// Seconds both codes live (`DEVICE_CODE_MINUTES`).
    pub expires_in: i64,
    /// Seconds to wait between polls.
    #[schema(example = 5)]
    pub interval: i32,
}

impl std::fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceAuthorization(<redacted>)")
    }
}

/// Starts a device sign-in: a device code to poll with and a user code to show (RFC 8628).
///
/// Form `client_id` (with client authentication for a confidential client) and `scope`. The
/// client must be registered for `urn:ietf:params:oauth:grant-type:device_code`.
#[utoipa::path(
    post,
    path = "/api/auth/device",
    tag = "auth",
    request_body(content = DeviceRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "RFC 8628 §3.2 device authorization response", body = DeviceAuthorization),
        (status = 400, description = "RFC 6749 §5.2 error: invalid_request, unauthorized_client, invalid_scope", body = OAuthBody),
        (status = 401, description = "invalid_client: unknown client, wrong secret, or a confidential client without one", body = OAuthBody),
        (status = 404, description = "The OpenID provider is off", body = Problem, content_type = "application/problem+json"),
        RateLimited
    )
)]
pub async fn start(
    req: HttpRequest,
    _attempt: LoginAttempt,
    state: web::Data<AppState>,
    OAuthForm(form): OAuthForm<DeviceRequest>,
) -> Result<HttpResponse, AppError> {
    let provider = &state.provider;
    if !provider.enabled {
        return Err(AppError::NotFound);
    }
    let presented = Presented {
        client_id: form.client_id.as_deref(),
        client_secret: form.client_secret.as_deref(),
        assertion: form.client_assertion.is_some() || form.client_assertion_type.is_some(),
    };
    let client = client_auth::authenticate(&req, &state.db, &presented)
        .await?
        .ok_or_else(|| {
            AppError::oauth(
                "invalid_client",
                "Name the client: its credentials, or a public client's client_id.",
            )
        })?;
    if !client.allows_grant(DEVICE_CODE) {
        return Err(AppError::oauth(
            "unauthorized_client",
            format!("This client is not registered for the {DEVICE_CODE} grant."),
        ));
    }
    let scope = read_scope(form.scope.as_deref(), &client)
        .map_err(|(error, description)| AppError::oauth(error, description))?;
    let started = state
        .accounts()
        .start_device(provider, &client, &scope)
        .await?;
    let verification_uri = format!("{}/device", provider.issuer);
    let user_code = started.user_code.display();
    let body = DeviceAuthorization {
        device_code: started.device_code,
        verification_uri_complete: format!("{verification_uri}?user_code={user_code}"),
        verification_uri,
        user_code,
        expires_in: started.expires_in,
        interval: started.interval,
    };
    Ok(HttpResponse::Ok().no_store().json(body))
}
