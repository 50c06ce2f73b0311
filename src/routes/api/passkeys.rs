//! Passkeys (WebAuthn): the options for a ceremony, signing in with a passkey, and the
//! caller's own passkeys (`/api/users/me/passkeys`). The options are the JSON that
//! `PublicKeyCredential.parseCreationOptionsFromJSON` / `parseRequestOptionsFromJSON` read
//! (under `publicKey`); responses are what `credential.toJSON()` gives.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::responses::{AuthErrors, BodyErrors, RateLimited, RecentAuthErrors};
use crate::accounts::mfa::{OwnerProof, OwnerProofRequest};
use crate::auth::extract::{AuthUser, RecentAuth};
use crate::db::passkeys::PasskeyRow;
use crate::domain::PasskeyName;
use crate::error::{AppError, FieldErrors, Problem};
use crate::http::body::{Field, JsonBody};
use crate::http::client::ClientInfo;
use crate::no_store::NoStore as _;
use crate::state::{AppState, LoginAttempt};

/// A registered passkey, as lists show it.
#[derive(Serialize, ToSchema)]
pub struct PasskeyBody {
    pub id: i32,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
}

impl From<&PasskeyRow> for PasskeyBody {
    fn from(p: &PasskeyRow) -> Self {
        Self {
            id: p.id,
            name: p.name.clone(),
            created_at: crate::db::to_utc(p.created_at),
            last_used_at: p.last_used_at.map(crate::db::to_utc),
        }
    }
}

/// `POST /api/auth/passkey/options`.
#[derive(Deserialize, ToSchema)]
pub struct RequestOptionsRequest {
    /// For the second step of a password sign-in: its `mfa_token`. Leave it out to sign in
    /// with a passkey alone.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub mfa_token: Field,
}

/// Options for signing in with a passkey (`navigator.credentials.get()`).
///
/// `{}` → any discoverable passkey, user verification required; `{mfa_token}` → limited to that
/// sign-in's user's passkeys. Each is good for one response, for five minutes.
#[utoipa::path(
    post,
    path = "/api/auth/passkey/options",
    tag = "auth",
    request_body = RequestOptionsRequest,
    responses(
        (status = 200, description = "PublicKeyCredentialRequestOptions, as JSON, under `publicKey`", body = Object),
        (status = 401, description = "An mfa_token that is unknown, expired, used or ended", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The mfa_token's user has no passkey, or passkeys are off (PUBLIC_URL names an IP address)", body = Problem, content_type = "application/problem+json"),
        BodyErrors,
        RateLimited
    )
)]
pub async fn request_options(
    _attempt: LoginAttempt,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<RequestOptionsRequest>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let mfa_token = match body.mfa_token {
        Field::Absent | Field::Null => None,
        other => other.text("mfa_token", &mut errors),
    };
    errors.finish(|| Some(()))?;
    let options = state
        .accounts()
        .passkey_request_options(mfa_token.as_deref())
        .await?;
    Ok(HttpResponse::Ok().no_store().json(options))
}

/// `POST /api/auth/passkey`.
#[derive(Deserialize, ToSchema)]
pub struct PasskeySignInRequest {
    /// The `PublicKeyCredential` that `navigator.credentials.get()` gave, as `toJSON()`
    /// writes it.
    #[schema(value_type = Object, required = true)]
    #[serde(default)]
    pub assertion: Option<Value>,
}

/// Signs in with a passkey: `{assertion}` → TokenPair.
///
/// `amr` `hwk`, or `swk` for a passkey that syncs between devices. Refused with a 401: a forged or
/// tampered signature, another origin or relying party, no user verification, a credential not
/// registered here, a challenge that was never given, was used or expired, a counter that went
/// backwards.
#[utoipa::path(
    post,
    path = "/api/auth/passkey",
    tag = "auth",
    request_body = PasskeySignInRequest,
    responses(
        (status = 200, description = "A new session's tokens", body = crate::auth::tokens::TokenPair),
        (status = 401, description = "The passkey's response was refused", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is disabled, or its address must be verified first", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Passkeys are off (PUBLIC_URL names an IP address)", body = Problem, content_type = "application/problem+json"),
        BodyErrors,
        RateLimited
    )
)]
pub async fn sign_in(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<PasskeySignInRequest>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let assertion = errors.take("assertion", credential(body.assertion));
    let assertion = errors.finish(|| assertion)?;
    let started = state
        .accounts()
        .sign_in_with_passkey(assertion, &client)
        .await?
        .map_err(|refusal| refusal.problem())?;
    Ok(started.pair.response())
}

/// A WebAuthn response object, or the message for its field when it is missing or is not
/// one.
pub fn credential<T: DeserializeOwned>(value: Option<Value>) -> Result<T, String> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Err("This field is required.".into());
    };
    serde_json::from_value(value).map_err(|e| {
        format!("Must be the PublicKeyCredential the browser gave, as toJSON() writes it ({e}).")
    })
}

