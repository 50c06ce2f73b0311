//! The inspector page with tokens from any issuer: the key, expected issuer and audience
//! fields, warnings, share links in the fragment, and the encoder page.

use crate::backend_tests;
use crate::helpers::{csrf_of, fixture, header, Backend, Browser, TestApp, JWT_IO};

backend_tests!(
    a_foreign_token_verifies_with_its_secret_and_warns,
    without_a_key_a_foreign_token_is_not_verified,
    a_key_that_does_not_parse_is_a_422_at_the_key_field,
    a_fixture_rs256_token_verifies_with_its_jwks,
    expected_issuer_and_audience_are_checked,
    the_encoder_makes_tokens_the_inspector_verifies,
);

/// The secret jwt.io publishes for its example token ([`JWT_IO`]).
const JWT_IO_SECRET: &str = "your-256-bit-secret";

/// Posts the inspector's form as a browser would (the CSRF token from the page) and returns
/// the status and the page.
async fn inspect(b: &Browser, fields: &[(&str, &str)]) -> (u16, String) {
    let r = b.fill_in("/token", "/token", fields).await;
    assert_eq!(
        header(&r, "cache-control"),
        "no-store",
        "the key may be on it"
    );
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

/// The verdict badge's text.
fn badge(html: &str) -> &str {
    let start = html.find("class=\"badge-status").expect("a verdict badge");
    let text = &html[start..];
    let text = &text[text.find('>').unwrap() + 1..];
    &text[..text.find('<').unwrap()]
}

/// The pasted token's section (after the form), where its verdict and link are.
fn pasted(html: &str) -> &str {
    &html[html
        .find("Pasted token")
        .expect("the pasted token's section")..]
}

/// Every `href="…"` of a page.
fn hrefs(html: &str) -> Vec<&str> {
    html.split("href=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect()
}

async fn a_foreign_token_verifies_with_its_secret_and_warns(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = app.new_browser();
    let (status, html) = inspect(&browser, &[("token", JWT_IO), ("key", JWT_IO_SECRET)]).await;
    assert_eq!(status, 200);
    let section = pasted(&html);
    assert_eq!(badge(section), "Valid", "{section}");
    assert!(section.contains("class=\"warnings\""));
    assert!(section.contains("weak_hmac_secret"));
    assert!(
        section.contains("published for all to read: anyone can forge tokens with it"),
        "the warning's message: {section}"
    );
    assert!(section.contains("no_expiry"), "jwt.io's token has no exp");
    // The warnings come before the claims; the claims are explained, times in UTC.
    let warnings_at = section.find("class=\"warnings\"").unwrap();
    assert!(warnings_at < section.find("<h3>Claims</h3>").unwrap());
    assert!(
        section.contains("The user&#39;s full name for display"),
        "name explained"
    );
    assert!(section.contains("2018-01-18 01:30:22 UTC"), "iat in UTC");
    assert!(section.contains("issued ") && section.contains(" years ago"));
    assert!(section.contains("<h3>Header parameters</h3>"));
    // The share link: the token in the fragment, never in a query; the key nowhere in links.
    let links = hrefs(&html);
    let share = format!("/token#token={JWT_IO}");
    assert!(links.contains(&share.as_str()), "{links:?}");
    for link in &links {
        assert!(!link.contains('?') || !link.contains("token="), "{link}");
        assert!(!link.contains(JWT_IO_SECRET), "{link}");
    }
    assert!(!html.contains(&format!("?token={JWT_IO}")));
    assert!(html.contains("src=\"/static/js/inspector.js\" defer"));
    // The key stays in its field, so it can be changed and tried again.
    assert!(html.contains(&format!(">{JWT_IO_SECRET}</textarea>")));
}

async fn without_a_key_a_foreign_token_is_not_verified(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = app.new_browser();
    let (status, html) = inspect(&browser, &[("token", JWT_IO), ("key", "  ")]).await;
    assert_eq!(status, 200);
    let section = pasted(&html);
    assert_eq!(badge(section), "Not verified");
    assert!(section.contains("status-unverified"));
    assert!(section.contains("No key was given"), "{section}");
    assert!(section.contains("John Doe"), "decoded all the same");
    // The script the share link relies on is served, and the page allows it (no inline JS).
    let r = app.get("/static/js/inspector.js").await;
    assert_eq!(r.status(), 200);
    let csp = header(&r, "content-security-policy");
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    let js = r.text().await.unwrap();
    assert!(js.contains("location.hash") && js.contains("submit()"));
}

async fn a_key_that_does_not_parse_is_a_422_at_the_key_field(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = app.new_browser();
    let bad_pem = "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----";
    let (status, html) = inspect(&browser, &[("token", JWT_IO), ("key", bad_pem)]).await;
    assert_eq!(status, 422);
    assert!(!html.contains("Pasted token"), "nothing inspected");
    let error_at = html
        .find("id=\"field-key-error\"")
        .expect("the key's error");
    let error = &html[error_at..html[error_at..].find("</p>").unwrap() + error_at];
    assert!(error.len() > 40, "says what was expected: {error}");
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(
        html.contains("href=\"#field-key\""),
        "error summary links to the field"
    );
    assert!(
        html.contains(&format!(">{JWT_IO}</textarea>")),
        "the token is kept"
    );
    // An empty token is a 422 at the token field.
    let (status, html) = inspect(&browser, &[("token", " "), ("key", JWT_IO_SECRET)]).await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"field-token-error\""));
}

