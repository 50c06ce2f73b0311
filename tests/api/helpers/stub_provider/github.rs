//! The GitHub shape (OAuth 2.0, no discovery, no id_token), as GitHub Enterprise Server lays it
//! out: `/login/oauth/access_token` (JSON only with `Accept: application/json`, else
//! form-encoded; errors come with status 200, as GitHub sends them), and the API under
//! `/api/v3` with a bearer token (`Bearer x` or `token x`).

use actix_web::HttpResponse;
use serde_json::{json, Value};

use super::serve::{json_answer, Ask};

/// GitHub's answer: JSON when asked for, else `application/x-www-form-urlencoded`.
fn answer(ask: &Ask, body: Value) -> HttpResponse {
    let wants_json = ask
        .req
        .header("accept")
        .is_some_and(|a| a.contains("application/json"));
    if wants_json {
        return json_answer(200, body, ask.oversize);
    }
    let mut pairs: Vec<(String, String)> = body
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().map_or(v.to_string(), str::to_string)))
        .collect();
    if ask.oversize {
        pairs.push(("padding".into(), "x".repeat(300 * 1024)));
    }
    HttpResponse::Ok()
        .content_type("application/x-www-form-urlencoded; charset=utf-8")
        .body(serde_urlencoded::to_string(pairs).unwrap())
}

fn github_error(ask: &Ask, error: &str) -> HttpResponse {
    answer(
        ask,
        json!({
            "error": error,
            "error_description": "The stub provider refused this.",
            "error_uri": "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors",
        }),
    )
}

pub(super) fn access_token(ask: &Ask) -> HttpResponse {
    if ask.req.method != "POST" {
        return HttpResponse::NotFound().finish();
    }
    if ask.authenticate().is_err() {
        return github_error(ask, "incorrect_client_credentials");
    }
    let grant = match ask.redeem() {
        Ok(grant) => grant,
        Err(_) => return github_error(ask, "bad_verification_code"),
    };
    let token = ask.access_token(&grant);
    answer(
        ask,
        json!({
            "access_token": token,
            "token_type": "bearer",
            "scope": grant.scope.replace(' ', ","),
        }),
    )
}

fn requires_authentication() -> HttpResponse {
    HttpResponse::Unauthorized().json(json!({
        "message": "Requires authentication",
        "documentation_url": "https://docs.github.com/rest",
    }))
}

pub(super) fn user(ask: &Ask) -> HttpResponse {
    if ask.bearer().is_none() {
        return requires_authentication();
    }
    let b = ask.behaviour;
    // `email` is the public address, which need not be verified.
    let public = b
        .github_emails
        .iter()
        .find(|e| e.visibility.as_deref() == Some("public"))
        .map(|e| e.email.clone());
    json_answer(
        200,
        json!({
            "id": b.github_id,
            "login": b.github_login,
            "node_id": "MDQ6VXNlcjEyMzQ1",
            "type": "User",
            "name": "Ada Lovelace",
            "email": public,
        }),
        ask.oversize,
    )
}

pub(super) fn emails(ask: &Ask) -> HttpResponse {
    if ask.bearer().is_none() {
        return requires_authentication();
    }
    let list: Vec<Value> = ask
        .behaviour
        .github_emails
        .iter()
        .map(|e| {
            json!({
                "email": e.email,
                "primary": e.primary,
                "verified": e.verified,
                "visibility": e.visibility,
            })
        })
        .collect();
    let mut response = json_answer(200, Value::Array(list), false);
    if ask.oversize {
        let padded = vec![
            json!({ "email": "x".repeat(300 * 1024), "primary": false, "verified": false, "visibility": null }),
        ];
        response = json_answer(200, Value::Array(padded), false);
    }
    response
}
