//! Signing in with an outside provider (API.md part three, section 2), against the stub
//! provider of tests/api/helpers/stub_provider.rs, which can stage every attack: each
//! attacker's path of the contract is a test here, with what it got.

use reqwest::{Method, Response};
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::provider_trips::{
    app_with, callback, provider_answers, to_provider_and_back, trip, PROVIDER_ID,
};
use crate::helpers::stub_provider::{Alg, Behaviour, Claim, IssParam, StubProvider};
use crate::helpers::tokens::segment;
use crate::helpers::{
    csrf_of, header, mfa_user, send, Backend, Browser, Requests as _, TestApp, PASSWORD,
};

backend_tests!(
    a_new_identity_makes_an_account_with_pkce_and_then_signs_it_in,
    a_state_tampered_replayed_mixed_up_or_from_another_browser_is_refused,
    every_id_token_check_refuses_its_forgery,
    an_address_with_an_account_is_linked_only_after_a_full_sign_in_to_it,
    disabled_accounts_second_factors_and_identities_of_another_account,
    the_last_way_in_cannot_be_unlinked,
);

const ID: &str = PROVIDER_ID;

/// The page a refused trip lands on (`/login`), with its one sentence.
async fn refused_with(browser: &Browser, r: Response, sentence: &str) {
    assert_eq!(r.status(), 303);
    assert_eq!(header(&r, "location"), "/login");
    let (status, html) = browser.page("/login").await;
    assert_eq!(status, 200);
    assert!(html.contains(sentence), "{sentence:?} not in {html}");
}

/// Creates the account of a new identity with `username`; returns the browser's answer.
async fn complete(browser: &Browser, username: &str) -> Response {
    browser
        .fill_in(
            &format!("/login/{ID}/complete"),
            &format!("/login/{ID}/complete"),
            &[("username", username)],
        )
        .await
}

/// The claims of the browser's access token.
fn access_claims(browser: &Browser) -> Value {
    let token = browser
        .cookie("access_token")
        .expect("an access token cookie");
    segment(&token, 1)
}

/// The count of rows of a table, straight from the database.
fn count(app: &TestApp, table: &str) -> i64 {
    app.count_rows(table)
}

/// Links the stub's identity `sub` to `user_id` straight in the database.
fn link_directly(app: &TestApp, stub: &StubProvider, user_id: i64, sub: &str) {
    app.sql(&format!(
        "INSERT INTO user_identities (user_id, provider, issuer, subject, email, linked_at) \
         VALUES ({user_id}, '{ID}', '{}', '{sub}', NULL, '2026-01-01 00:00:00')",
        stub.issuer()
    ));
}

/// A cookie-authenticated API request of `method` with the browser's CSRF token.
async fn api(browser: &Browser, method: Method, path: &str) -> Response {
    let csrf = browser.csrf_token().await;
    send(browser.request(method, path).header("x-csrf-token", csrf)).await
}