async fn a_fixture_rs256_token_verifies_with_its_jwks(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = app.new_browser();
    let f = fixture("RS256");
    let token = f["token"].as_str().unwrap();
    let jwks = f["jwks"].to_string();
    let (status, html) = inspect(&browser, &[("token", token), ("key", &jwks)]).await;
    assert_eq!(status, 200);
    assert_eq!(badge(pasted(&html)), "Valid");
    assert!(pasted(&html).contains("<span class=\"ok\">verified</span>"));
    assert!(pasted(&html).contains("long_lifetime"), "{}", pasted(&html));
    // The wrong key refutes it.
    let wrong = f["wrong_jwk"].to_string();
    let (_, html) = inspect(&browser, &[("token", token), ("key", &wrong)]).await;
    assert_eq!(badge(pasted(&html)), "Invalid signature");
}

async fn expected_issuer_and_audience_are_checked(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = app.new_browser();
    let f = fixture("ES256");
    let token = f["token"].as_str().unwrap();
    let pem = f["pem"].as_str().unwrap();
    let right = [
        ("token", token),
        ("key", pem),
        ("expected_issuer", "https://issuer.example.com/"),
        ("expected_audience", "https://api.example.com"),
    ];
    let (_, html) = inspect(&browser, &right).await;
    assert_eq!(badge(pasted(&html)), "Valid");
    let mut wrong_audience = right;
    wrong_audience[3].1 = "https://other.example.com";
    let (status, html) = inspect(&browser, &wrong_audience).await;
    assert_eq!(status, 200);
    assert_eq!(badge(pasted(&html)), "Wrong issuer or audience");
    assert!(html.contains("does not include &#34;https://other.example.com&#34;"));
    assert!(
        html.contains("value=\"https://other.example.com\""),
        "kept in its field"
    );
    let mut wrong_issuer = right;
    wrong_issuer[2].1 = "https://elsewhere.example.com/";
    let (_, html) = inspect(&browser, &wrong_issuer).await;
    assert_eq!(badge(pasted(&html)), "Wrong issuer or audience");
}

async fn the_encoder_makes_tokens_the_inspector_verifies(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = app.new_browser();
    let (status, html) = browser.page("/token/encode").await;
    assert_eq!(status, 200);
    assert!(html.contains("{&#34;alg&#34;: &#34;HS256&#34;, &#34;typ&#34;: &#34;JWT&#34;}"));
    assert!(html.contains("&#34;exp&#34;"), "payload prefilled");
    assert!(html.contains("href=\"/token\""), "a Decode tab");
    let csrf = csrf_of(&html);
    let secret = "a long random test secret, 0123456789abcdef";
    let payload = r#"{"sub": "fixture-user", "exp": 4102444800, "iat": 1700000000}"#;
    let r = browser
        .form(
            "/token/encode",
            &[("header", r#"{"alg": "HS256"}"#), ("payload", payload)],
        )
        .await;
    assert_eq!(r.status(), 403, "CSRF like every form");
    let fields = [
        ("header", r#"{"alg": "HS256", "typ": "JWT"}"#),
        ("payload", payload),
        ("key", secret),
        ("csrf_token", &csrf),
    ];
    let r = browser.form("/token/encode", &fields).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "cache-control"), "no-store");
    let html = r.text().await.unwrap();
    let link = hrefs(&html)
        .into_iter()
        .find(|h| h.starts_with("/token#token="))
        .expect("a link to inspect it")
        .to_string();
    let token = link.trim_start_matches("/token#token=");
    assert_eq!(token.split('.').count(), 3, "{token}");
    let (_, inspected) = inspect(&browser, &[("token", token), ("key", secret)]).await;
    assert_eq!(badge(pasted(&inspected)), "Valid");
    assert!(pasted(&inspected).contains("fixture-user"));
    let (_, inspected) = inspect(&browser, &[("token", token), ("key", "another secret")]).await;
    assert_eq!(badge(pasted(&inspected)), "Invalid signature");

    // Errors are shown at their fields, with what was typed.
    let fields = [
        ("header", r#"{"alg": "RS256"}"#),
        ("payload", "{not json"),
        ("key", secret),
        ("csrf_token", &csrf),
    ];
    let r = browser.form("/token/encode", &fields).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"field-payload-error\""));
    assert!(
        html.contains("id=\"field-key-error\""),
        "a secret cannot sign RS256"
    );
    assert!(html.contains(">{not json</textarea>"));
    assert!(!html.contains("/token#token="), "no token made");
}
