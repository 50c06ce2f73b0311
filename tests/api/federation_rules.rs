//! Signing in with an outside provider, continued: whose addresses count as verified
//! (`email_verified`, Entra's `xms_edov`, GitHub's primary verified address), registration's
//! rules, "Confirm it's you" through the provider, and providers that cannot be reached, are
//! slow, answer too much or redirect elsewhere.

use serde_json::Value;

use crate::backend_tests;
use crate::helpers::provider_trips::{
    app_with, callback, provider_answers, to_provider_and_back, trip,
};
use crate::helpers::stub_provider::{
    Behaviour, DiscoveryRedirect, Endpoint, IssParam, Microsoft, StubProvider,
};
use crate::helpers::{csrf_of, header, send, Backend, Browser, Requests as _, TestApp};

backend_tests!(
    only_addresses_the_provider_vouches_for_count_as_verified,
    registration_rules_and_a_missing_address_hold,
    confirm_it_is_you_needs_a_sign_in_at_the_provider_just_now,
    unreachable_slow_oversized_and_redirecting_providers_fail_cleanly,
    github_signs_in_by_its_numeric_id_and_primary_verified_address,
);

const ID: &str = "corp";

/// Signs up through the provider with `username`; the browser is signed in when the
/// account may be.
async fn sign_up(app: &TestApp, browser: &Browser, username: &str) -> reqwest::Response {
    let r = trip(app, browser).await;
    if header(&r, "location") != format!("/login/{ID}/complete") {
        let (_, html) = browser.page("/login").await;
        let flash = html.split("class=\"flash").nth(1).unwrap_or_default();
        panic!(
            "refused: {}",
            flash.split("</p>").next().unwrap_or_default()
        );
    }
    browser
        .fill_in(
            &format!("/login/{ID}/complete"),
            &format!("/login/{ID}/complete"),
            &[("username", username)],
        )
        .await
}

async fn me(browser: &Browser) -> Value {
    send(browser.get("/api/users/me"))
        .await
        .json()
        .await
        .unwrap()
}

async fn only_addresses_the_provider_vouches_for_count_as_verified(backend: Backend) {
    // `email_verified: false`: the account's address is not verified; part two's link is sent.
    let stub = StubProvider::start().await;
    stub.set(Behaviour {
        email_verified: Some(false),
        ..Behaviour::default()
    });
    let app = app_with(backend, &stub, "oidc", &[]).await;
    let browser = app.new_browser();

    assert_eq!(sign_up(&app, &browser, "ada").await.status(), 303);
    assert_eq!(me(&browser).await["email_verified"], false);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM email_tokens WHERE purpose = 'verify'"),
        1
    );
    // `…_EMAIL_VERIFIED=never`: even `true` counts for nothing.
    let stub = StubProvider::start().await;
    let app = app_with(
        backend,
        &stub,
        "oidc",
        &[("LOGIN_PROVIDER_CORP_EMAIL_VERIFIED", "never")],
    )
    .await;
    let browser = app.new_browser();
    assert_eq!(sign_up(&app, &browser, "ada").await.status(), 303);
    assert_eq!(me(&browser).await["email_verified"], false);
    // Microsoft: `email_verified: true` is not believed without `xms_edov: true` (nOAuth).
    for (edov, verified) in [(None, false), (Some(false), false), (Some(true), true)] {
        let stub = StubProvider::start().await;
        stub.set(Behaviour {
            microsoft: Some(Microsoft {
                tid: "9188040d-6c67-4c5b-b112-36a304b66dad".into(),
                xms_edov: edov,
            }),
            // Microsoft declares no `iss` parameter and sends none.
            iss_parameter_supported: false,
            iss_param: IssParam::Absent,
            ..Behaviour::default()
        });
        let issuer = stub.microsoft_issuer("common");
        let app = app_with(
            backend,
            &stub,
            "microsoft",
            &[("LOGIN_PROVIDER_CORP_ISSUER", &issuer)],
        )
        .await;
        let browser = app.new_browser();
        assert_eq!(
            sign_up(&app, &browser, "ada").await.status(),
            303,
            "{edov:?}"
        );
        assert_eq!(me(&browser).await["email_verified"], verified, "{edov:?}");
    }
}

