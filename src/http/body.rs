//! Request bodies: a JSON object read into a typed request whose fields are [`Field`]s, so a
//! wrong type, a missing field or a broken rule in any field is reported together, in the
//! contract's 422 `errors` map. The extractor configurations here map every framework error
//! about a body, path or query to [`AppError`] once.

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::error::{AppError, FieldErrors, BODY_LIMIT};

/// One string field of a JSON body, as it was sent. Request structs use it with
/// `#[serde(default)]`, so reading the body never fails on a field: the conversion into
/// domain types decides, and names the field.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum Field {
    #[default]
    Absent,
    Null,
    Text(String),
    /// A number, boolean, array or object where a string belongs.
    NotText,
}

const REQUIRED: &str = "This field is required.";
const NOT_TEXT: &str = "Must be a string.";

/// Fields carry passwords: their text never prints.
impl std::fmt::Debug for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Absent => "Absent",
            Self::Null => "Null",
            Self::Text(_) => "Text(<redacted>)",
            Self::NotText => "NotText",
        })
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::Null => Self::Null,
            Value::String(s) => Self::Text(s),
            _ => Self::NotText,
        })
    }
}

impl Field {
    /// The text of a field that must be present, or its message recorded under `name`.
    pub fn text(self, name: &str, errors: &mut FieldErrors) -> Option<String> {
        match self {
            Self::Text(s) => Some(s),
            Self::Absent | Self::Null => {
                errors.add(name, REQUIRED);
                None
            }
            Self::NotText => {
                errors.add(name, NOT_TEXT);
                None
            }
        }
    }

    /// A field that must be present and parse.
    pub fn required<T>(
        self,
        name: &str,
        errors: &mut FieldErrors,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = self.text(name, errors)?;
        errors.take(name, parse(&text))
    }

    /// A field that may be left out (`Some(None)`), else must parse. `null` counts as left
    /// out where `null_is` says [`Null::Absent`]; in a partial update it is [`Null::Refused`],
    /// so `{"title": null}` is an error rather than "unchanged".
    pub fn optional<T>(
        self,
        name: &str,
        errors: &mut FieldErrors,
        null_is: Null,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        match (self, null_is) {
            (Self::Absent, _) | (Self::Null, Null::Absent) => Some(None),
            (Self::Null, Null::Refused) => {
                errors.add(name, "Must not be null; leave the field out to keep it.");
                None
            }
            (other, _) => other.required(name, errors, parse).map(Some),
        }
    }

    /// Whether the field was sent with a non-blank value.
    pub fn is_given(&self) -> bool {
        matches!(self, Self::Text(s) if !s.trim().is_empty())
    }
}

/// What `null` means for an optional field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Null {
    /// The same as leaving the field out.
    Absent,
    /// An error: a field that is present must be valid.
    Refused,
}

/// A JSON object body read into `T`. Not JSON is a 400, not an object a 422, another content
/// type a 415 and over [`BODY_LIMIT`] a 413.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let object = web::Json::<Map<String, Value>>::from_request(req, payload);
        Box::pin(async move {
            let object = object.await?.into_inner();
            T::deserialize(Value::Object(object))
                .map(JsonBody)
                .map_err(|e| shape_error(&e.to_string()).into())
        })
    }
}

/// Text fields (a form's, or the token endpoint's parameters) read into `T`, whose fields are
/// strings, optional or defaulted; a later field of the same name replaces an earlier one.
pub fn from_text_fields<T: DeserializeOwned>(
    fields: impl IntoIterator<Item = (String, String)>,
) -> Result<T, AppError> {
    let object: Map<String, Value> = fields
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    T::deserialize(Value::Object(object)).map_err(|e| shape_error(&e.to_string()))
}

