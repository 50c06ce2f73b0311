//! The attacks of the outside review at 3c73b78, tried again as the attacker tried them: a
//! pending address change that outlived the owner's recovery, online guessing of the current
//! password, second-factor guesses spread over many `mfa_token`s, an IPv6 /64 rotating
//! addresses, a planted session cookie, links fetched by mail scanners, mail floods, and the
//! hardening points (trickled bodies, forged request ids, refresh branches, HEAD, empty keys,
//! cookies behind TLS, tokens printed into pages, passwords in the audit trail).

use std::io::{Read as _, Write as _};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{
    access_of, header, mfa_token, mfa_user, problem, refresh_of, send, Backend, Received,
    Requests as _, SmtpServer, TestApp, PASSWORD,
};

backend_tests!(
    a_pending_address_change_dies_with_every_way_of_recovering,
    a_completed_change_tells_the_old_address_and_kills_its_links,
    current_password_checks_are_counted_and_recorded,
    the_second_factor_cap_holds_on_every_code_whatever_the_tokens,
    removing_a_factor_or_a_passkey_needs_the_password_or_a_code,
    opening_a_verification_link_changes_nothing_until_the_button,
    address_change_mail_is_limited_per_account_and_per_address,
    a_second_use_inside_the_grace_gets_the_same_successor,
);

const WAIT: Duration = Duration::from_secs(10);

/// A server whose mail goes to a test SMTP server.
async fn spawn(b: Backend, extra: &[(&str, &str)]) -> (TestApp, SmtpServer) {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let mut env = vec![("SMTP_URL", url.as_str()), ("MAIL_RETRY_BASE_SECONDS", "1")];
    env.extend_from_slice(extra);
    (TestApp::spawn_with(b, &env).await, smtp)
}