async fn registration_rules_and_a_missing_address_hold(backend: Backend) {
    let stub = StubProvider::start().await;
    let app = app_with(backend, &stub, "oidc", &[("REGISTRATION", "closed")]).await;
    let browser = app.new_browser();
    let r = trip(&app, &browser).await;
    assert_eq!(header(&r, "location"), "/login");
    let (_, html) = browser.page("/login").await;
    assert!(html.contains("does not take new accounts"), "{html}");
    assert_eq!(app.count_rows("users"), 0);
    // Outside the domain list: the same.
    let app = app_with(
        backend,
        &stub,
        "oidc",
        &[("REGISTRATION_EMAIL_DOMAINS", "corp.example")],
    )
    .await;
    let r = trip(&app, &app.new_browser()).await;
    assert_eq!(header(&r, "location"), "/login");
    // No address anywhere (id_token nor userinfo): no account.
    stub.set(Behaviour {
        email: None,
        ..Behaviour::default()
    });
    let app = app_with(backend, &stub, "oidc", &[]).await;
    let browser = app.new_browser();
    let r = trip(&app, &browser).await;
    assert_eq!(header(&r, "location"), "/login");
    let (_, html) = browser.page("/login").await;
    assert!(html.contains("did not share an e-mail address"), "{html}");
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM security_events WHERE kind = 'provider_sign_in_failed' \
             AND detail LIKE '%no_email%'"
        ),
        1
    );
    // An address only in userinfo is used.
    stub.set(Behaviour {
        email_in_id_token: false,
        ..Behaviour::default()
    });
    let r = trip(&app, &app.new_browser()).await;
    assert_eq!(header(&r, "location"), format!("/login/{ID}/complete"));
    // A taken username is a 422; the page keeps the address.
    let browser = app.new_browser();
    let r = trip(&app, &browser).await;
    assert_eq!(header(&r, "location"), format!("/login/{ID}/complete"));
    app.user("ada").await;
    let r = browser
        .fill_in(
            &format!("/login/{ID}/complete"),
            &format!("/login/{ID}/complete"),
            &[("username", "ada")],
        )
        .await;
    assert_eq!(r.status(), 422);
}

