//! The OpenAPI 3.1 document, generated from the handlers' annotations, and the shapes of
//! request bodies and errors as the document shows them.

use utoipa::openapi::security::{
    Flow, HttpAuthScheme, HttpBuilder, OAuth2, Password, Scopes, SecurityScheme,
};
use utoipa::{Modify, OpenApi, ToSchema};

use super::{auth, health, keys, posts, token, users};

/// Every JSON route of the contract: (method, path). The route-table test checks that each
/// is served and documented, so a route cannot be added to one without the other.
pub const API_ROUTES: &[(&str, &str)] = &[
    ("post", "/api/auth/register"),
    ("post", "/api/auth/login"),
    ("post", "/api/auth/token"),
    ("post", "/api/auth/refresh"),
    ("post", "/api/auth/logout"),
    ("post", "/api/auth/logout-all"),
    ("get", "/api/auth/sessions"),
    ("delete", "/api/auth/sessions/{id}"),
    ("get", "/api/auth/csrf"),
    ("get", "/api/users/me"),
    ("put", "/api/users/me/password"),
    ("get", "/api/posts"),
    ("post", "/api/posts"),
    ("get", "/api/posts/{id}"),
    ("patch", "/api/posts/{id}"),
    ("delete", "/api/posts/{id}"),
    ("post", "/api/token/inspect"),
    ("get", "/api/openapi.json"),
    ("get", "/.well-known/jwks.json"),
    ("get", "/healthz"),
    ("get", "/readyz"),
];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sigil",
        description = "Users and posts behind JWT authentication (bearer header or cookie), \
                       with a token inspector. Errors are RFC 9457 problem details; the token \
                       endpoint answers RFC 6749 §5.2.\n\nClick **Authorize**, enter a username \
                       and password in the OAuth2 password flow, and every call below carries \
                       the token."
    ),
    paths(
        auth::register,
        auth::login,
        auth::token,
        auth::refresh,
        auth::logout,
        auth::logout_all,
        auth::list_sessions,
        auth::delete_session,
        auth::csrf_token,
        users::me,
        users::change_password,
        posts::list,
        posts::create,
        posts::show,
        posts::update,
        posts::delete,
        token::inspect,
        document,
        keys::jwks,
        health::healthz,
        health::readyz,
    ),
    components(schemas(Problem, ValidationProblem, OAuthErrorBody)),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Registration, logins, tokens, sessions"),
        (name = "users", description = "The signed-in user"),
        (name = "posts", description = "Posts: public, or private to their author"),
        (name = "tokens", description = "Token inspection and public keys"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "oauth2",
            SecurityScheme::OAuth2(OAuth2::with_description(
                [Flow::Password(Password::new(
                    "/api/auth/token",
                    Scopes::new(),
                ))],
                "OAuth2 password flow at the token endpoint (first-party clients).",
            )),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// An RFC 9457 problem.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes a shape for the document only.
pub struct Problem {
    #[schema(rename = "type", example = "about:blank")]
    kind: String,
    #[schema(example = "Not Found")]
    title: String,
    #[schema(example = 404)]
    status: u16,
    detail: String,
}

/// A 422 problem, with the messages of each invalid field.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ValidationProblem {
    #[schema(rename = "type", example = "about:blank")]
    kind: String,
    #[schema(example = "Unprocessable Entity")]
    title: String,
    #[schema(example = 422)]
    status: u16,
    detail: String,
    #[schema(example = json!({"title": ["Title must not be blank."]}))]
    errors: std::collections::BTreeMap<String, Vec<String>>,
}

/// An RFC 6749 §5.2 error of the token endpoint.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct OAuthErrorBody {
    #[schema(example = "invalid_grant")]
    error: String,
    error_description: String,
}

/// `POST /api/auth/register`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RegisterRequest {
    #[schema(example = "alice@example.com")]
    email: String,
    /// 3–32 of `[A-Za-z0-9_.-]`.
    #[schema(
        example = "alice",
        min_length = 3,
        max_length = 32,
        pattern = r"^[A-Za-z0-9_.-]+$"
    )]
    username: String,
    /// 8–72 bytes.
    #[schema(example = "correct horse battery", min_length = 8)]
    password: String,
}

/// `POST /api/auth/login`: `username` (or `email`) and `password`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LoginRequest {
    /// A username, or an email address.
    #[schema(example = "alice")]
    username: Option<String>,
    email: Option<String>,
    #[schema(example = "correct horse battery")]
    password: String,
}

/// `POST /api/auth/token` (form-encoded or multipart).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TokenRequest {
    /// `password` or `refresh_token`.
    #[schema(example = "password")]
    grant_type: String,
    username: Option<String>,
    password: Option<String>,
    refresh_token: Option<String>,
    /// Accepted and ignored.
    scope: Option<String>,
    /// Accepted and ignored.
    client_id: Option<String>,
}

/// `POST /api/auth/refresh`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RefreshRequest {
    refresh_token: String,
}

/// `PUT /api/users/me/password`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PasswordChange {
    current_password: String,
    /// 8–72 bytes.
    #[schema(min_length = 8)]
    new_password: String,
}

/// `POST /api/posts`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct NewPost {
    #[schema(min_length = 1, max_length = 200, example = "Hello")]
    title: String,
    #[schema(min_length = 1, max_length = 20000, example = "First post")]
    body: String,
    /// Defaults to `public`.
    visibility: Option<crate::domain::Visibility>,
}

/// `PATCH /api/posts/{id}`: any subset of the fields.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PostPatch {
    #[schema(min_length = 1, max_length = 200)]
    title: Option<String>,
    #[schema(min_length = 1, max_length = 20000)]
    body: Option<String>,
    visibility: Option<crate::domain::Visibility>,
}

/// `POST /api/token/inspect`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct InspectRequest {
    #[schema(min_length = 1)]
    token: String,
}

/// `GET /api/openapi.json`.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "health",
    responses((status = 200, description = "This OpenAPI 3.1 document", body = Object))
)]
pub async fn document() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-cache"))
        .json(ApiDoc::openapi())
}
