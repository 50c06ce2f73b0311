//! The OpenAPI 3.1 document, generated from the handlers' annotations and the request and
//! response types they name: no shape is written here a second time.

use utoipa::openapi::security::{
    Flow, HttpAuthScheme, HttpBuilder, OAuth2, Password, Scopes, SecurityScheme,
};
use utoipa::{Modify, OpenApi};

use super::{
    admin, apps, auth, clients, device, discovery, email, events, health, identities, invitations,
    keys, mfa, oauth, passkeys, pats, posts, sessions, token, userinfo, users,
};
use crate::auth::scopes::Scope;
use crate::error::{FieldErrors, OAuthBody, Problem};

/// Every JSON route of the contract: (method, path). The route-table test checks that each
/// is served and documented, so a route cannot be added to one without the other.
pub const API_ROUTES: &[(&str, &str)] = &[
    ("post", "/api/auth/register"),
    ("post", "/api/auth/login"),
    ("post", "/api/auth/token"),
    ("post", "/api/auth/device"),
    ("post", "/api/auth/refresh"),
    ("post", "/api/auth/logout"),
    ("post", "/api/auth/logout-all"),
    ("get", "/api/auth/sessions"),
    ("delete", "/api/auth/sessions/{id}"),
    ("get", "/api/auth/csrf"),
    ("post", "/api/auth/password/forgot"),
    ("post", "/api/auth/password/reset"),
    ("post", "/api/auth/email/verify"),
    ("post", "/api/auth/email/resend"),
    ("put", "/api/users/me/email"),
    ("get", "/api/users/me"),
    ("patch", "/api/users/me"),
    ("delete", "/api/users/me"),
    ("post", "/api/auth/mfa"),
    ("post", "/api/auth/reauthenticate"),
    ("post", "/api/auth/reauthenticate/options"),
    ("post", "/api/auth/passkey/options"),
    ("post", "/api/auth/passkey"),
    ("post", "/api/users/me/passkeys/options"),
    ("get", "/api/users/me/passkeys"),
    ("get", "/api/users/me/identities"),
    ("delete", "/api/users/me/identities/{id}"),
    ("post", "/api/users/me/passkeys"),
    ("delete", "/api/users/me/passkeys/{id}"),
    ("post", "/api/users/me/mfa/totp"),
    ("delete", "/api/users/me/mfa/totp"),
    ("post", "/api/users/me/mfa/totp/confirm"),
    ("post", "/api/users/me/mfa/recovery-codes"),
    ("get", "/api/users/me/events"),
    ("put", "/api/users/me/password"),
    ("get", "/api/posts"),
    ("post", "/api/posts"),
    ("get", "/api/posts/{id}"),
    ("patch", "/api/posts/{id}"),
    ("delete", "/api/posts/{id}"),
    ("post", "/api/token/inspect"),
    ("post", "/api/token/encode"),
    ("get", "/api/admin/users"),
    ("get", "/api/admin/users/{id}"),
    ("delete", "/api/admin/users/{id}"),
    ("post", "/api/admin/users/{id}/disable"),
    ("post", "/api/admin/users/{id}/enable"),
    ("post", "/api/admin/users/{id}/logout-all"),
    ("post", "/api/admin/users/{id}/password-reset"),
    ("delete", "/api/admin/users/{id}/sign-in-failures"),
    ("put", "/api/admin/users/{id}/role"),
    ("get", "/api/users/me/tokens"),
    ("post", "/api/users/me/tokens"),
    ("delete", "/api/users/me/tokens/{id}"),
    ("get", "/api/users/me/apps"),
    ("delete", "/api/users/me/apps/{client_id}"),
    ("delete", "/api/admin/users/{id}/tokens"),
    ("delete", "/api/admin/users/{id}/tokens/{token_id}"),
    ("get", "/api/admin/events"),
    ("get", "/api/admin/invitations"),
    ("post", "/api/admin/invitations"),
    ("delete", "/api/admin/invitations/{id}"),
    ("get", "/api/admin/clients"),
    ("post", "/api/admin/clients"),
    ("get", "/api/admin/clients/{client_id}"),
    ("patch", "/api/admin/clients/{client_id}"),
    ("delete", "/api/admin/clients/{client_id}"),
    ("post", "/api/admin/clients/{client_id}/secret"),
    ("get", "/api/openapi.json"),
    ("get", "/.well-known/jwks.json"),
    ("get", "/.well-known/oauth-authorization-server"),
    ("get", "/.well-known/openid-configuration"),
    ("get", "/oauth/userinfo"),
    ("post", "/api/auth/revoke"),
    ("post", "/api/auth/introspect"),
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
        device::start,
        auth::refresh,
        sessions::logout,
        sessions::logout_all,
        sessions::list_sessions,
        sessions::delete_session,
        sessions::csrf_token,
        email::forgot,
        email::reset,
        email::verify,
        email::resend,
        email::change,
        users::me,
        users::update_me,
        pats::list,
        pats::create,
        pats::revoke,
        pats::admin_revoke_all,
        pats::admin_revoke_one,
        apps::list,
        apps::revoke,
        users::change_password,
        mfa::complete,
        mfa::reauthenticate,
        mfa::enrol,
        mfa::confirm,
        mfa::disable,
        mfa::regenerate,
        mfa::delete_me,
        passkeys::request_options,
        passkeys::sign_in,
        passkeys::creation_options,
        passkeys::add,
        passkeys::list,
        passkeys::remove,
        passkeys::reauthentication_options,
        identities::list,
        identities::unlink,
        events::mine,
        posts::list,
        posts::create,
        posts::show,
        posts::update,
        posts::delete,
        token::inspect,
        token::encode,
        admin::list_users,
        admin::show_user,
        admin::disable,
        admin::enable,
        admin::logout_all,
        admin::password_reset,
        admin::clear_sign_in_failures,
        admin::set_role,
        admin::delete_user,
        admin::list_events,
        invitations::create,
        invitations::list,
        invitations::revoke,
        clients::list,
        clients::create,
        clients::show,
        clients::update,
        clients::delete,
        clients::rotate_secret,
        document,
        keys::jwks,
        discovery::authorization_server,
        discovery::openid_configuration,
        userinfo::userinfo,
        oauth::revoke,
        oauth::introspect,
        health::healthz,
        health::readyz,
    ),
    components(schemas(Problem, OAuthBody, FieldErrors)),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Registration, logins, tokens, sessions"),
        (name = "users", description = "The signed-in user"),
        (name = "posts", description = "Posts: public, or private to their author"),
        (name = "admin", description = "Administration: users, their sessions, the audit trail"),
        (name = "tokens", description = "Token inspection and public keys"),
        (name = "oidc", description = "OpenID Connect provider: discovery and userinfo"),
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
                    Scopes::from_iter(
                        Scope::ALL
                            .iter()
                            .map(|s| (s.as_str().to_string(), s.description().to_string())),
                    ),
                ))],
                "OAuth2 password flow at the token endpoint (first-party clients: their \
                 tokens hold no scope and reach every route). The scopes are those of \
                 personal access tokens (POST /api/users/me/tokens): each operation names the \
                 one it needs; an operation that names none takes first-party credentials \
                 only, and a scoped token there gets 403 /problems/session-required.",
            )),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT, or a personal access token (sigil_pat_…)")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "introspection",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Basic)
                    .description(Some(
                        "A client of INTROSPECTION_CLIENTS (name:secret) by HTTP Basic.",
                    ))
                    .build(),
            ),
        );
    }
}

/// This OpenAPI document.
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