/// The newest message to `address` whose subject holds `subject`, waiting up to ten seconds
/// for the `nth` (1-based) such message.
async fn mail_to(smtp: &SmtpServer, address: &str, subject: &str, nth: usize) -> Received {
    let started = Instant::now();
    loop {
        let found: Vec<Received> = smtp
            .messages()
            .into_iter()
            .filter(|m| {
                m.to == [address] && m.header("Subject").is_some_and(|s| s.contains(subject))
            })
            .collect();
        if found.len() >= nth {
            return found[nth - 1].clone();
        }
        assert!(
            started.elapsed() < WAIT,
            "no message {nth} to {address} about {subject:?}: {:#?}",
            smtp.messages()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn verify(app: &TestApp, token: &str) -> reqwest::Response {
    let body = json!({"token": token});
    app.json(Method::POST, "/api/auth/email/verify", None, body)
        .await
}

/// The attacker, signed in with the stolen password, asks to move the account to their own
/// address: the token of the link that arrives there.
async fn attacker_asks_for_a_change(
    app: &TestApp,
    smtp: &SmtpServer,
    token: &str,
    to: &str,
) -> String {
    let body = json!({"new_email": to, "current_password": PASSWORD});
    let r = app
        .json(Method::PUT, "/api/users/me/email", Some(token), body)
        .await;
    assert_eq!(r.status(), 202, "{}", r.text().await.unwrap_or_default());
    mail_to(smtp, to, "Confirm your new e-mail address", 1)
        .await
        .token("/verify-email")
        .unwrap()
}

/// Finding 1: whatever the owner does of what the notice advises, the attacker's link is dead
/// afterwards, and so is any reset link the attacker had asked for.
async fn a_pending_address_change_dies_with_every_way_of_recovering(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    let root = app.admin("root").await;
    let ways = [
        "password change",
        "logout-all",
        "reset",
        "admin disable",
        "admin logout-all",
    ];
    for (i, way) in ways.into_iter().enumerate() {
        let name = format!("victim{i}");
        let victim = app.user(&name).await;
        let evil = format!("evil{i}@attacker.example");
        let link = attacker_asks_for_a_change(&app, &smtp, &victim.access_token, &evil).await;
        // The attacker also asks for a reset link to the victim's address (it may leak).
        let body = json!({"email": victim.email});
        let r = app
            .json(Method::POST, "/api/auth/password/forgot", None, body)
            .await;
        assert_eq!(r.status(), 202);
        let reset = mail_to(&smtp, &victim.email, "Reset your Sigil password", 1)
            .await
            .token("/reset-password")
            .unwrap();
        match way {
            "password change" => {
                let r = app
                    .change_password(&victim.access_token, PASSWORD, "a new passphrase")
                    .await;
                assert_eq!(r.status(), 200, "{way}");
            }
            "logout-all" => {
                assert_eq!(app.logout_all(&victim.access_token).await.status(), 204);
            }
            "reset" => {
                // The owner resets with a link of their own, asked after the attacker's.
                let body = json!({"email": victim.email});
                app.json(Method::POST, "/api/auth/password/forgot", None, body)
                    .await;
                let own = mail_to(&smtp, &victim.email, "Reset your Sigil password", 2)
                    .await
                    .token("/reset-password")
                    .unwrap();
                let body = json!({"token": own, "new_password": "a new passphrase"});
                let r = app
                    .json(Method::POST, "/api/auth/password/reset", None, body)
                    .await;
                assert_eq!(r.status(), 204, "{way}");
            }
            "admin disable" => {
                let r = app.admin_disable(&root.access_token, victim.id).await;
                assert_eq!(r.status(), 200, "{way}");
                let r = app.admin_enable(&root.access_token, victim.id).await;
                assert_eq!(r.status(), 200, "{way}");
            }
            "admin logout-all" => {
                let r = app.admin_logout_all(&root.access_token, victim.id).await;
                assert_eq!(r.status(), 204, "{way}");
            }
            _ => unreachable!(),
        }
        // The attacker's change link completes nothing: the address stays the victim's.
        let body = problem(verify(&app, &link).await, 422).await;
        assert!(body["errors"]["token"].is_array(), "{way}: {body}");
        let r = app
            .json(
                Method::POST,
                "/api/auth/password/reset",
                None,
                json!({"token": reset, "new_password": "the attacker's pick"}),
            )
            .await;
        problem(r, 422).await;
        let seen: Value = app
            .admin_user(&root.access_token, victim.id)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            seen["user"]["email"],
            victim.email.as_str(),
            "{way}: {seen}"
        );
        // A reset to the attacker's address cannot reach the account either.
        let body = json!({"email": evil});
        app.json(Method::POST, "/api/auth/password/forgot", None, body)
            .await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !smtp.messages().iter().any(|m| m.to[0].starts_with("evil")
            && m.header("Subject").is_some_and(|s| s.contains("Reset"))),
        "a reset link went to the attacker"
    );
}

/// A change that the owner did make: the old address is told, with the way back, and the
/// links sent to it (reset, verification) stop working.
async fn a_completed_change_tells_the_old_address_and_kills_its_links(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    let ann = app.user("ann").await;
    let verification = mail_to(&smtp, &ann.email, "Confirm your e-mail address", 1)
        .await
        .token("/verify-email")
        .unwrap();
    let body = json!({"email": ann.email});
    app.json(Method::POST, "/api/auth/password/forgot", None, body)
        .await;
    let reset = mail_to(&smtp, &ann.email, "Reset your Sigil password", 1)
        .await
        .token("/reset-password")
        .unwrap();
    let link = attacker_asks_for_a_change(&app, &smtp, &ann.access_token, "ann@new.example").await;
    let r = verify(&app, &link).await;
    assert_eq!(r.status(), 200);
    let notice = mail_to(&smtp, &ann.email, "e-mail address was changed", 1).await;
    let text = notice.decoded();
    assert!(text.contains("ann@new.example"), "{text}");
    assert!(text.contains("administrator"), "how to get it back: {text}");
    // The links sent to the old address are dead.
    problem(verify(&app, &verification).await, 422).await;
    let body = json!({"token": reset, "new_password": "a new passphrase"});
    let r = app
        .json(Method::POST, "/api/auth/password/reset", None, body)
        .await;
    problem(r, 422).await;
    let (status, _) = app
        .cookie
        .page(&format!("/reset-password?token={reset}"))
        .await;
    assert_eq!(status, 422);
    let pair = app.login_pair("ann@new.example", PASSWORD).await;
    assert_eq!(
        kinds_of(&app, access_of(&pair), "email_changed")
            .await
            .len(),
        1
    );
}

/// The caller's own events of `kind`, newest first.
async fn kinds_of(app: &TestApp, token: &str, kind: &str) -> Vec<Value> {
    let events: Value = app
        .my_events(token, "?limit=100")
        .await
        .json()
        .await
        .unwrap();
    events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .cloned()
        .collect()
}

/// Finding 2: forty wrong guesses of the current password no longer pass unnoticed: the
/// per-address limit answers 429, and each wrong one is an event.
async fn current_password_checks_are_counted_and_recorded(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        &[
            ("LOGIN_RATE_PER_MINUTE", "5"),
            ("TRUSTED_PROXIES", "127.0.0.1/32"),
        ],
    )
    .await;
    let eve = app.user("eve").await;
    let guess = |path: &'static str, method: Method, body: Value, from: &'static str| {
        let req = app
            .bearer
            .request(method, path, &eve.access_token)
            .header("x-forwarded-for", from)
            .json(&body);
        send(req)
    };
    let routes: [(&str, Method, Value); 3] = [
        (
            "/api/users/me/password",
            Method::PUT,
            json!({"current_password": "guess one", "new_password": "a new passphrase"}),
        ),
        (
            "/api/users/me/email",
            Method::PUT,
            json!({"new_email": "x@example.com", "current_password": "guess two"}),
        ),
        (
            "/api/users/me",
            Method::DELETE,
            json!({"current_password": "guess three"}),
        ),
    ];
    for (i, (path, method, body)) in routes.into_iter().enumerate() {
        let from = ["198.51.100.10", "198.51.100.11", "198.51.100.12"][i];
        let mut statuses = Vec::new();
        for _ in 0..6 {
            let r = guess(path, method.clone(), body.clone(), from).await;
            if r.status() == 429 {
                assert!(header(&r, "retry-after").parse::<u64>().unwrap() >= 1);
            }
            statuses.push(r.status().as_u16());
        }
        assert_eq!(statuses, [403, 403, 403, 403, 403, 429], "{path}");
    }
    // The right password, from an address still within its budget, works: nothing locks.
    let r = send(
        app.bearer
            .request(Method::PUT, "/api/users/me/password", &eve.access_token)
            .header("x-forwarded-for", "198.51.100.13")
            .json(&json!({"current_password": PASSWORD, "new_password": "a new passphrase"})),
    )
    .await;
    assert_eq!(r.status(), 200);
    let pair: Value = r.json().await.unwrap();
    let items = kinds_of(&app, access_of(&pair), "password_check_failed").await;
    assert_eq!(items.len(), 15, "{items:?}");
    let steps: std::collections::BTreeSet<&str> = items
        .iter()
        .map(|e| e["detail"]["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps.into_iter().collect::<Vec<_>>(),
        ["change_email", "change_password", "delete_account"]
    );
    assert!(
        !format!("{items:?}").contains("guess"),
        "a guess was stored"
    );
}

/// Finding 3: twelve `mfa_token`s taken first allowed 60 wrong codes. Now the cap (20 in 15
/// minutes) is checked on every code, and once it is reached every live `mfa_token` of the
/// user is refused, even with the right code.
async fn the_second_factor_cap_holds_on_every_code_whatever_the_tokens(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut rex = mfa_user(&app, "rex").await;
    let mut tokens = Vec::new();
    for _ in 0..12 {
        tokens.push(mfa_token(&app, "rex").await);
    }
    let wrong = rex.app.wrong_code();
    let mut refused = 0;
    let mut limited = 0;
    for token in &tokens {
        for _ in 0..5 {
            let r = app.mfa(token, &wrong).await;
            match r.status().as_u16() {
                401 => refused += 1,
                429 => {
                    assert!(header(&r, "retry-after").parse::<u64>().unwrap() >= 60);
                    limited += 1;
                }
                other => panic!("{other}"),
            }
        }
    }
    assert_eq!((refused, limited), (20, 40));
    // The tokens still live are refused even with the right code.
    let live = &tokens[tokens.len() - 1];
    let r = app.mfa(live, &rex.app.next_code().await).await;
    assert_eq!(r.status(), 429);
    // The token endpoint's grant, and re-authentication, are held to the same cap.
    let r = app
        .token_form(&[
            ("grant_type", "urn:sigil:grant-type:mfa-otp"),
            ("mfa_token", live),
            ("otp", &wrong),
        ])
        .await;
    assert_eq!(r.status(), 429);
    let r = app
        .reauthenticate(
            &rex.user.access_token,
            json!({"password": PASSWORD, "code": wrong}),
        )
        .await;
    assert_eq!(r.status(), 429);
    let root = app.admin("root").await;
    let query = format!("?user={}&kind=second_factor_failed&limit=100", rex.user.id);
    let events: Value = app
        .admin_events(&root.access_token, &query)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events["items"].as_array().unwrap().len(), 20, "{events}");
}

/// Finding 5: removing the authenticator app or a passkey asks for the password or a current
/// code, not only a recent sign-in (a planted or borrowed session has one).
async fn removing_a_factor_or_a_passkey_needs_the_password_or_a_code(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut kim = mfa_user(&app, "kim").await;
    let token = kim.user.access_token.clone();
    let body = problem(app.disable_totp_with(&token, json!({})).await, 422).await;
    assert!(body["errors"]["password"].is_array(), "{body}");
    let wrong = json!({"password": "not the password"});
    let body = problem(app.disable_totp_with(&token, wrong).await, 403).await;
    assert!(body["detail"].as_str().unwrap().contains("password"));
    let both = json!({"password": PASSWORD, "code": "123456"});
    problem(app.disable_totp_with(&token, both).await, 422).await;
    let body = json!({"code": kim.app.wrong_code()});
    let body = problem(app.disable_totp_with(&token, body).await, 422).await;
    assert!(body["errors"]["code"].is_array(), "{body}");
    // Still on after all that.
    mfa_token(&app, "kim").await;
    let body = json!({"code": kim.app.next_code().await});
    assert_eq!(app.disable_totp_with(&token, body).await.status(), 204);
    let pair = app.login_pair("kim", PASSWORD).await;
    assert!(pair["access_token"].is_string());
    // The events tell what was tried.
    let events: Value = app
        .my_events(access_of(&pair), "")
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"password_check_failed"), "{kinds:?}");
    assert!(kinds.contains(&"second_factor_failed"), "{kinds:?}");
    assert!(kinds.contains(&"totp_disabled"), "{kinds:?}");
    // The page: the removal form without the password changes nothing.
    let browser = app.new_browser();
    let mut kim2 = mfa_user(&app, "kim2").await;
    let r = browser.login("kim2", PASSWORD).await;
    assert_eq!(r.status(), 303);
    let code = kim2.app.next_code().await;
    let r = browser
        .fill_in("/login/mfa", "/login/mfa", &[("code", code.as_str())])
        .await;
    assert_eq!(r.status(), 303);
    let r = browser
        .fill_in(
            "/account",
            "/account/mfa/totp/remove",
            &[("return_to", "/account")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Enter your password"));
    let r = browser
        .fill_in(
            "/account",
            "/account/mfa/totp/remove",
            &[("return_to", "/account"), ("totp_password", "wrong one")],
        )
        .await;
    assert_eq!(r.status(), 403);
    let r = browser
        .fill_in(
            "/account",
            "/account/mfa/totp/remove",
            &[("return_to", "/account"), ("totp_password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        app.login_pair("kim2", PASSWORD).await["token_type"],
        "bearer"
    );
}

/// Finding 6: a mail scanner fetching the link completes nothing; the button does.
async fn opening_a_verification_link_changes_nothing_until_the_button(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    let ivy = app.user("ivy").await;
    let link = attacker_asks_for_a_change(&app, &smtp, &ivy.access_token, "ivy@new.example").await;
    let scanner = app.new_browser();
    for _ in 0..3 {
        let (status, html) = scanner.page(&format!("/verify-email?token={link}")).await;
        assert_eq!(status, 200);
        assert!(html.contains("ivy@new.example"), "{html}");
        assert!(html.contains("method=\"post\""), "{html}");
    }
    let me: Value = app.me(&ivy.access_token).await.json().await.unwrap();
    assert_eq!(me["email"], "ivy@example.com");
    // The button, without its CSRF token: refused.
    let r = send(
        scanner
            .post("/verify-email")
            .form(&[("token", link.as_str())]),
    )
    .await;
    assert_eq!(r.status(), 403);
    let r = scanner
        .fill_in(
            &format!("/verify-email?token={link}"),
            "/verify-email",
            &[("token", link.as_str())],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Address confirmed"));
    let pair = app.login_pair("ivy@new.example", PASSWORD).await;
    assert!(pair["access_token"].is_string());
    // Used, and the address is confirmed: the link says so (a mail scanner may have opened
    // it first), and confirms nothing more.
    let (status, html) = scanner.page(&format!("/verify-email?token={link}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("already confirmed"), "{html}");
    assert!(!html.contains("name=\"token\""), "no button to press again");
}

/// Finding 6: change requests mail at most a few times per account and per target address;
/// registration counts against the per-address limit.
async fn address_change_mail_is_limited_per_account_and_per_address(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    let (al, bo) = (app.user("alex").await, app.user("bora").await);
    let change = |token: String, to: String| {
        let body = json!({"new_email": to, "current_password": PASSWORD});
        let req = app
            .bearer
            .request(Method::PUT, "/api/users/me/email", &token);
        send(req.json(&body))
    };
    // One account, many targets: five, then 429 with the wait.
    for i in 0..5 {
        let r = change(al.access_token.clone(), format!("t{i}@example.net")).await;
        assert_eq!(r.status(), 202, "request {i}");
    }
    let r = change(al.access_token.clone(), "t9@example.net".into()).await;
    assert_eq!(r.status(), 429);
    let wait = header(&r, "retry-after").parse::<u64>().unwrap();
    assert!((3000..=3600).contains(&wait), "{wait}");
    // One target, asked for by several accounts: three.
    let victim = "inbox@example.org";
    let carl = app.user("carl").await;
    let dan = app.user("dan").await;
    assert_eq!(
        change(bo.access_token.clone(), victim.into())
            .await
            .status(),
        202
    );
    assert_eq!(
        change(carl.access_token.clone(), victim.into())
            .await
            .status(),
        202
    );
    assert_eq!(
        change(dan.access_token.clone(), victim.into())
            .await
            .status(),
        202
    );
    assert_eq!(
        change(bo.access_token.clone(), victim.into())
            .await
            .status(),
        429
    );
    // Reset links to one account: three an hour, however many addresses ask (the form
    // answers the same every time, so nobody learns anything from it).
    for i in 0..5 {
        let body = json!({"email": bo.email});
        let req = app
            .anon
            .post("/api/auth/password/forgot")
            .header("x-forwarded-for", format!("198.51.100.{}", 20 + i))
            .json(&body);
        assert_eq!(send(req).await.status(), 202);
    }
    // Verification links too: the registration's, then two more, then 429.
    let resend = || send(app.bearer.post("/api/auth/email/resend", &bo.access_token));
    assert_eq!(resend().await.status(), 202);
    assert_eq!(resend().await.status(), 202);
    let r = resend().await;
    assert_eq!(r.status(), 429);
    assert!(header(&r, "retry-after").parse::<u64>().unwrap() > 0);
    mail_to(&smtp, &bo.email, "Reset your Sigil password", 3).await;
    mail_to(&smtp, &bo.email, "Confirm your e-mail address", 3).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let to_victim = smtp.messages().iter().filter(|m| m.to == [victim]).count();
    assert!(to_victim <= 3, "{to_victim} messages to one address");
    let count = |subject: &str| {
        smtp.messages()
            .iter()
            .filter(|m| m.to == [bo.email.clone()])
            .filter(|m| m.header("Subject").is_some_and(|s| s.contains(subject)))
            .count()
    };
    assert_eq!(count("Reset your Sigil password"), 3);
    assert_eq!(count("Confirm your e-mail address"), 3);

    // Registration is a counted attempt.
    let limited = TestApp::spawn_with(
        b,
        &[
            ("LOGIN_RATE_PER_MINUTE", "2"),
            ("TRUSTED_PROXIES", "127.0.0.1/32"),
        ],
    )
    .await;
    let mut statuses = Vec::new();
    for i in 0..3 {
        let body = json!({"email": format!("reg{i}@example.com"), "username": format!("reg{i}"), "password": PASSWORD});
        let req = limited
            .anon
            .post("/api/auth/register")
            .header("x-forwarded-for", "203.0.113.7")
            .json(&body);
        statuses.push(send(req).await.status().as_u16());
    }
    assert_eq!(statuses, [201, 201, 429]);
}

/// Finding 7: two tabs refreshing with one token inside the grace get one successor, not two
/// live branches of the family.
async fn a_second_use_inside_the_grace_gets_the_same_successor(b: Backend) {
    let app = TestApp::spawn(b).await;
    let ola = app.user("ola").await;
    let first: Value = app.refresh(&ola.refresh_token).await.json().await.unwrap();
    let second: Value = app.refresh(&ola.refresh_token).await.json().await.unwrap();
    assert_eq!(refresh_of(&first), refresh_of(&second));
    // The successor works, and rotates on as any refresh token does.
    let third: Value = app.refresh(refresh_of(&first)).await.json().await.unwrap();
    assert_ne!(refresh_of(&third), refresh_of(&first));
    assert_eq!(app.me(access_of(&third)).await.status(), 200);
    // A late duplicate of the first token, once its successor has rotated on, gets a fresh
    // sibling that works, not the used successor (which would look like a reuse later).
    let late: Value = app.refresh(&ola.refresh_token).await.json().await.unwrap();
    assert_ne!(refresh_of(&late), refresh_of(&first));
    let r = app.refresh(refresh_of(&late)).await;
    assert_eq!(r.status(), 200);
}

/// Finding 4: forty addresses of one IPv6 /64 share one budget.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ipv6_64_shares_one_budget() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[
            ("LOGIN_RATE_PER_MINUTE", "5"),
            ("TRUSTED_PROXIES", "127.0.0.1/32"),
        ],
    )
    .await;
    let mut limited = 0;
    for i in 1..=40 {
        let req = app
            .anon
            .post("/api/auth/login")
            .header("x-forwarded-for", format!("2001:db8:42:7::{i:x}"))
            .json(&json!({"username": "nobody", "password": "guess"}));
        if send(req).await.status() == 429 {
            limited += 1;
        }
    }
    assert_eq!(limited, 35);
    // Another /64 has its own budget.
    let req = app
        .anon
        .post("/api/auth/login")
        .header("x-forwarded-for", "2001:db8:42:8::1")
        .json(&json!({"username": "nobody", "password": "guess"}));
    assert_eq!(send(req).await.status(), 401);
}

/// Finding 5: a session planted before sign-in carries nothing into the signed-in one: the
/// CSRF token changes at sign-in, at the second step and at logout, and the old one is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_csrf_token_changes_at_sign_in_second_step_and_logout() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut mo = mfa_user(&app, "mona").await;
    app.user("pat").await;
    let browser = app.new_browser();
    let planted = browser.csrf_token().await;
    let r = browser.login("pat", PASSWORD).await;
    assert_eq!(r.status(), 303);
    let signed_in = browser.csrf_token().await;
    assert_ne!(planted, signed_in);
    // A form forged with the planted token is refused.
    let r = send(
        browser
            .post("/account/logout-all")
            .form(&[("csrf_token", planted.as_str())]),
    )
    .await;
    assert_eq!(r.status(), 403);
    let r = browser.fill_in("/account", "/logout", &[]).await;
    assert_eq!(r.status(), 303);
    let logged_out = browser.csrf_token().await;
    assert_ne!(logged_out, signed_in);
    // The second step: a fresh token after the password, and again after the code.
    let r = browser.login("mona", PASSWORD).await;
    assert_eq!(r.status(), 303);
    let waiting = browser.csrf_token().await;
    assert_ne!(waiting, logged_out);
    let code = mo.app.next_code().await;
    let r = browser
        .fill_in("/login/mfa", "/login/mfa", &[("code", code.as_str())])
        .await;
    assert_eq!(r.status(), 303);
    assert_ne!(browser.csrf_token().await, waiting);
    // Across users of one browser, too.
    assert_ne!(browser.csrf_token().await, signed_in);
}

/// Finding 5 and 7: behind TLS (an https PUBLIC_URL, or production) cookies are Secure by
/// default, the session cookie has the `__Host-` prefix, and HSTS is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_tls_cookies_are_secure_and_the_session_cookie_is_host_only() {
    let app =
        TestApp::spawn_with(Backend::Sqlite, &[("PUBLIC_URL", "https://id.example.com")]).await;
    let r = send(app.anon.get("/login")).await;
    assert_eq!(header(&r, "strict-transport-security"), "max-age=31536000");
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("__Host-sigil_session="))
        .unwrap_or_else(|| panic!("{cookies:?}"));
    assert!(
        session.contains("Secure") && session.contains("Path=/"),
        "{session}"
    );
    assert!(!session.to_lowercase().contains("domain="), "{session}");
    app.user("sue").await;
    let r = send(
        app.anon
            .post("/api/auth/login")
            .json(&json!({"username": "sue", "password": PASSWORD})),
    )
    .await;
    assert_eq!(r.status(), 200);
    // Plain development keeps plain cookies and no HSTS.
    let dev = TestApp::spawn(Backend::Sqlite).await;
    let r = send(dev.anon.get("/login")).await;
    assert!(r.headers().get("strict-transport-security").is_none());
    let cookie = header(&r, "set-cookie");
    assert!(
        cookie.starts_with("sigil_session=") && !cookie.contains("Secure"),
        "{cookie}"
    );
}