async fn a_new_identity_makes_an_account_with_pkce_and_then_signs_it_in(backend: Backend) {
    let stub = StubProvider::start().await;
    let app = app_with(backend, &stub, "oidc", &[]).await;
    // The buttons, on both pages.
    for page in ["/login", "/register"] {
        let (_, html) = app.new_browser().page(page).await;
        assert!(html.contains("Continue with Corp"), "{page}: {html}");
    }
    let browser = app.new_browser();
    let r = trip(&app, &browser).await;
    assert_eq!(r.status(), 303);
    assert_eq!(header(&r, "location"), format!("/login/{ID}/complete"));
    // PKCE S256, nonce and state went out; the verifier came with the code, by Basic auth.
    let authorize = stub
        .requests_to("/authorize")
        .pop()
        .expect("an authorization request");
    assert_eq!(authorize.query("code_challenge_method"), Some("S256"));
    assert!(authorize.query("nonce").is_some_and(|n| n.len() >= 32));
    assert!(authorize.query("state").is_some_and(|s| s.len() >= 32));
    assert_eq!(
        authorize.query("redirect_uri"),
        Some(format!("{}/login/{ID}/callback", app.address).as_str())
    );
    let token = stub.requests_to("/token").pop().expect("a token request");
    assert!(token.form("code_verifier").is_some_and(|v| v.len() >= 43));
    assert!(token
        .header("authorization")
        .is_some_and(|a| a.starts_with("Basic ")));
    // The page prefills the provider's name and shows its address.
    let (status, html) = browser.page(&format!("/login/{ID}/complete")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("ada@example.com") && html.contains(r#"value="ada""#),
        "{html}"
    );
    // A bad name is a 422 with its message.
    let r = complete(&browser, "a!").await;
    assert_eq!(r.status(), 422);
    let r = complete(&browser, "ada").await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    assert_eq!(header(&r, "location"), "/posts");
    let claims = access_claims(&browser);
    assert_eq!(claims["amr"], json!(["fed"]));
    // The account: the provider's verified address, no password.
    let me: Value = send(browser.get("/api/users/me"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["email_verified"], true);
    let ids: Value = send(browser.get("/api/users/me/identities"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids.as_array().unwrap().len(), 1, "{ids}");
    assert_eq!(ids[0]["provider"], ID);
    assert_eq!(ids[0]["provider_name"], "Corp");
    assert_eq!(ids[0]["email"], "ada@example.com");
    // Its password sign-in is refused like a wrong password (it has none).
    let r = app.login(json!({"username": "ada", "password": ""})).await;
    assert!(r.status().is_client_error());
    // Another browser: the linked identity signs straight in.
    let again = app.new_browser();
    let r = trip(&app, &again).await;
    assert_eq!(r.status(), 303);
    assert_eq!(header(&r, "location"), "/posts");
    assert_eq!(access_claims(&again)["amr"], json!(["fed"]));
    assert_eq!(count(&app, "users"), 1);
}

async fn a_state_tampered_replayed_mixed_up_or_from_another_browser_is_refused(backend: Backend) {
    let stub = StubProvider::start().await;
    let app = app_with(backend, &stub, "oidc", &[]).await;
    let took_too_long = "That sign-in took too long or began in another browser; try again.";
    // Tampered: the state the provider sends back is not the one this browser holds.
    let browser = app.new_browser();
    let back = to_provider_and_back(&app, &browser, &format!("/login/{ID}")).await;
    let tampered = back.replace("state=", "state=x");
    let r = callback(&app, &browser, &tampered).await;
    refused_with(&browser, r, took_too_long).await;
    // From another browser: a callback meant for the first (login CSRF) does nothing here.
    let first = app.new_browser();
    let back = to_provider_and_back(&app, &first, &format!("/login/{ID}")).await;
    let other = app.new_browser();
    let r = callback(&app, &other, &back).await;
    refused_with(&other, r, took_too_long).await;
    // Replayed: the first use signs up; the same callback again is refused.
    let r = callback(&app, &first, &back).await;
    assert_eq!(header(&r, "location"), format!("/login/{ID}/complete"));
    let r = callback(&app, &first, &back).await;
    refused_with(&first, r, took_too_long).await;
    // No state at all, and a provider id nobody configured (a 404 page).
    let r = send(first.get(&format!("/login/{ID}/callback?code=x"))).await;
    refused_with(&first, r, took_too_long).await;
    let r = send(first.get("/login/nobody")).await;
    assert_eq!(r.status(), 404);
    let r = send(first.get("/login/nobody/callback?code=x&state=y")).await;
    assert_eq!(r.status(), 404);
    // Every refusal is an event with its reason.
    assert!(
        app.scalar(
            "SELECT COUNT(*) FROM security_events WHERE kind = 'provider_sign_in_failed' \
             AND detail LIKE '%\"state\"%'"
        ) >= 3
    );
    // An expired flow: the same as a used one.
    let late = app.new_browser();
    let back = to_provider_and_back(&app, &late, &format!("/login/{ID}")).await;
    app.sql("UPDATE federation_flows SET expires_at = created_at");
    let r = callback(&app, &late, &back).await;
    refused_with(&late, r, took_too_long).await;
}

/// One forged or broken answer, and the sentence it must get.
struct Forgery {
    what: &'static str,
    behaviour: Behaviour,
}

async fn every_id_token_check_refuses_its_forgery(backend: Backend) {
    let stub = StubProvider::start().await;
    let app = app_with(backend, &stub, "oidc", &[]).await;
    let failed = "Signing in with Corp failed.";
    let honest = Behaviour::default;
    let forgeries = [
        Forgery {
            what: "alg none",
            behaviour: Behaviour {
                alg: Alg::None,
                ..honest()
            },
        },
        Forgery {
            what: "HS256 with the client secret",
            behaviour: Behaviour {
                alg: Alg::Hs256ClientSecret,
                ..honest()
            },
        },
        Forgery {
            what: "an unknown kid",
            behaviour: Behaviour {
                alg: Alg::UnknownKid,
                ..honest()
            },
        },
        Forgery {
            what: "a key the JWKS does not publish",
            behaviour: Behaviour {
                alg: Alg::KeyNotInJwks,
                ..honest()
            },
        },
        Forgery {
            what: "a wrong iss",
            behaviour: Behaviour {
                iss: Some("https://evil.example".into()),
                ..honest()
            },
        },
        Forgery {
            what: "a wrong aud",
            behaviour: Behaviour {
                aud: Some(json!("someone-else")),
                ..honest()
            },
        },
        Forgery {
            what: "another client's azp",
            behaviour: Behaviour {
                aud: Some(json!([stub.client_id(), "someone-else"])),
                azp: Some("someone-else".into()),
                ..honest()
            },
        },
        Forgery {
            what: "an expired id_token",
            behaviour: Behaviour {
                exp_in: -3600,
                iat_in: -7200,
                ..honest()
            },
        },
        Forgery {
            what: "an iat in the future",
            behaviour: Behaviour {
                iat_in: 3600,
                exp_in: 7200,
                ..honest()
            },
        },
        Forgery {
            what: "a wrong nonce",
            behaviour: Behaviour {
                nonce: Claim::Value(json!("not-the-nonce")),
                ..honest()
            },
        },
        Forgery {
            what: "no nonce",
            behaviour: Behaviour {
                nonce: Claim::Absent,
                ..honest()
            },
        },
        Forgery {
            what: "a wrong at_hash",
            behaviour: Behaviour {
                at_hash: Claim::Value(json!("AAAAAAAAAAAAAAAAAAAAAA")),
                ..honest()
            },
        },
        Forgery {
            what: "a wrong iss parameter (mix-up)",
            behaviour: Behaviour {
                iss_param: IssParam::Value("https://evil.example".into()),
                ..honest()
            },
        },
        Forgery {
            what: "no iss parameter where the provider declares it",
            behaviour: Behaviour {
                iss_param: IssParam::Absent,
                ..honest()
            },
        },
        Forgery {
            what: "no id_token",
            behaviour: Behaviour {
                omit_id_token: true,
                ..honest()
            },
        },
    ];
    for forgery in forgeries {
        stub.set(forgery.behaviour);
        let browser = app.new_browser();
        let r = trip(&app, &browser).await;
        assert_eq!(header(&r, "location"), "/login", "{}", forgery.what);
        let (_, html) = browser.page("/login").await;
        assert!(html.contains(failed), "{}: {html}", forgery.what);
    }
    assert_eq!(
        count(&app, "federation_pending"),
        0,
        "nothing was vouched for"
    );
    assert_eq!(count(&app, "users"), 0);
    // The honest algorithms other than RS256 pass.
    for alg in [Alg::Ps256, Alg::Es256, Alg::EdDsa] {
        stub.set(Behaviour { alg, ..honest() });
        let r = trip(&app, &app.new_browser()).await;
        assert_eq!(
            header(&r, "location"),
            format!("/login/{ID}/complete"),
            "{alg:?}"
        );
    }
    // The provider's own words never reach the page: only the log and the event.
    stub.set(Behaviour {
        authorize_error: Some("server_error".into()),
        ..honest()
    });
    let browser = app.new_browser();
    let r = trip(&app, &browser).await;
    refused_with(&browser, r, failed).await;
    stub.set(Behaviour {
        authorize_error: Some("access_denied".into()),
        ..honest()
    });
    let browser = app.new_browser();
    let r = trip(&app, &browser).await;
    refused_with(&browser, r, "You cancelled signing in with Corp.").await;
}

async fn an_address_with_an_account_is_linked_only_after_a_full_sign_in_to_it(backend: Backend) {
    let stub = StubProvider::start().await;
    let app = app_with(backend, &stub, "oidc", &[]).await;
    let ada = app.user("ada").await;
    // The provider vouches for ada@example.com: never linked on its own.
    let browser = app.new_browser();
    let r = trip(&app, &browser).await;
    assert_eq!(header(&r, "location"), format!("/login/{ID}/link"));
    let (status, html) = browser.page(&format!("/login/{ID}/link")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Sign in to link"), "{html}");
    assert_eq!(count(&app, "user_identities"), 0);
    // Linking without signing in is not possible.
    let r = send(browser.post(&format!("/login/{ID}/link"))).await;
    assert!(r.status().is_client_error() || r.status() == 303);
    assert_eq!(count(&app, "user_identities"), 0);
    // After a full sign-in to the account, its owner is asked, and says yes.
    let r = browser.login(&ada.username, PASSWORD).await;
    assert_eq!(r.status(), 303);
    let (status, html) = browser.page(&format!("/login/{ID}/link")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Link Corp account"), "{html}");
    let r = browser
        .fill_in(
            &format!("/login/{ID}/link"),
            &format!("/login/{ID}/link"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(header(&r, "location"), "/account#providers");
    assert_eq!(count(&app, "user_identities"), 1);
    // Once: the pending identity is used up.
    let (_, html) = browser.page(&format!("/login/{ID}/link")).await;
    assert!(!html.contains("Link Corp account"), "{html}");
    // The link is an event and a notice; the identity now signs the account in.
    let r = trip(&app, &app.new_browser()).await;
    assert_eq!(header(&r, "location"), "/posts");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM security_events WHERE kind = 'identity_linked'"),
        1
    );
}

async fn disabled_accounts_second_factors_and_identities_of_another_account(backend: Backend) {
    let stub = StubProvider::start().await;
    let app = app_with(backend, &stub, "oidc", &[]).await;
    // Bob (a password and an authenticator app) has the provider's identity `bob-sub`.
    let mut bob = mfa_user(&app, "bob").await;
    link_directly(&app, &stub, bob.user.id, "bob-sub");
    stub.set(Behaviour {
        sub: "bob-sub".into(),
        email: Some("bob@example.com".into()),
        ..Behaviour::default()
    });
    // Carol links from /account; the provider answers with Bob's identity: refused.
    let carol = app.user("carol").await;
    let carols = app.new_browser();
    assert_eq!(carols.login(&carol.username, PASSWORD).await.status(), 303);
    let (_, html) = carols.page("/account").await;
    assert!(html.contains("Link Corp"), "{html}");
    let r = carols
        .form(
            &format!("/account/identities/{ID}/link"),
            &[("csrf_token", &csrf_of(&html)), ("return_to", "/account")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let back = provider_answers(&header(&r, "location")).await;
    let r = callback(&app, &carols, &back).await;
    assert_eq!(header(&r, "location"), "/account#providers");
    let (_, html) = carols.page("/account").await;
    assert!(
        html.contains("This Corp account is linked to another Sigil account"),
        "{html}"
    );
    assert_eq!(count(&app, "user_identities"), 1);
    // Bob disabled: the identity signs nothing in.
    app.sql("UPDATE users SET disabled = TRUE WHERE username = 'bob'");
    let r = trip(&app, &app.new_browser()).await;
    assert_eq!(header(&r, "location"), "/login");
    app.sql("UPDATE users SET disabled = FALSE WHERE username = 'bob'");
    // The second factor is asked after the provider, and `amr` says both.
    let browser = app.new_browser();
    let r = trip(&app, &browser).await;
    assert_eq!(header(&r, "location"), "/login/mfa");
    assert!(browser.cookie("access_token").is_none());
    let code = bob.app.next_code().await;
    let r = browser
        .fill_in("/login/mfa", "/login/mfa", &[("code", &code)])
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    assert_eq!(access_claims(&browser)["amr"], json!(["fed", "otp"]));
    // The provider alone cannot confirm it's Bob: a second factor is on.
    app.sql("UPDATE sessions SET auth_time = '2020-01-01 00:00:00'");
    let (_, html) = browser.page("/account").await;
    let r = browser
        .form(
            &format!("/reauthenticate/{ID}"),
            &[("csrf_token", &csrf_of(&html)), ("return_to", "/account")],
        )
        .await;
    let back = provider_answers(&header(&r, "location")).await;
    let r = callback(&app, &browser, &back).await;
    assert_eq!(header(&r, "location"), "/account");
    let renewed = app.scalar("SELECT COUNT(*) FROM sessions WHERE auth_time > '2021-01-01'");
    assert_eq!(renewed, 0, "not confirmed by the provider alone");
    let events = app.scalar(
        "SELECT COUNT(*) FROM security_events WHERE kind = 'sign_in' AND detail LIKE '%fed otp%'",
    );
    assert_eq!(events, 1);
}

async fn the_last_way_in_cannot_be_unlinked(backend: Backend) {
    let stub = StubProvider::start().await;
    let app = app_with(backend, &stub, "oidc", &[]).await;
    let browser = app.new_browser();
    trip(&app, &browser).await;
    assert_eq!(complete(&browser, "ada").await.status(), 303);
    let ids: Value = send(browser.get("/api/users/me/identities"))
        .await
        .json()
        .await
        .unwrap();
    let id = ids[0]["id"].as_i64().unwrap();
    let r = api(
        &browser,
        Method::DELETE,
        &format!("/api/users/me/identities/{id}"),
    )
    .await;
    assert_eq!(r.status(), 409);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["type"], "/problems/last-sign-in-method");
    let r = api(&browser, Method::DELETE, "/api/users/me/identities/999999").await;
    assert_eq!(r.status(), 404);
    assert_eq!(count(&app, "user_identities"), 1);
    // No password to give: the address changes on the recent sign-in alone.
    let csrf = browser.csrf_token().await;
    let r = send(
        browser
            .request(Method::PUT, "/api/users/me/email")
            .header("x-csrf-token", csrf)
            .json(&json!({"new_email": "ada.new@example.com"})),
    )
    .await;
    assert!(r.status().is_success(), "{}", r.status());
    // "Set a password" mails the reset link; with a password, the identity may go.
    let (_, html) = browser.page("/account").await;
    assert!(html.contains("Set a password"), "{html}");
    app.user("helper").await;
    app.sql(
        "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = \
         'helper') WHERE username = 'ada'",
    );
    let r = api(
        &browser,
        Method::DELETE,
        &format!("/api/users/me/identities/{id}"),
    )
    .await;
    assert_eq!(r.status(), 204);
    assert_eq!(count(&app, "user_identities"), 0);
}