/// Options for adding a passkey (`navigator.credentials.create()`, recent sign-in).
///
/// Good for one registration, for five minutes.
#[utoipa::path(
    post,
    path = "/api/users/me/passkeys/options",
    tag = "users",
    responses(
        (status = 200, description = "PublicKeyCredentialCreationOptions, as JSON, under `publicKey`", body = Object),
        (status = 409, description = "Twenty passkeys already, or passkeys are off (PUBLIC_URL names an IP address)", body = Problem, content_type = "application/problem+json"),
        RecentAuthErrors,
        RateLimited
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn creation_options(
    _attempt: LoginAttempt,
    state: web::Data<AppState>,
    RecentAuth(auth): RecentAuth,
) -> Result<HttpResponse, AppError> {
    let options = state
        .accounts()
        .passkey_creation_options(&auth.user)
        .await?;
    Ok(HttpResponse::Ok().no_store().json(options))
}

/// `POST /api/users/me/passkeys`.
#[derive(Deserialize, ToSchema)]
pub struct AddPasskeyRequest {
    /// What to call it, to tell it from others: one line, at most 64 characters.
    #[schema(value_type = String, required = true, example = "Laptop")]
    #[serde(default)]
    pub name: Field,
    /// The `PublicKeyCredential` that `navigator.credentials.create()` gave, as `toJSON()`
    /// writes it.
    #[schema(value_type = Object, required = true)]
    #[serde(default)]
    pub attestation: Option<Value>,
}

/// Adds a passkey (recent sign-in): `{name, attestation}` → 201 the passkey.
#[utoipa::path(
    post,
    path = "/api/users/me/passkeys",
    tag = "users",
    request_body = AddPasskeyRequest,
    responses(
        (status = 201, description = "Registered", body = PasskeyBody, headers(("Location" = String, description = "The passkey's resource"))),
        (status = 409, description = "This passkey is already registered, or passkeys are off", body = Problem, content_type = "application/problem+json"),
        RecentAuthErrors,
        BodyErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn add(
    state: web::Data<AppState>,
    RecentAuth(auth): RecentAuth,
    client: ClientInfo,
    JsonBody(body): JsonBody<AddPasskeyRequest>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let name = body.name.required("name", &mut errors, PasskeyName::parse);
    let attestation = errors.take("attestation", credential(body.attestation));
    let (name, attestation) = errors.finish(|| Some((name?, attestation?)))?;
    let row = state
        .accounts()
        .add_passkey(&auth.user, name, attestation, &client)
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/users/me/passkeys/{}", row.id),
        ))
        .json(PasskeyBody::from(&row)))
}

/// The caller's passkeys, oldest first.
#[utoipa::path(
    get,
    path = "/api/users/me/passkeys",
    tag = "users",
    responses(
        (status = 200, description = "The caller's passkeys", body = Vec<PasskeyBody>),
        AuthErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<HttpResponse, AppError> {
    let rows = state.accounts().passkeys(auth.user.id).await?;
    let body: Vec<PasskeyBody> = rows.iter().map(PasskeyBody::from).collect();
    Ok(HttpResponse::Ok().no_store().json(body))
}

/// Removes one of the caller's passkeys (recent sign-in) → 204.
///
/// 404 when it is not one of the caller's.
#[utoipa::path(
    delete,
    path = "/api/users/me/passkeys/{id}",
    tag = "users",
    params(("id" = i32, Path, description = "A passkey id")),
    request_body = OwnerProofRequest,
    responses(
        (status = 204, description = "Removed: it signs in no more"),
        (status = 403, description = "The password is incorrect (or a missing CSRF token)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such passkey of this user", body = Problem, content_type = "application/problem+json"),
        RecentAuthErrors,
        BodyErrors,
        RateLimited
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn remove(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    RecentAuth(auth): RecentAuth,
    path: web::Path<i32>,
    JsonBody(body): JsonBody<OwnerProofRequest>,
) -> Result<HttpResponse, AppError> {
    let proof = OwnerProof::try_from(body)?;
    let accounts = state.accounts();
    accounts
        .prove_owner(&auth.user, proof, "remove_passkey", &client)
        .await?;
    accounts
        .remove_passkey(&auth.user, path.into_inner(), &client)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Options for confirming it's you with one of your passkeys.
///
/// For `navigator.credentials.get()`, bound to this session; the assertion then goes to
/// `POST /api/auth/reauthenticate`.
#[utoipa::path(
    post,
    path = "/api/auth/reauthenticate/options",
    tag = "auth",
    responses(
        (status = 200, description = "PublicKeyCredentialRequestOptions, as JSON, under `publicKey`", body = Object),
        (status = 409, description = "The caller has no passkey, or passkeys are off", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
        RateLimited
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn reauthentication_options(
    _attempt: LoginAttempt,
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<HttpResponse, AppError> {
    let options = state
        .accounts()
        .reauthentication_options(&auth.user, &auth.claims.sid)
        .await?;
    Ok(HttpResponse::Ok().no_store().json(options))
}