/// JSON bodies: [`BODY_LIMIT`], 415 for another content type, 400 for broken JSON, 422 for a
/// body that is not an object.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(BODY_LIMIT)
        .error_handler(|err, _req| {
            use actix_web::error::JsonPayloadError as E;
            match err {
                E::Overflow { .. } | E::OverflowKnownLength { .. } => AppError::PayloadTooLarge,
                E::ContentType => {
                    AppError::UnsupportedMediaType("Send the body as application/json.".into())
                }
                E::Deserialize(e) if e.is_data() => shape_error(&e.to_string()),
                E::Deserialize(e) => {
                    AppError::BadRequest(format!("The body is not valid JSON: {e}"))
                }
                E::Payload(e) if super::body_deadline::is_deadline(&e) => {
                    AppError::Status(actix_web::http::StatusCode::REQUEST_TIMEOUT)
                }
                other => AppError::BadRequest(format!("The body could not be read: {other}")),
            }
            .into()
        })
}

/// Page forms: [`BODY_LIMIT`], 415 for another content type, 422 for a field of the wrong shape.
pub fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(BODY_LIMIT)
        .error_handler(|err, _req| {
            use actix_web::error::UrlencodedError as E;
            match err {
                E::Overflow { .. } => AppError::PayloadTooLarge,
                E::ContentType => AppError::UnsupportedMediaType(
                    "Send the form as application/x-www-form-urlencoded.".into(),
                ),
                E::Parse(e) => shape_error(&e.to_string()),
                E::Payload(e) if super::body_deadline::is_deadline(&e) => {
                    AppError::Status(actix_web::http::StatusCode::REQUEST_TIMEOUT)
                }
                other => AppError::BadRequest(format!("The form could not be read: {other}")),
            }
            .into()
        })
}

/// A path segment that does not parse (`/posts/abc`) names nothing that exists: 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err, _req| AppError::NotFound.into())
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| shape_error(&err.to_string()).into())
}

/// Turns serde's "missing field `x`" / "invalid type …" messages into a 422 that names the
/// field where serde does, and `json` otherwise.
fn shape_error(message: &str) -> AppError {
    let field = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
        .filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or("json");
    let text = if message.starts_with("missing field") {
        REQUIRED.to_string()
    } else {
        // serde's messages name types and positions, nothing of the server.
        let trimmed = message.split(" at line").next().unwrap_or(message);
        format!("Invalid value: {trimmed}.")
    };
    AppError::Validation(FieldErrors::single(field, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Sample {
        #[serde(default)]
        name: Field,
    }

    fn read(json: &str) -> Field {
        serde_json::from_str::<Sample>(json).unwrap().name
    }

    #[test]
    fn a_field_tells_absent_null_text_and_other_types_apart() {
        assert_eq!(read("{}"), Field::Absent);
        assert_eq!(read(r#"{"name": null}"#), Field::Null);
        assert_eq!(read(r#"{"name": "x"}"#), Field::Text("x".into()));
        assert_eq!(read(r#"{"name": 5}"#), Field::NotText);
        assert_eq!(read(r#"{"name": ["x"]}"#), Field::NotText);
    }

    #[test]
    fn every_broken_field_is_recorded_under_its_name() {
        let mut errors = FieldErrors::new();
        assert_eq!(Field::Absent.text("a", &mut errors), None);
        assert_eq!(Field::NotText.text("b", &mut errors), None);
        let parsed =
            Field::Text("x".into()).required("c", &mut errors, |_| Err::<(), _>("no".into()));
        assert_eq!(parsed, None);
        assert_eq!(errors.first("a"), Some(REQUIRED));
        assert_eq!(errors.first("b"), Some(NOT_TEXT));
        assert_eq!(errors.first("c"), Some("no"));
    }

    #[test]
    fn a_change_refuses_null_but_not_absence() {
        let mut errors = FieldErrors::new();
        let ok = |s: &str| Ok::<_, String>(s.to_string());
        let absent = Field::Absent.optional("t", &mut errors, Null::Refused, ok);
        assert_eq!(absent, Some(None));
        assert!(errors.is_empty());
        assert_eq!(
            Field::Null.optional("t", &mut errors, Null::Refused, ok),
            None
        );
        assert!(errors.first("t").is_some());
        let null = Field::Null.optional("v", &mut errors, Null::Absent, ok);
        assert_eq!(null, Some(None));
    }
}
