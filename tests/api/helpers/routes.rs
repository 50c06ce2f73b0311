//! One `TestApp` method per route: the request a test means, sent by the right client.

use reqwest::{Body, Method, RequestBuilder, Response};
use serde_json::{json, Value};

use super::app::{TestApp, PASSWORD};
use super::clients::{header, send, Requests as _};

impl TestApp {
    /// Bearer when there is a token, anonymous when not: for routes where auth is optional.
    fn maybe_bearer(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        match token {
            Some(t) => self.bearer.request(method, path, t),
            None => self.anon.request(method, path),
        }
    }

    /// Any route with a JSON body: as the bearer of `token`, or anonymous without one.
    pub async fn json(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> Response {
        send(self.maybe_bearer(method, path, token).json(&body)).await
    }

    // ---- health, pages, anything anonymous ----

    pub async fn get(&self, path: &str) -> Response {
        send(self.anon.get(path)).await
    }

    // ---- /api/auth ----

    pub async fn register(&self, body: Value) -> Response {
        send(self.anon.post("/api/auth/register").json(&body)).await
    }

    /// `POST /api/auth/register` with a body sent as is, under any content type.
    pub async fn register_raw(&self, content_type: &str, body: impl Into<Body>) -> Response {
        let req = self.anon.post("/api/auth/register");
        send(req.header("content-type", content_type).body(body)).await
    }

    pub async fn login(&self, body: Value) -> Response {
        send(self.anon.post("/api/auth/login").json(&body)).await
    }

    pub async fn token_form(&self, form: &[(&str, &str)]) -> Response {
        send(self.anon.post("/api/auth/token").form(form)).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        let body = json!({ "refresh_token": refresh_token });
        send(self.anon.post("/api/auth/refresh").json(&body)).await
    }

    pub async fn logout(&self, access_token: &str) -> Response {
        send(self.bearer.post("/api/auth/logout", access_token)).await
    }

    pub async fn logout_all(&self, access_token: &str) -> Response {
        send(self.bearer.post("/api/auth/logout-all", access_token)).await
    }

    pub async fn sessions(&self, access_token: &str) -> Response {
        send(self.bearer.get("/api/auth/sessions", access_token)).await
    }

    pub async fn delete_session(&self, access_token: &str, id: &str) -> Response {
        let path = format!("/api/auth/sessions/{id}");
        send(self.bearer.request(Method::DELETE, &path, access_token)).await
    }

    // ---- /api/users ----

    pub async fn me(&self, access_token: &str) -> Response {
        send(self.bearer.get("/api/users/me", access_token)).await
    }

    pub async fn change_password(&self, access_token: &str, current: &str, new: &str) -> Response {
        let body = json!({ "current_password": current, "new_password": new });
        let req = self
            .bearer
            .request(Method::PUT, "/api/users/me/password", access_token);
        send(req.json(&body)).await
    }

    /// `PUT /api/users/me/email` with the body as given.
    pub async fn change_email(&self, access_token: &str, body: Value) -> Response {
        let req = self
            .bearer
            .request(Method::PUT, "/api/users/me/email", access_token);
        send(req.json(&body)).await
    }

    /// `DELETE /api/users/me` with the body as given.
    pub async fn delete_me(&self, access_token: &str, body: Value) -> Response {
        let req = self
            .bearer
            .request(Method::DELETE, "/api/users/me", access_token);
        send(req.json(&body)).await
    }

    // ---- second factor and recent authentication ----

    /// `POST /api/auth/mfa` `{mfa_token, code}`.
    pub async fn mfa(&self, mfa_token: &str, code: &str) -> Response {
        let body = json!({ "mfa_token": mfa_token, "code": code });
        send(self.anon.post("/api/auth/mfa").json(&body)).await
    }

    /// `POST /api/auth/reauthenticate` with the body as given.
    pub async fn reauthenticate(&self, access_token: &str, body: Value) -> Response {
        let req = self.bearer.post("/api/auth/reauthenticate", access_token);
        send(req.json(&body)).await
    }

    /// `POST /api/users/me/mfa/totp`: starts an enrolment.
    pub async fn enrol_totp(&self, access_token: &str) -> Response {
        send(self.bearer.post("/api/users/me/mfa/totp", access_token)).await
    }

    /// `POST /api/users/me/mfa/totp/confirm` `{code}`.
    pub async fn confirm_totp(&self, access_token: &str, code: &str) -> Response {
        let req = self
            .bearer
            .post("/api/users/me/mfa/totp/confirm", access_token);
        send(req.json(&json!({ "code": code }))).await
    }

    /// `DELETE /api/users/me/mfa/totp`, confirmed with the test users' password.
    pub async fn disable_totp(&self, access_token: &str) -> Response {
        self.disable_totp_with(access_token, json!({ "password": PASSWORD }))
            .await
    }

    /// `DELETE /api/users/me/mfa/totp` with `body` (`{password}` or `{code}`).
    pub async fn disable_totp_with(&self, access_token: &str, body: Value) -> Response {
        let req = self
            .bearer
            .request(Method::DELETE, "/api/users/me/mfa/totp", access_token);
        send(req.json(&body)).await
    }

    /// `POST /api/users/me/mfa/recovery-codes`.
    pub async fn regenerate_recovery_codes(&self, access_token: &str) -> Response {
        send(
            self.bearer
                .post("/api/users/me/mfa/recovery-codes", access_token),
        )
        .await
    }

    // ---- passkeys ----

    /// `POST /api/auth/passkey/options` with the body as given (`{}` or `{mfa_token}`).
    pub async fn passkey_options(&self, body: Value) -> Response {
        send(self.anon.post("/api/auth/passkey/options").json(&body)).await
    }

    /// `POST /api/auth/passkey` with the body as given (`{assertion}`).
    pub async fn passkey_sign_in(&self, body: Value) -> Response {
        send(self.anon.post("/api/auth/passkey").json(&body)).await
    }

    /// `POST /api/auth/mfa` `{mfa_token, assertion}`: the second step with a passkey.
    pub async fn mfa_passkey(&self, mfa_token: &str, assertion: Value) -> Response {
        let body = json!({ "mfa_token": mfa_token, "assertion": assertion });
        send(self.anon.post("/api/auth/mfa").json(&body)).await
    }

    /// `POST /api/users/me/passkeys/options`: creation options.
    pub async fn passkey_creation_options(&self, access_token: &str) -> Response {
        send(
            self.bearer
                .post("/api/users/me/passkeys/options", access_token),
        )
        .await
    }

    /// `POST /api/users/me/passkeys` with the body as given (`{name, attestation}`).
    pub async fn add_passkey(&self, access_token: &str, body: Value) -> Response {
        let req = self.bearer.post("/api/users/me/passkeys", access_token);
        send(req.json(&body)).await
    }

    /// `POST /api/auth/reauthenticate/options`: options to confirm it is you with a passkey.
    pub async fn reauthentication_options(&self, access_token: &str) -> Response {
        send(
            self.bearer
                .post("/api/auth/reauthenticate/options", access_token),
        )
        .await
    }

    /// `GET /api/users/me/passkeys`.
    pub async fn passkeys(&self, access_token: &str) -> Response {
        send(self.bearer.get("/api/users/me/passkeys", access_token)).await
    }

    /// `DELETE /api/users/me/passkeys/{id}`, confirmed with the test users' password.
    pub async fn remove_passkey(&self, access_token: &str, id: i64) -> Response {
        let body = json!({ "password": PASSWORD });
        self.remove_passkey_with(access_token, id, body).await
    }

    /// `DELETE /api/users/me/passkeys/{id}` with `body` (`{password}` or `{code}`).
    pub async fn remove_passkey_with(&self, access_token: &str, id: i64, body: Value) -> Response {
        let path = format!("/api/users/me/passkeys/{id}");
        let req = self.bearer.request(Method::DELETE, &path, access_token);
        send(req.json(&body)).await
    }

    // ---- /api/posts ----

    pub async fn list_posts(&self, token: Option<&str>, query: &str) -> Response {
        let path = format!("/api/posts{query}");
        send(self.maybe_bearer(Method::GET, &path, token)).await
    }

    pub async fn create_post(&self, token: &str, body: Value) -> Response {
        send(self.bearer.post("/api/posts", token).json(&body)).await
    }

    /// `POST /api/posts` with a body sent as is, under any content type.
    pub async fn create_post_raw(&self, token: &str, content_type: &str, body: &str) -> Response {
        let req = self.bearer.post("/api/posts", token);
        send(
            req.header("content-type", content_type)
                .body(body.to_string()),
        )
        .await
    }

    pub async fn get_post(&self, token: Option<&str>, id: i64) -> Response {
        let path = format!("/api/posts/{id}");
        send(self.maybe_bearer(Method::GET, &path, token)).await
    }

    pub async fn patch_post(&self, token: &str, id: i64, body: Value) -> Response {
        let path = format!("/api/posts/{id}");
        send(self.bearer.request(Method::PATCH, &path, token).json(&body)).await
    }

    pub async fn delete_post(&self, token: &str, id: i64) -> Response {
        let path = format!("/api/posts/{id}");
        send(self.bearer.request(Method::DELETE, &path, token)).await
    }

    pub async fn my_events(&self, access_token: &str, query: &str) -> Response {
        let path = format!("/api/users/me/events{query}");
        send(self.bearer.get(&path, access_token)).await
    }

    // ---- /api/admin ----

    /// `GET /api/admin/users{query}` (`query` empty or starting with `?`).
    pub async fn admin_users(&self, token: &str, query: &str) -> Response {
        let path = format!("/api/admin/users{query}");
        send(self.bearer.get(&path, token)).await
    }

    pub async fn admin_user(&self, token: &str, id: i64) -> Response {
        let path = format!("/api/admin/users/{id}");
        send(self.bearer.get(&path, token)).await
    }

    pub async fn admin_disable(&self, token: &str, id: i64) -> Response {
        let path = format!("/api/admin/users/{id}/disable");
        send(self.bearer.post(&path, token)).await
    }

    pub async fn admin_enable(&self, token: &str, id: i64) -> Response {
        let path = format!("/api/admin/users/{id}/enable");
        send(self.bearer.post(&path, token)).await
    }

    pub async fn admin_logout_all(&self, token: &str, id: i64) -> Response {
        let path = format!("/api/admin/users/{id}/logout-all");
        send(self.bearer.post(&path, token)).await
    }

    pub async fn admin_password_reset(&self, token: &str, id: i64) -> Response {
        let path = format!("/api/admin/users/{id}/password-reset");
        send(self.bearer.post(&path, token)).await
    }

    /// `PUT /api/admin/users/{id}/role` with the body as given.
    pub async fn admin_set_role(&self, token: &str, id: i64, body: Value) -> Response {
        let path = format!("/api/admin/users/{id}/role");
        send(self.bearer.request(Method::PUT, &path, token).json(&body)).await
    }

    pub async fn admin_delete_user(&self, token: &str, id: i64) -> Response {
        let path = format!("/api/admin/users/{id}");
        send(self.bearer.request(Method::DELETE, &path, token)).await
    }

    /// `GET /api/admin/events{query}` (`query` empty or starting with `?`).
    pub async fn admin_events(&self, token: &str, query: &str) -> Response {
        let path = format!("/api/admin/events{query}");
        send(self.bearer.get(&path, token)).await
    }

    // ---- /api/token, /.well-known ----

    pub async fn inspect_token(&self, body: Value) -> Response {
        send(self.anon.post("/api/token/inspect").json(&body)).await
    }

    pub async fn encode_token(&self, body: Value) -> Response {
        send(self.anon.post("/api/token/encode").json(&body)).await
    }

    /// `POST /api/token/inspect`, checked to be a 200 that is never cached; the inspection.
    pub async fn inspect_ok(&self, body: Value) -> Value {
        let r = self.inspect_token(body).await;
        assert_eq!(r.status(), 200);
        assert_eq!(header(&r, "cache-control"), "no-store");
        r.json().await.expect("inspection JSON")
    }

    /// `GET /.well-known/jwks.json`, checked to be a 200 that caches; the body.
    pub async fn jwks(&self) -> Value {
        let r = self.get("/.well-known/jwks.json").await;
        assert_eq!(r.status(), 200);
        assert!(header(&r, "cache-control").contains("max-age"));
        r.json().await.expect("JWKS JSON")
    }

    /// `POST /api/token/inspect` of `token`, checked to be a 200 that is never cached; the report.
    pub async fn inspection(&self, token: &str) -> Value {
        let r = self.inspect_token(json!({ "token": token })).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["cache-control"], "no-store");
        r.json().await.unwrap()
    }
}
