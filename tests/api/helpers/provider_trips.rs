//! Trips to an outside provider in the tests: a server whose provider `corp` ("Corp") is a
//! stub, and a browser pressing "Continue with Corp", going to the provider and back.

use reqwest::Response;

use super::stub_provider::StubProvider;
use super::{header, send, Backend, Browser, Requests as _, TestApp};

/// The provider's id and name in these tests.
pub const PROVIDER_ID: &str = "corp";
pub const PROVIDER_NAME: &str = "Corp";

/// A server whose one provider `corp` is `stub` with `preset`, plus `extra`.
pub async fn app_with(
    backend: Backend,
    stub: &StubProvider,
    preset: &str,
    extra: &[(&str, &str)],
) -> TestApp {
    let mut env: Vec<(String, String)> = stub.env(PROVIDER_ID, preset);
    env.push(("LOGIN_PROVIDERS".into(), PROVIDER_ID.into()));
    env.push(("LOGIN_PROVIDER_CORP_NAME".into(), PROVIDER_NAME.into()));
    for (k, v) in extra {
        env.push((k.to_string(), v.to_string()));
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    TestApp::spawn_with(backend, &env).await
}

/// The provider's answer to the browser: where it sends it back (its `Location`).
pub async fn provider_answers(url: &str) -> String {
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = plain.get(url).send().await.expect("the provider answers");
    assert!(r.status().is_redirection(), "{url}: {}", r.status());
    header(&r, "location")
}

/// Presses "Continue with Corp" in `browser`: Sigil's redirect to the provider, the
/// provider's answer; returns the callback URL (not yet followed).
pub async fn to_provider_and_back(app: &TestApp, browser: &Browser, start: &str) -> String {
    let r = send(browser.get(start)).await;
    assert_eq!(r.status(), 303, "{start}");
    let to = header(&r, "location");
    assert!(!to.starts_with(&app.address), "off to the provider: {to}");
    provider_answers(&to).await
}

/// Follows a callback URL in `browser`.
pub async fn callback(app: &TestApp, browser: &Browser, url: &str) -> Response {
    let path = url.strip_prefix(&app.address).expect("back on Sigil");
    send(browser.get(path)).await
}

/// The whole trip; returns Sigil's answer to the callback.
pub async fn trip(app: &TestApp, browser: &Browser) -> Response {
    let back =
        to_provider_and_back(app, browser, &format!("/login/{PROVIDER_ID}?next=/posts")).await;
    callback(app, browser, &back).await
}