async fn confirm_it_is_you_needs_a_sign_in_at_the_provider_just_now(backend: Backend) {
    let stub = StubProvider::start().await;
    let app = app_with(backend, &stub, "oidc", &[("REAUTH_MINUTES", "1")]).await;
    let browser = app.new_browser();
    assert_eq!(sign_up(&app, &browser, "ada").await.status(), 303);
    // The sign-in is made old; the account page's sensitive form asks to confirm.
    app.sql("UPDATE sessions SET auth_time = '2020-01-01 00:00:00'");
    let r = send(browser.post("/reauthenticate")).await;
    assert!(r.status().is_client_error());
    let (_, html) = browser.page("/account").await;
    let csrf = csrf_of(&html);
    // The provider says it signed the user in long ago: not confirmed.
    stub.set(Behaviour {
        auth_time_ago: Some(3600),
        ..Behaviour::default()
    });
    let r = browser
        .form(
            &format!("/reauthenticate/{ID}"),
            &[("csrf_token", &csrf), ("return_to", "/account")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let to = header(&r, "location");
    let back = provider_answers(&to).await;
    let authorize = stub.requests_to("/authorize").pop().unwrap();
    assert_eq!(authorize.query("prompt"), Some("login"));
    assert_eq!(authorize.query("max_age"), Some("0"));
    let r = callback(&app, &browser, &back).await;
    assert_eq!(header(&r, "location"), "/account");
    let (_, html) = browser.page("/account").await;
    assert!(html.contains("did not confirm it was you"), "{html}");
    // Just now: confirmed, the session's sign-in is recent again.
    stub.set(Behaviour::default());
    let r = browser
        .form(
            &format!("/reauthenticate/{ID}"),
            &[("csrf_token", &csrf), ("return_to", "/account")],
        )
        .await;
    let back = provider_answers(&header(&r, "location")).await;
    let r = callback(&app, &browser, &back).await;
    assert_eq!(header(&r, "location"), "/account");
    let recent = app.scalar(
        "SELECT COUNT(*) FROM sessions WHERE auth_time > '2021-01-01 00:00:00' AND amr = 'fed'",
    );
    assert_eq!(recent, 1);
    // Another identity of the same provider cannot confirm for this account.
    stub.set(Behaviour {
        sub: "someone-else".into(),
        ..Behaviour::default()
    });
    let r = browser
        .form(
            &format!("/reauthenticate/{ID}"),
            &[("csrf_token", &csrf), ("return_to", "/account")],
        )
        .await;
    let back = provider_answers(&header(&r, "location")).await;
    callback(&app, &browser, &back).await;
    let (_, html) = browser.page("/account").await;
    assert!(html.contains("did not confirm it was you"), "{html}");
}

async fn unreachable_slow_oversized_and_redirecting_providers_fail_cleanly(backend: Backend) {
    let unreachable = "Corp could not be reached; try again later.";
    // Nothing listens at the issuer: start-up goes on; the button says so.
    let stub = StubProvider::start().await;
    let app = app_with(
        backend,
        &stub,
        "oidc",
        &[("LOGIN_PROVIDER_CORP_ISSUER", "http://127.0.0.1:9")],
    )
    .await;
    let browser = app.new_browser();
    let r = send(browser.get(&format!("/login/{ID}"))).await;
    assert_eq!(header(&r, "location"), "/login");
    let (_, html) = browser.page("/login").await;
    assert!(html.contains(unreachable), "{html}");
    // A token endpoint that fails (5xx) or answers too late: unreachable; too much: failed.
    let stub = StubProvider::start().await;
    let app = app_with(backend, &stub, "oidc", &[("OUTBOUND_TIMEOUT_SECONDS", "2")]).await;
    for (behaviour, sentence) in [
        (
            Behaviour {
                fail: Some((Endpoint::Token, 503)),
                ..Behaviour::default()
            },
            unreachable,
        ),
        (
            Behaviour {
                slow: Some((Endpoint::Token, std::time::Duration::from_secs(4))),
                ..Behaviour::default()
            },
            unreachable,
        ),
        (
            Behaviour {
                oversize: Some(Endpoint::Token),
                ..Behaviour::default()
            },
            "Signing in with Corp failed.",
        ),
    ] {
        stub.set(behaviour);
        let browser = app.new_browser();
        let started = std::time::Instant::now();
        let r = trip(&app, &browser).await;
        assert!(started.elapsed().as_secs() < 8, "no hang");
        assert_eq!(header(&r, "location"), "/login");
        let (_, html) = browser.page("/login").await;
        assert!(html.contains(sentence), "{sentence}: {html}");
    }
    // Discovery that redirects to another host, or through four hops: never followed there.
    for redirect in [DiscoveryRedirect::OtherHost, DiscoveryRedirect::Hops(4)] {
        let stub = StubProvider::start().await;
        stub.set(Behaviour {
            discovery_redirect: redirect,
            ..Behaviour::default()
        });
        let app = app_with(backend, &stub, "oidc", &[]).await;
        let r = send(app.new_browser().get(&format!("/login/{ID}"))).await;
        assert_eq!(header(&r, "location"), "/login", "{redirect:?}");
        assert_eq!(app.count_rows("federation_flows"), 0);
    }
    // A discovery document naming another issuer (mix-up): refused.
    let stub = StubProvider::start().await;
    stub.set(Behaviour {
        discovery_issuer: Some("https://evil.example".into()),
        ..Behaviour::default()
    });
    let app = app_with(backend, &stub, "oidc", &[]).await;
    let r = send(app.new_browser().get(&format!("/login/{ID}"))).await;
    assert_eq!(header(&r, "location"), "/login");
}

async fn github_signs_in_by_its_numeric_id_and_primary_verified_address(backend: Backend) {
    let stub = StubProvider::start_github().await;
    let app = app_with(backend, &stub, "github", &[]).await;
    let browser = app.new_browser();
    let back = to_provider_and_back(&app, &browser, &format!("/login/{ID}")).await;
    let r = callback(&app, &browser, &back).await;
    assert_eq!(header(&r, "location"), format!("/login/{ID}/complete"));
    let token = stub
        .requests_to("/login/oauth/access_token")
        .pop()
        .expect("the token request");
    assert_eq!(token.header("accept"), Some("application/json"));
    let (_, html) = browser.page(&format!("/login/{ID}/complete")).await;
    assert!(html.contains(r#"value="octo-ada""#), "{html}");
    let r = browser
        .fill_in(
            &format!("/login/{ID}/complete"),
            &format!("/login/{ID}/complete"),
            &[("username", "octo-ada")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(me(&browser).await["email_verified"], true);
    let subject = app.scalar("SELECT COUNT(*) FROM user_identities WHERE subject = '12345'");
    assert_eq!(subject, 1, "the numeric id, never the login");
    // The login renamed: the same account.
    stub.update(|b| b.github_login = "renamed".into());
    let r = trip(&app, &app.new_browser()).await;
    assert_eq!(header(&r, "location"), "/posts");
    // No verified primary address: no account.
    let stub = StubProvider::start_github().await;
    stub.update(|b| {
        for e in &mut b.github_emails {
            e.verified = false;
        }
    });
    let app = app_with(backend, &stub, "github", &[]).await;
    let browser = app.new_browser();
    let r = trip(&app, &browser).await;
    assert_eq!(header(&r, "location"), "/login");
}
