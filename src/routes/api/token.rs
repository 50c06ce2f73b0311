//! `POST /api/token/inspect`: any JWT, decoded and explained; `POST /api/token/encode`: a
//! token built and signed with a key the caller brings.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::ToSchema;

use super::responses::BodyErrors;
use crate::auth::extract::MaybeUser;
use crate::error::{AppError, FieldErrors, Problem};
use crate::http::body::{Field, JsonBody, Null};
use crate::inspector::encoder;
use crate::inspector::input::InspectInput;
use crate::inspector::warnings::Warning;
use crate::inspector::{inspect_input, Inspection};
use crate::no_store::NoStore as _;
use crate::state::AppState;

/// `POST /api/token/inspect`.
#[derive(Deserialize, ToSchema)]
pub struct InspectRequest {
    #[schema(value_type = String, required = true, min_length = 1)]
    #[serde(default)]
    pub token: Field,
    /// The key to check another issuer's token with: an HMAC secret (text, or base64url after
    /// `base64:`), a PEM public key or certificate, a JWK, or a JWKS (the key chosen by `kid`).
    /// Sigil's own keys when left out. Never stored or logged.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub key: Field,
    /// The `iss` the token must have.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub expected_issuer: Field,
    /// A value the token's `aud` must be or include.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub expected_audience: Field,
}

impl TryFrom<InspectRequest> for InspectInput {
    type Error = FieldErrors;

    fn try_from(r: InspectRequest) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let token = r.token.text("token", &mut errors);
        let mut optional = |name: &str, f: Field| {
            f.optional(name, &mut errors, Null::Absent, |t| Ok(t.to_string()))
        };
        let key = optional("key", r.key);
        let issuer = optional("expected_issuer", r.expected_issuer);
        let audience = optional("expected_audience", r.expected_audience);
        let (Some(token), Some(key), Some(issuer), Some(audience)) = (token, key, issuer, audience)
        else {
            return Err(errors);
        };
        InspectInput::parse(
            Some(&token),
            key.as_deref(),
            issuer.as_deref(),
            audience.as_deref(),
        )
    }
}

/// Inspects a JWT: decodes it and checks its signature, times and revocation.
///
/// `{token, key?, expected_issuer?, expected_audience?}` → Inspection. A malformed token is a 200
/// naming the part that failed; an empty `token` or a key that does not parse is a 422. Nothing
/// pasted is logged or stored.
#[utoipa::path(
    post,
    path = "/api/token/inspect",
    tag = "tokens",
    request_body = InspectRequest,
    responses(
        (status = 200, description = "The inspection, also for malformed tokens and tokens of other issuers", body = Inspection),
        (status = 401, description = "A credential was sent and is not good (optional: anonymous without one)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A personal access token as the credential (first-party only), or a cookie write without its CSRF token", body = Problem, content_type = "application/problem+json"),
        BodyErrors
    ),
    security((), ("bearer" = []), ("oauth2" = []))
)]
pub async fn inspect(
    state: web::Data<AppState>,
    viewer: MaybeUser,
    JsonBody(body): JsonBody<InspectRequest>,
) -> Result<HttpResponse, AppError> {
    let input = InspectInput::try_from(body)?;
    let report = inspect_input(Some(&state.db), &state.tokens, &input, viewer.user_id()).await?;
    Ok(HttpResponse::Ok().no_store().json(report))
}

/// A header or payload as sent: a JSON object, or a string holding one (the text of an editor).
#[derive(Default)]
pub enum JsonPart {
    #[default]
    Absent,
    Object(serde_json::Map<String, Value>),
    Text(String),
    /// `null`, a number, a boolean or an array.
    Other,
}

impl<'de> Deserialize<'de> for JsonPart {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Object(map) => Self::Object(map),
            Value::String(text) => Self::Text(text),
            _ => Self::Other,
        })
    }
}

impl JsonPart {
    /// The JSON text for the encoder, or the message under `name`.
    fn text(self, name: &str, errors: &mut FieldErrors) -> Option<String> {
        match self {
            Self::Object(map) => Some(Value::Object(map).to_string()),
            Self::Text(text) => Some(text),
            Self::Absent => {
                errors.add(name, "This field is required.");
                None
            }
            Self::Other => {
                errors.add(name, "Must be a JSON object, or a string holding one.");
                None
            }
        }
    }
}

/// `object | string` in the OpenAPI document.
fn json_part_schema(description: &str) -> RefOr<Schema> {
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Object))
        .item(ObjectBuilder::new().schema_type(Type::String))
        .description(Some(description))
        .into()
}

fn header_schema() -> RefOr<Schema> {
    json_part_schema(
        "The JOSE header: a JSON object, or a string holding one. Its alg picks the signature: \
         HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA, or none (unsigned).",
    )
}

fn payload_schema() -> RefOr<Schema> {
    json_part_schema("The claims: a JSON object, or a string holding one.")
}

/// `POST /api/token/encode`.
#[derive(Deserialize, ToSchema)]
pub struct EncodeRequest {
    // Documented in `header_schema` (a doc comment here would be dropped by `schema_with`).
    #[schema(schema_with = header_schema, required = true)]
    #[serde(default)]
    pub header: JsonPart,
    #[schema(schema_with = payload_schema, required = true)]
    #[serde(default)]
    pub payload: JsonPart,
    /// The signing key: an HMAC secret (text, or base64url after `base64:`) or a PEM private
    /// key (RSA, EC P-256/P-384, Ed25519). Left out for `alg: none`. Never stored or logged.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub key: Field,
}

/// `200` answer of `POST /api/token/encode`.
#[derive(Serialize, ToSchema)]
pub struct EncodedToken {
    /// The compact JWS.
    pub token: String,
    /// What the inspector would warn about this token (a published or short secret, no expiry…).
    pub warnings: Vec<Warning>,
}

/// Signs a JWT from a header and payload with the key given.
///
/// `{header, payload, key?}` → `{token}`. Never signs with Sigil's keys; every problem is a 422
/// naming `header`, `payload` or `key`. Nothing pasted is logged or stored.
#[utoipa::path(
    post,
    path = "/api/token/encode",
    tag = "tokens",
    request_body = EncodeRequest,
    responses(
        (status = 200, description = "The signed token", body = EncodedToken),
        BodyErrors
    )
)]
pub async fn encode(JsonBody(body): JsonBody<EncodeRequest>) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let header = body.header.text("header", &mut errors);
    let payload = body.payload.text("payload", &mut errors);
    let key = body
        .key
        .optional("key", &mut errors, Null::Absent, |t| Ok(t.to_string()));
    let (Some(header), Some(payload), Some(key)) = (header, payload, key) else {
        return Err(errors.into());
    };
    // RSA signing takes milliseconds: off the async worker.
    let encoded = web::block(move || {
        encoder::encode(&header, &payload, key.as_deref())
            .map(|token| (encoder::warnings(&token, key.as_deref()), token))
    })
    .await??;
    let (warnings, token) = encoded;
    Ok(HttpResponse::Ok()
        .no_store()
        .json(EncodedToken { token, warnings }))
}