/// Finding 7: HEAD is answered on GET routes, the way GET is but without a body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_is_answered_wherever_get_is() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for path in [
        "/",
        "/login",
        "/healthz",
        "/api/posts",
        "/.well-known/jwks.json",
        "/token",
    ] {
        let get = send(app.anon.get(path)).await;
        let head = send(app.anon.request(Method::HEAD, path)).await;
        assert_eq!(head.status(), get.status(), "{path}");
        assert_eq!(
            header(&head, "content-type"),
            header(&get, "content-type"),
            "{path}"
        );
        assert!(head.bytes().await.unwrap().is_empty(), "{path}");
    }
    // A POST-only route still says which methods it takes.
    let r = send(app.anon.request(Method::HEAD, "/api/auth/login")).await;
    assert_eq!(r.status(), 405);
}

/// Finding 7: a body trickled a byte at a time, with a length or chunked, is cut off with a
/// 408 and the connection closed; the token endpoint says so in its own error shape; the
/// server goes on answering others.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickled_body_is_cut_off() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let port = app.port;
    let cases = [
        ("/api/auth/login", "application/json", false),
        ("/api/auth/login", "application/json", true),
        ("/api/auth/token", "application/x-www-form-urlencoded", true),
    ];
    let answers = cases.map(|(path, kind, chunked)| {
        tokio::task::spawn_blocking(move || trickle(port, path, kind, chunked))
    });
    for (answer, (path, _, chunked)) in futures_util::future::join_all(answers)
        .await
        .into_iter()
        .zip(cases)
    {
        let (head, closed, took) = answer.unwrap();
        assert!(
            head.starts_with("HTTP/1.1 408"),
            "{path} chunked={chunked}: {head}"
        );
        assert!(
            closed,
            "{path} chunked={chunked}: the connection stayed open"
        );
        assert!(took < Duration::from_secs(30), "{took:?}");
        if path == "/api/auth/token" {
            assert!(head.contains("invalid_request"), "{head}");
        }
    }
    assert_eq!(send(app.anon.get("/healthz")).await.status(), 200);
}

/// Sends a request head, then a byte of body a second for up to 40 s: the server's answer,
/// whether it then closed the connection, and how long the answer took.
fn trickle(port: u16, path: &str, kind: &str, chunked: bool) -> (String, bool, Duration) {
    let started = Instant::now();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let framing = match chunked {
        true => "Transfer-Encoding: chunked",
        false => "Content-Length: 1000",
    };
    let head =
        format!("POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {kind}\r\n{framing}\r\n\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let byte: &[u8] = if chunked { b"1\r\n \r\n" } else { b" " };
    s.set_nonblocking(true).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    for _ in 0..40 {
        std::thread::sleep(Duration::from_secs(1));
        if s.write_all(byte).is_err() {
            break;
        }
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                got.extend_from_slice(&buf[..n]);
                break;
            }
            Err(_) => {}
        }
    }
    let took = started.elapsed();
    // Read what is left of the answer; a closed connection ends with EOF (or a reset).
    s.set_nonblocking(false).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let closed = loop {
        match s.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                break false
            }
            Err(_) => break true,
        }
    };
    (String::from_utf8_lossy(&got).to_string(), closed, took)
}

/// Finding 7: the encoder refuses an empty `base64:` key; `/token` shows the caller's own
/// token as a report, never its text; a password typed into the name box is not stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_leaks_are_closed() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for key in ["base64:", "base64:=="] {
        let r = app
            .encode_token(json!({"header": {"alg": "HS256"}, "payload": {"sub": "1"}, "key": key}))
            .await;
        let body = problem(r, 422).await;
        assert!(body["errors"]["key"].is_array(), "{key}: {body}");
    }
    let tia = app.user("tia").await;
    let browser = app.new_browser();
    assert_eq!(browser.login("tia", PASSWORD).await.status(), 303);
    let token = browser.cookie("access_token").expect("the access cookie");
    let (status, html) = browser.page("/token").await;
    assert_eq!(status, 200);
    assert!(html.contains("Your current access token"));
    let signature = token.rsplit('.').next().unwrap();
    assert!(
        !html.contains(&token) && !html.contains(signature),
        "the token is in the page"
    );
    // A password typed where the name goes is not kept in the audit trail.
    let typo = "my secret passphrase!";
    let r = app.login(json!({"username": typo, "password": "x"})).await;
    assert_eq!(r.status(), 401);
    let root = app.admin("root").await;
    let events: Value = app
        .admin_events(&root.access_token, "?kind=sign_in_failed")
        .await
        .json()
        .await
        .unwrap();
    assert!(!events.to_string().contains(typo), "{events}");
    assert!(events.to_string().contains("not a username or address"));
    assert_eq!(app.me(&tia.access_token).await.status(), 200);
}
