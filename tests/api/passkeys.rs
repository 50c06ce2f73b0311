//! Passkeys (WebAuthn) through the JSON API, with a software authenticator: registering one
//! (recent sign-in, a name), listing and removing them, signing in with one alone, using one as
//! the second step after a password, and every replayed, forged, misdirected, misplaced or
//! cloned response refused without a session.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use reqwest::Response;
use serde_json::{json, Value};
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_authenticator_rs::AuthenticatorBackend;
use webauthn_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse, Url};

use crate::backend_tests;
use crate::helpers::{
    access_of, assert_challenge, claims, header, header_and_claims, mfa_token, mfa_token_offering,
    mfa_user, notices, problem, send, token_issued_ago, unix_now, Backend, Requests as _, TestApp,
    TestUser, PASSWORD,
};

backend_tests!(
    a_passkey_is_registered_listed_and_signs_in_alone,
    a_passkey_completes_a_password_sign_in_as_the_second_step,
    a_passkey_response_answers_its_challenge_once,
    forged_and_misdirected_assertions_are_refused,
    challenges_are_bound_to_their_purpose_and_their_mfa_token,
    malformed_assertions_are_422_and_never_500,
    a_signature_counter_going_back_is_refused_and_audited,
    a_counter_going_back_in_the_second_step_is_refused_and_audited,
    registering_needs_a_recent_sign_in_a_name_and_a_fresh_attestation,
    removing_a_passkey_needs_a_recent_sign_in_and_only_touches_ones_own,
    passkeys_are_off_when_public_url_is_an_ip_address,
    a_disabled_account_cannot_sign_in_with_a_passkey,
    a_second_step_refused_for_a_disabled_account_is_spent,
    a_passkey_confirms_it_is_you_for_its_own_session_once,
    the_pages_script_routes_answer_errors_without_redirects,
);

/// Passkeys need a host name as the relying party, not an IP address: every server here is
/// `http://localhost:PORT`.
async fn spawn(b: Backend) -> TestApp {
    TestApp::spawn_with(b, &[("PUBLIC_URL", "http://localhost:{port}")]).await
}

/// The origin a browser on `app`'s pages reports.
fn origin(app: &TestApp) -> Url {
    Url::parse(&format!("http://localhost:{}", app.port)).expect("an origin")
}

const TIMEOUT_MS: u32 = 60_000;

/// The tests' authenticator: webauthn-authenticator-rs's `SoftPasskey`, created with
/// `falsify_uv` so that it sets the user-verified flag the server requires. It is U2F-like: it
/// keeps no resident key, finds its keys only through `allowCredentials` and gives no user
/// handle; so for a discoverable sign-in this adds the credential it registered to the options
/// (they are not signed) and the user handle of its registration to the response, as a passkey
/// would. It is driven through `AuthenticatorBackend` directly, the step `WebauthnAuthenticator`
/// takes after its own client-side checks, so that a test can play a browser that reports
/// another origin or RP ID.
struct Authenticator {
    key: SoftPasskey,
    /// The rawId (base64url) of the credential last registered through [`Authenticator::register`].
    credential_id: String,
    /// The user handle (base64url) of that registration's options.
    user_handle: String,
}

impl Authenticator {
    fn new() -> Self {
        Self {
            key: SoftPasskey::new(true),
            credential_id: String::new(),
            user_handle: String::new(),
        }
    }

    /// The registration response (`RegisterPublicKeyCredential` JSON) to creation `options`
    /// (the server's JSON), made at `app`'s origin.
    fn attest(&mut self, app: &TestApp, options: &Value) -> Value {
        let mut options = options.clone();
        // SoftPasskey refuses to be asked for a resident key; the server cannot tell (the
        // flags do not say), as with a security key that ignores the hint.
        options["publicKey"]["authenticatorSelection"]["requireResidentKey"] = json!(false);
        let options: CreationChallengeResponse =
            serde_json::from_value(options).expect("creation options");
        let credential = <SoftPasskey as AuthenticatorBackend>::perform_register(
            &mut self.key,
            origin(app),
            options.public_key,
            TIMEOUT_MS,
        )
        .expect("the authenticator registers");
        serde_json::to_value(&credential).expect("registration JSON")
    }

    /// Registers a new credential of this authenticator as `name` for the holder of `token`:
    /// options, attestation, `201` with its `Location`; the passkey's JSON.
    async fn register(&mut self, app: &TestApp, token: &str, name: &str) -> Value {
        let options = creation_options(app, token).await;
        let attestation = self.attest(app, &options);
        let r = app
            .add_passkey(token, json!({"name": name, "attestation": attestation}))
            .await;
        let location = r.headers().get("location").cloned();
        let body = json_of(r, 201, &format!("register the passkey {name}")).await;
        let location = location.expect("a Location header");
        assert_eq!(
            location.to_str().unwrap(),
            format!("/api/users/me/passkeys/{}", body["id"])
        );
        self.credential_id = attestation["rawId"].as_str().expect("rawId").to_string();
        self.user_handle = options["publicKey"]["user"]["id"]
            .as_str()
            .expect("a user handle")
            .to_string();
        body
    }

    /// The assertion (`PublicKeyCredential` JSON) answering request `options`, at `app`'s
    /// origin.
    fn assert(&mut self, app: &TestApp, options: &Value) -> Value {
        self.assert_at(origin(app), options)
    }

    /// The assertion answering `options`, made by a browser that reports `origin`.
    fn assert_at(&mut self, origin: Url, options: &Value) -> Value {
        let mut options = options.clone();
        let discoverable = options["publicKey"]["allowCredentials"]
            .as_array()
            .is_none_or(Vec::is_empty);
        if discoverable {
            options["publicKey"]["allowCredentials"] =
                json!([{"type": "public-key", "id": self.credential_id}]);
        }
        let options: RequestChallengeResponse =
            serde_json::from_value(options).expect("request options");
        let credential = <SoftPasskey as AuthenticatorBackend>::perform_auth(
            &mut self.key,
            origin,
            options.public_key,
            TIMEOUT_MS,
        )
        .expect("the authenticator signs");
        let mut assertion = serde_json::to_value(&credential).expect("assertion JSON");
        assertion["response"]["userHandle"] = json!(self.user_handle);
        assertion
    }
}

/// The JSON body of an answer checked to have `status` (the body is shown when it has not).
async fn json_of(r: Response, status: u16, what: &str) -> Value {
    let actual = r.status().as_u16();
    let text = r.text().await.unwrap_or_default();
    assert_eq!(actual, status, "{what}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: {e}: {text}"))
}

/// `POST /api/users/me/passkeys/options`, checked to be a 200 that is never cached.
async fn creation_options(app: &TestApp, token: &str) -> Value {
    let r = app.passkey_creation_options(token).await;
    if r.status() == 200 {
        assert_eq!(header(&r, "cache-control"), "no-store");
    }
    json_of(r, 200, "creation options").await
}

/// `POST /api/auth/passkey/options` with `body`, checked to be a 200 that is never cached.
async fn request_options(app: &TestApp, body: Value) -> Value {
    let r = app.passkey_options(body).await;
    if r.status() == 200 {
        assert_eq!(header(&r, "cache-control"), "no-store");
    }
    json_of(r, 200, "request options").await
}

/// A whole sign-in with `key` alone; the token pair.
async fn sign_in_with(app: &TestApp, key: &mut Authenticator) -> Value {
    let options = request_options(app, json!({})).await;
    let assertion = key.assert(app, &options);
    let r = app.passkey_sign_in(json!({ "assertion": assertion })).await;
    if r.status() == 200 {
        assert_eq!(header(&r, "cache-control"), "no-store");
    }
    json_of(r, 200, "passkey sign-in").await
}

/// A refused response: a `status` problem whose detail says `needle`, with no token.
async fn refused(r: Response, status: u16, needle: &str) -> Value {
    let body = problem(r, status).await;
    assert!(
        body["detail"].as_str().unwrap().contains(needle),
        "{needle:?}: {body}"
    );
    assert!(
        body.get("access_token").is_none() && body.get("refresh_token").is_none(),
        "{body}"
    );
    body
}

/// The login of a user with a second factor and a passkey: the 403 `mfa-required` problem
/// offering the passkey, without any token; its `mfa_token`.
async fn mfa_token_with_passkey(app: &TestApp, username: &str) -> String {
    let methods = ["totp", "recovery_code", "passkey"];
    mfa_token_offering(app, username, &methods).await
}

/// `GET /api/users/me/passkeys`, checked to be a 200; the array.
async fn list(app: &TestApp, token: &str) -> Value {
    let r = app.passkeys(token).await;
    assert_eq!(r.status(), 200, "list passkeys");
    let body: Value = r.json().await.unwrap();
    assert!(body.is_array(), "{body}");
    body
}

/// The caller's own security events, newest first.
async fn events_of(app: &TestApp, token: &str) -> Vec<Value> {
    let r = app.my_events(token, "?limit=100").await;
    assert_eq!(r.status(), 200, "my events");
    let page: Value = r.json().await.unwrap();
    assert!(page["next_cursor"].is_null(), "more than 100 events");
    page["items"].as_array().unwrap().clone()
}

/// The caller's own events of `kind`.
async fn of_kind(app: &TestApp, token: &str, kind: &str) -> Vec<Value> {
    events_of(app, token)
        .await
        .into_iter()
        .filter(|e| e["kind"] == kind)
        .collect()
}

/// An access token of `user`'s first session, signed in `age` seconds ago.
fn aged(user: &TestUser, age: i64) -> String {
    let sid = header_and_claims(&user.access_token).1["sid"]
        .as_str()
        .unwrap()
        .to_string();
    token_issued_ago(user.id as i32, &user.username, &sid, age)
}

/// The RFC 9470 answer to an operation that needs a recent sign-in (`REAUTH_MINUTES` 10).
async fn assert_not_recent(r: Response, what: &str) {
    assert_challenge(r, 600, what).await
}

/// Flips a bit of the last byte of a base64url field of an assertion's `response`.
fn tamper(assertion: &mut Value, field: &str) {
    let text = assertion["response"][field]
        .as_str()
        .expect("a base64url field");
    let mut bytes = URL_SAFE_NO_PAD.decode(text).expect("base64url");
    *bytes.last_mut().expect("not empty") ^= 0x01;
    assertion["response"][field] = json!(URL_SAFE_NO_PAD.encode(&bytes));
}

async fn a_passkey_is_registered_listed_and_signs_in_alone(b: Backend) {
    let app = spawn(b).await;
    let ann = app.user("ann").await;
    assert_eq!(list(&app, &ann.access_token).await, json!([]));

    // Creation options: this relying party, a discoverable credential, user verification.
    let options = creation_options(&app, &ann.access_token).await;
    let pk = &options["publicKey"];
    assert_eq!(pk["rp"]["id"], "localhost", "{options}");
    assert_eq!(pk["user"]["name"], "ann", "{options}");
    assert!(pk["challenge"].as_str().is_some_and(|c| !c.is_empty()));
    let selection = &pk["authenticatorSelection"];
    assert_eq!(selection["userVerification"], "required", "{options}");
    assert_eq!(selection["residentKey"], "required", "{options}");

    let mut key = Authenticator::new();
    let added = key.register(&app, &ann.access_token, "Laptop").await;
    assert_eq!(added["name"], "Laptop");
    assert!(added["id"].is_i64(), "{added}");
    assert!(added["created_at"].is_string(), "{added}");
    assert!(added["last_used_at"].is_null(), "{added}");
    assert_eq!(list(&app, &ann.access_token).await, json!([added]));

    // Sign-in options name no user and no credential, and require user verification.
    let options = request_options(&app, json!({})).await;
    let pk = &options["publicKey"];
    assert_eq!(pk["rpId"], "localhost", "{options}");
    assert_eq!(pk["allowCredentials"], json!([]), "{options}");
    assert_eq!(pk["userVerification"], "required", "{options}");
    let assertion = key.assert(&app, &options);
    let r = app.passkey_sign_in(json!({ "assertion": assertion })).await;
    if r.status() == 200 {
        assert_eq!(header(&r, "cache-control"), "no-store");
    }
    let pair = json_of(r, 200, "passkey sign-in").await;
    assert!(pair["refresh_token"].is_string(), "{pair}");
    // A device-bound key (SoftPasskey is not backup-eligible): hwk.
    let c = claims(&pair);
    assert_eq!(c["amr"], json!(["hwk"]), "{c}");
    assert!(
        (unix_now() - c["auth_time"].as_i64().unwrap()).abs() <= 5,
        "{c}"
    );
    let r = app.me(access_of(&pair)).await;
    assert_eq!(r.status(), 200);
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["username"], "ann");

    // The list shows the use; nothing else changed.
    let after = list(&app, access_of(&pair)).await;
    assert_eq!(after.as_array().unwrap().len(), 1, "{after}");
    assert_eq!(after[0]["id"], added["id"]);
    assert_eq!(after[0]["name"], "Laptop");
    assert_eq!(after[0]["created_at"], added["created_at"]);
    assert!(after[0]["last_used_at"].is_string(), "{after}");

    // Events: added, used, signed in.
    let token = access_of(&pair);
    let added_events = of_kind(&app, token, "passkey_added").await;
    assert_eq!(added_events.len(), 1, "{added_events:#?}");
    assert_eq!(added_events[0]["detail"]["passkey"], "Laptop");
    assert_eq!(added_events[0]["actor_id"], ann.id);
    let used = of_kind(&app, token, "passkey_used").await;
    assert_eq!(used.len(), 1, "{used:#?}");
    assert_eq!(used[0]["detail"]["passkey"], "Laptop");
    assert_eq!(used[0]["detail"]["step"], "sign_in");
    let sign_ins = of_kind(&app, token, "sign_in").await;
    assert!(
        sign_ins.iter().any(|e| e["detail"]["amr"] == "hwk"),
        "{sign_ins:#?}"
    );

    // A notice of the new passkey, to the account's address.
    let mails = notices(&app, "passkey_added", 1).await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("ann@example.com"), "{}", mails[0]);
    assert!(mails[0].contains("Laptop"), "{}", mails[0]);
    // And of its use: the owner hears of every sign-in with a passkey.
    let mails = notices(&app, "passkey_used", 1).await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("ann@example.com"), "{}", mails[0]);
    assert!(mails[0].contains("was just used"), "{}", mails[0]);
}

async fn a_passkey_completes_a_password_sign_in_as_the_second_step(b: Backend) {
    let app = spawn(b).await;
    let mo = mfa_user(&app, "moe").await;
    let mut key = Authenticator::new();
    key.register(&app, &mo.user.access_token, "Key").await;

    // The password asks for the second step and offers the passkey; its options allow exactly
    // this user's credential.
    let token = mfa_token_with_passkey(&app, "moe").await;
    let options = request_options(&app, json!({ "mfa_token": token })).await;
    let allowed: Vec<&str> = options["publicKey"]["allowCredentials"]
        .as_array()
        .expect("allowCredentials")
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(allowed, [key.credential_id.as_str()], "{options}");
    assert_eq!(options["publicKey"]["userVerification"], "required");

    let assertion = key.assert(&app, &options);
    let r = app.mfa_passkey(&token, assertion.clone()).await;
    if r.status() == 200 {
        assert_eq!(header(&r, "cache-control"), "no-store");
    }
    let pair = json_of(r, 200, "second step with a passkey").await;
    let c = claims(&pair);
    assert_eq!(c["amr"], json!(["pwd", "hwk"]), "{c}");
    assert!(
        (unix_now() - c["auth_time"].as_i64().unwrap()).abs() <= 5,
        "{c}"
    );
    assert_eq!(app.me(access_of(&pair)).await.status(), 200);
    let used = of_kind(&app, access_of(&pair), "passkey_used").await;
    assert_eq!(used.len(), 1, "{used:#?}");
    assert_eq!(used[0]["detail"]["step"], "second_factor");

    // The mfa_token is spent: neither the same response nor new options get anything.
    refused(
        app.mfa_passkey(&token, assertion).await,
        401,
        "unknown, expired",
    )
    .await;
    refused(
        app.passkey_options(json!({ "mfa_token": token })).await,
        401,
        "unknown, expired",
    )
    .await;
    refused(
        app.passkey_options(json!({"mfa_token": "not-an-mfa-token"}))
            .await,
        401,
        "unknown, expired",
    )
    .await;

    // A user without a passkey gets no options for their second step, and loses nothing:
    // the code still completes it.
    let mut ned = mfa_user(&app, "ned").await;
    let token = mfa_token(&app, "ned").await;
    let body = problem(
        app.passkey_options(json!({ "mfa_token": token })).await,
        409,
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("no passkey"),
        "{body}"
    );
    let code = ned.app.next_code().await;
    assert_eq!(app.mfa(&token, &code).await.status(), 200);
}

/// A response is good once: replayed after it was accepted, a second answer to the same
/// options, and an answer to options that expired are refused, and none signs in.
async fn a_passkey_response_answers_its_challenge_once(b: Backend) {
    let app = spawn(b).await;
    let ann = app.user("ann").await;
    let mut key = Authenticator::new();
    key.register(&app, &ann.access_token, "Laptop").await;

    let options = request_options(&app, json!({})).await;
    let first = key.assert(&app, &options);
    let second = key.assert(&app, &options);
    let r = app.passkey_sign_in(json!({ "assertion": first })).await;
    json_of(r, 200, "the first answer").await;
    let sign_ins = of_kind(&app, &ann.access_token, "sign_in").await.len();

    let used = "expired or was already used";
    let r = app.passkey_sign_in(json!({ "assertion": first })).await;
    refused(r, 401, used).await;
    let r = app.passkey_sign_in(json!({ "assertion": second })).await;
    refused(r, 401, used).await;

    let options = request_options(&app, json!({})).await;
    app.sql("UPDATE webauthn_challenges SET expires_at = '2000-01-01 00:00:00'");
    let late = key.assert(&app, &options);
    let r = app.passkey_sign_in(json!({ "assertion": late })).await;
    refused(r, 401, used).await;

    assert_eq!(
        of_kind(&app, &ann.access_token, "sign_in").await.len(),
        sign_ins,
        "no session for a refused response"
    );
    // The passkey itself still signs in, with new options.
    sign_in_with(&app, &mut key).await;
}

/// Responses a browser would never send for this site and this account's passkey: 401, no
/// session, and the ones that name the user's passkey recorded as failed sign-ins.
async fn forged_and_misdirected_assertions_are_refused(b: Backend) {
    let app = spawn(b).await;
    let ann = app.user("ann").await;
    let t = ann.access_token.clone();
    let mut key = Authenticator::new();
    let added = key.register(&app, &t, "Laptop").await;
    let sign_ins = of_kind(&app, &t, "sign_in").await.len();

    // A tampered signature.
    let options = request_options(&app, json!({})).await;
    let mut assertion = key.assert(&app, &options);
    tamper(&mut assertion, "signature");
    let r = app.passkey_sign_in(json!({ "assertion": assertion })).await;
    refused(r, 401, "signature").await;

    // Another origin: a subdomain of the RP ID, another port.
    let other_port = if app.port == 8080 { 8081 } else { 8080 };
    for bad in [
        format!("http://evil.localhost:{}", app.port),
        format!("http://localhost:{other_port}"),
    ] {
        let options = request_options(&app, json!({})).await;
        let assertion = key.assert_at(Url::parse(&bad).unwrap(), &options);
        let r = app.passkey_sign_in(json!({ "assertion": assertion })).await;
        refused(r, 401, "origin").await;
    }

    // Another relying party: the authenticator signs for an RP ID that is not this site's.
    let mut options = request_options(&app, json!({})).await;
    options["publicKey"]["rpId"] = json!("evil.example");
    let assertion = key.assert(&app, &options);
    let r = app.passkey_sign_in(json!({ "assertion": assertion })).await;
    refused(r, 401, "relying party").await;

    // A credential registered with another server (same RP ID, its own database), with its
    // own user handle or with Ann's.
    let elsewhere = spawn(b).await;
    let eve = elsewhere.user("eve").await;
    let mut stranger = Authenticator::new();
    stranger
        .register(&elsewhere, &eve.access_token, "Elsewhere")
        .await;
    for handle in [stranger.user_handle.clone(), key.user_handle.clone()] {
        let options = request_options(&app, json!({})).await;
        let mut assertion = stranger.assert(&app, &options);
        assertion["response"]["userHandle"] = json!(handle);
        let r = app.passkey_sign_in(json!({ "assertion": assertion })).await;
        refused(r, 401, "not registered here").await;
    }

    // A passkey removed after its options were given.
    let options = request_options(&app, json!({})).await;
    let assertion = key.assert(&app, &options);
    let id = added["id"].as_i64().unwrap();
    assert_eq!(app.remove_passkey(&t, id).await.status(), 204);
    let r = app.passkey_sign_in(json!({ "assertion": assertion })).await;
    refused(r, 401, "not registered here").await;

    assert_eq!(list(&app, &t).await, json!([]));
    assert_eq!(
        of_kind(&app, &t, "sign_in").await.len(),
        sign_ins,
        "no session for a refused response"
    );
    assert!(of_kind(&app, &t, "passkey_used").await.is_empty());
    // Signature, two origins, RP ID: each a failed sign-in of Ann's, by passkey.
    let failed: Vec<Value> = of_kind(&app, &t, "sign_in_failed")
        .await
        .into_iter()
        .filter(|e| e["detail"]["reason"] == "passkey_invalid")
        .collect();
    assert_eq!(failed.len(), 4, "{failed:#?}");
    assert!(
        failed.iter().all(|e| e["detail"]["method"] == "passkey"),
        "{failed:#?}"
    );
}

/// Options for a sign-in with a passkey alone do not complete a second step and the other
/// way round; a challenge given for one `mfa_token` completes no other, and each such try
/// counts against the token it was sent with.
async fn challenges_are_bound_to_their_purpose_and_their_mfa_token(b: Backend) {
    let app = spawn(b).await;
    let mo = mfa_user(&app, "moe").await;
    let mut mo_key = Authenticator::new();
    mo_key
        .register(&app, &mo.user.access_token, "Moe's key")
        .await;
    let ty = mfa_user(&app, "tye").await;
    let mut ty_key = Authenticator::new();
    ty_key
        .register(&app, &ty.user.access_token, "Tye's key")
        .await;
    let sign_ins = of_kind(&app, &mo.user.access_token, "sign_in").await.len();
    let used = "expired or was already used";

    // Sign-in options answered in the second step.
    let token = mfa_token_with_passkey(&app, "moe").await;
    let options = request_options(&app, json!({})).await;
    let assertion = mo_key.assert(&app, &options);
    let body = refused(app.mfa_passkey(&token, assertion).await, 401, used).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("4 tries are left."),
        "{body}"
    );

    // Second-step options answered as a sign-in with the passkey alone.
    let options = request_options(&app, json!({ "mfa_token": token })).await;
    let assertion = mo_key.assert(&app, &options);
    let r = app.passkey_sign_in(json!({ "assertion": assertion })).await;
    refused(r, 401, used).await;

    // A challenge given for Tye's mfa_token, answered by Tye's passkey, sent with Moe's.
    let ty_token = mfa_token_with_passkey(&app, "tye").await;
    let options = request_options(&app, json!({ "mfa_token": ty_token })).await;
    let assertion = ty_key.assert(&app, &options);
    let body = refused(app.mfa_passkey(&token, assertion).await, 401, used).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("3 tries are left."),
        "{body}"
    );

    assert_eq!(
        of_kind(&app, &mo.user.access_token, "sign_in").await.len(),
        sign_ins,
        "no session for a refused response"
    );
    let failed = of_kind(&app, &mo.user.access_token, "second_factor_failed").await;
    assert_eq!(failed.len(), 2, "{failed:#?}");
    assert!(
        failed
            .iter()
            .all(|e| e["detail"]["reason"] == "passkey_challenge_unknown"),
        "{failed:#?}"
    );

    // Each sign-in still completes with options of its own.
    for (token, key) in [(&token, &mut mo_key), (&ty_token, &mut ty_key)] {
        let options = request_options(&app, json!({ "mfa_token": token })).await;
        let assertion = key.assert(&app, &options);
        let r = app.mfa_passkey(token, assertion).await;
        let pair = json_of(r, 200, "second step with fresh options").await;
        assert_eq!(claims(&pair)["amr"], json!(["pwd", "hwk"]));
    }
}

async fn malformed_assertions_are_422_and_never_500(b: Backend) {
    let app = spawn(b).await;
    let mo = mfa_user(&app, "moe").await;
    let mut key = Authenticator::new();
    key.register(&app, &mo.user.access_token, "Key").await;
    let token = mfa_token_with_passkey(&app, "moe").await;

    let half = json!({"id": "x", "rawId": "!!", "type": "public-key", "response": {}});
    for body in [
        json!({}),
        json!({ "assertion": null }),
        json!({ "assertion": "text" }),
        json!({ "assertion": {} }),
        json!({ "assertion": 42 }),
        json!({ "assertion": half }),
    ] {
        let r = problem(app.passkey_sign_in(body.clone()).await, 422).await;
        assert!(r["errors"]["assertion"].is_array(), "{body}: {r}");
        assert!(r.get("access_token").is_none());
    }
    for assertion in [json!("text"), json!({}), json!([1, 2]), half] {
        let r = problem(app.mfa_passkey(&token, assertion.clone()).await, 422).await;
        assert!(r["errors"]["assertion"].is_array(), "{assertion}: {r}");
    }
    // A code and an assertion together: one or the other.
    let options = request_options(&app, json!({ "mfa_token": token })).await;
    let assertion = key.assert(&app, &options);
    let both = json!({"mfa_token": token, "code": "123456", "assertion": assertion});
    let r = problem(send(app.anon.post("/api/auth/mfa").json(&both)).await, 422).await;
    assert!(r["errors"]["code"].is_array(), "{r}");

    // Well-formed, but its client data names no challenge: refused, not a server error.
    let options = request_options(&app, json!({})).await;
    let mut odd = key.assert(&app, &options);
    odd["response"]["clientDataJSON"] = json!(URL_SAFE_NO_PAD.encode(b"not json"));
    let r = app.passkey_sign_in(json!({ "assertion": odd })).await;
    refused(r, 401, "expired or was already used").await;

    // None of that used the mfa_token or its options up: the answer to them still completes it.
    let r = app.mfa_passkey(&token, assertion).await;
    json_of(r, 200, "second step after malformed tries").await;
}

/// An assertion made before the last accepted one (a copy of the key used elsewhere) has a
/// lower counter: refused although its signature and challenge are good, audited, and the
/// owner is told. The passkey itself keeps working.
async fn a_signature_counter_going_back_is_refused_and_audited(b: Backend) {
    let app = spawn(b).await;
    let ann = app.user("ann").await;
    let t = ann.access_token.clone();
    let mut key = Authenticator::new();
    key.register(&app, &t, "Laptop").await;

    let first = request_options(&app, json!({})).await;
    let second = request_options(&app, json!({})).await;
    let early = key.assert(&app, &first); // counter 1, held back
    let late = key.assert(&app, &second); // counter 2
    let r = app.passkey_sign_in(json!({ "assertion": late })).await;
    json_of(r, 200, "the later answer").await;
    let sign_ins = of_kind(&app, &t, "sign_in").await.len();

    let r = app.passkey_sign_in(json!({ "assertion": early })).await;
    refused(r, 401, "counter went backwards").await;
    assert_eq!(of_kind(&app, &t, "sign_in").await.len(), sign_ins);

    let clones = of_kind(&app, &t, "passkey_clone_suspected").await;
    assert_eq!(clones.len(), 1, "{clones:#?}");
    assert_eq!(clones[0]["user_id"], ann.id);
    assert_eq!(clones[0]["detail"]["passkey"], "Laptop");
    assert_eq!(clones[0]["detail"]["stored_count"], 2);
    let failed = of_kind(&app, &t, "sign_in_failed").await;
    assert!(
        failed
            .iter()
            .any(|e| e["detail"]["reason"] == "passkey_counter_went_back"),
        "{failed:#?}"
    );
    let mails = notices(&app, "passkey_clone_suspected", 1).await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("ann@example.com"), "{}", mails[0]);
    assert!(mails[0].contains("Laptop"), "{}", mails[0]);

    // The passkey is kept and its next use (counter 3) signs in.
    assert_eq!(list(&app, &t).await.as_array().unwrap().len(), 1);
    let pair = sign_in_with(&app, &mut key).await;
    assert_eq!(claims(&pair)["amr"], json!(["hwk"]));
}

/// The same in the second step: two sign-ins waiting, the later answered first.
async fn a_counter_going_back_in_the_second_step_is_refused_and_audited(b: Backend) {
    let app = spawn(b).await;
    let mo = mfa_user(&app, "moe").await;
    let t = mo.user.access_token.clone();
    let mut key = Authenticator::new();
    key.register(&app, &t, "Key").await;

    let (t1, t2) = (
        mfa_token_with_passkey(&app, "moe").await,
        mfa_token_with_passkey(&app, "moe").await,
    );
    let o1 = request_options(&app, json!({ "mfa_token": t1 })).await;
    let o2 = request_options(&app, json!({ "mfa_token": t2 })).await;
    let early = key.assert(&app, &o1); // counter 1, held back
    let late = key.assert(&app, &o2); // counter 2
    json_of(app.mfa_passkey(&t2, late).await, 200, "the later answer").await;
    let sign_ins = of_kind(&app, &t, "sign_in").await.len();

    let body = refused(
        app.mfa_passkey(&t1, early).await,
        401,
        "counter went backwards",
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("4 tries are left."),
        "{body}"
    );
    assert_eq!(of_kind(&app, &t, "sign_in").await.len(), sign_ins);
    let clones = of_kind(&app, &t, "passkey_clone_suspected").await;
    assert_eq!(clones.len(), 1, "{clones:#?}");
    assert_eq!(clones[0]["detail"]["passkey"], "Key");
    let failed = of_kind(&app, &t, "second_factor_failed").await;
    assert!(
        failed
            .iter()
            .any(|e| e["detail"]["reason"] == "passkey_counter_went_back"),
        "{failed:#?}"
    );
    let mails = notices(&app, "passkey_clone_suspected", 1).await;
    assert!(mails[0].contains("moe@example.com"), "{}", mails[0]);
}

async fn registering_needs_a_recent_sign_in_a_name_and_a_fresh_attestation(b: Backend) {
    let app = spawn(b).await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let t = ann.access_token.clone();

    // Without a recent sign-in: neither options nor a registration.
    let old = aged(&ann, 660);
    assert_not_recent(app.passkey_creation_options(&old).await, "options").await;
    let r = app
        .add_passkey(&old, json!({"name": "Laptop", "attestation": {}}))
        .await;
    assert_not_recent(r, "add").await;
    // Listing needs no recent sign-in.
    assert_eq!(list(&app, &old).await, json!([]));

    let mut key = Authenticator::new();
    let options = creation_options(&app, &t).await;
    let attestation = key.attest(&app, &options);

    // The name: missing, blank, too long, not one line. The ceremony is not used up by these.
    for body in [
        json!({ "attestation": attestation }),
        json!({"name": "", "attestation": attestation}),
        json!({"name": "   ", "attestation": attestation}),
        json!({"name": "x".repeat(65), "attestation": attestation}),
        json!({"name": "two\nlines", "attestation": attestation}),
    ] {
        let r = problem(app.add_passkey(&t, body.clone()).await, 422).await;
        assert!(r["errors"]["name"].is_array(), "{}: {r}", body["name"]);
        assert!(r["errors"].get("attestation").is_none(), "{r}");
    }
    // The attestation: missing, or not a registration response.
    for bad in [Value::Null, json!("text"), json!({}), json!([])] {
        let body = json!({"name": "Laptop", "attestation": bad});
        let r = problem(app.add_passkey(&t, body).await, 422).await;
        assert!(r["errors"]["attestation"].is_array(), "{bad}: {r}");
    }
    let r = problem(app.add_passkey(&t, json!({})).await, 422).await;
    assert!(
        r["errors"]["name"].is_array() && r["errors"]["attestation"].is_array(),
        "{r}"
    );
    assert_eq!(list(&app, &t).await, json!([]));

    // 64 characters is a name; registered once.
    let name = "é".repeat(64);
    let r = app
        .add_passkey(&t, json!({"name": name, "attestation": attestation}))
        .await;
    let added = json_of(r, 201, "register after the refused tries").await;
    assert_eq!(added["name"], name.as_str());

    // The same registration again: its ceremony is used.
    let again = json!({"name": "Again", "attestation": attestation});
    let r = problem(app.add_passkey(&t, again).await, 422).await;
    assert!(r["errors"]["attestation"].is_array(), "{r}");
    assert!(
        r["errors"]["attestation"][0]
            .as_str()
            .unwrap()
            .contains("expired or was already used"),
        "{r}"
    );
    assert_eq!(list(&app, &t).await, json!([added]));

    // The next options exclude the registered credential (an authenticator will not make it
    // twice) and keep the user handle, which the discoverable sign-in maps to the account.
    let next = creation_options(&app, &t).await;
    let excluded: Vec<&str> = next["publicKey"]["excludeCredentials"]
        .as_array()
        .expect("excludeCredentials")
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(excluded, [attestation["rawId"].as_str().unwrap()], "{next}");
    assert_eq!(
        next["publicKey"]["user"]["id"],
        options["publicKey"]["user"]["id"]
    );

    // An attestation made for Bob's options does not register with Ann (nor with Bob).
    let bob_options = creation_options(&app, &bob.access_token).await;
    let mut other = Authenticator::new();
    let for_bob = other.attest(&app, &bob_options);
    let body = json!({"name": "Bob's", "attestation": for_bob});
    let r = problem(app.add_passkey(&t, body).await, 422).await;
    assert!(r["errors"]["attestation"].is_array(), "{r}");
    assert_eq!(list(&app, &t).await, json!([added]));
    assert_eq!(list(&app, &bob.access_token).await, json!([]));
    let added_events = of_kind(&app, &t, "passkey_added").await;
    assert_eq!(added_events.len(), 1, "{added_events:#?}");
}

async fn removing_a_passkey_needs_a_recent_sign_in_and_only_touches_ones_own(b: Backend) {
    let app = spawn(b).await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let mut ann_key = Authenticator::new();
    let laptop = ann_key.register(&app, &ann.access_token, "Laptop").await;
    let mut bob_key = Authenticator::new();
    let phone = bob_key.register(&app, &bob.access_token, "Phone").await;
    let id = laptop["id"].as_i64().unwrap();

    // Bob cannot remove Ann's passkey, nor tell it exists: a 404 as for no passkey at all.
    problem(app.remove_passkey(&bob.access_token, id).await, 404).await;
    problem(app.remove_passkey(&ann.access_token, id + 1000).await, 404).await;
    // Without a recent sign-in: 401.
    let old = aged(&ann, 660);
    assert_not_recent(app.remove_passkey(&old, id).await, "remove").await;
    assert_eq!(list(&app, &ann.access_token).await, json!([laptop]));
    assert_eq!(list(&app, &bob.access_token).await, json!([phone]));

    // Ann removes hers: gone, with an event and a notice; again is a 404.
    assert_eq!(
        app.remove_passkey(&ann.access_token, id).await.status(),
        204
    );
    assert_eq!(list(&app, &ann.access_token).await, json!([]));
    problem(app.remove_passkey(&ann.access_token, id).await, 404).await;
    assert_eq!(list(&app, &bob.access_token).await, json!([phone]));
    let removed = of_kind(&app, &ann.access_token, "passkey_removed").await;
    assert_eq!(removed.len(), 1, "{removed:#?}");
    assert_eq!(removed[0]["detail"]["passkey"], "Laptop");
    let mails = notices(&app, "passkey_removed", 1).await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("ann@example.com") && mails[0].contains("Laptop"));

    // It signs in no more; Bob's still does.
    let options = request_options(&app, json!({})).await;
    let assertion = ann_key.assert(&app, &options);
    let r = app.passkey_sign_in(json!({ "assertion": assertion })).await;
    refused(r, 401, "not registered here").await;
    let pair = sign_in_with(&app, &mut bob_key).await;
    let me: Value = app.me(access_of(&pair)).await.json().await.unwrap();
    assert_eq!(me["username"], "bob");
}

/// The default test server's `PUBLIC_URL` is `http://127.0.0.1:PORT`: no relying party.
async fn passkeys_are_off_when_public_url_is_an_ip_address(b: Backend) {
    let app = TestApp::spawn(b).await;
    let ann = app.user("ann").await;
    for (what, r) in [
        ("request options", app.passkey_options(json!({})).await),
        (
            "creation options",
            app.passkey_creation_options(&ann.access_token).await,
        ),
    ] {
        let body = problem(r, 409).await;
        assert!(
            body["detail"].as_str().unwrap().contains("PUBLIC_URL"),
            "{what}: {body}"
        );
    }
    assert_eq!(list(&app, &ann.access_token).await, json!([]));

    // A well-formed response (made for a server where passkeys are on) gets the same answer.
    let on = spawn(b).await;
    let eve = on.user("eve").await;
    let mut key = Authenticator::new();
    key.register(&on, &eve.access_token, "Key").await;
    let options = request_options(&on, json!({})).await;
    let assertion = key.assert(&on, &options);
    let r = app.passkey_sign_in(json!({ "assertion": assertion })).await;
    let body = refused(r, 409, "PUBLIC_URL").await;
    assert!(body.get("access_token").is_none());
}

async fn a_disabled_account_cannot_sign_in_with_a_passkey(b: Backend) {
    let app = spawn(b).await;
    let root = app.admin("root").await;
    let ann = app.user("ann").await;
    let mut key = Authenticator::new();
    key.register(&app, &ann.access_token, "Laptop").await;
    let sign_ins = crate::helpers::audit::of_kind(&app, &root.access_token, ann.id, "sign_in")
        .await
        .len();

    let r = app.admin_disable(&root.access_token, ann.id).await;
    assert_eq!(r.status(), 200);
    let options = request_options(&app, json!({})).await;
    let assertion = key.assert(&app, &options);
    let r = app.passkey_sign_in(json!({ "assertion": assertion })).await;
    let body = refused(r, 403, "disabled").await;
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .ends_with("/account-disabled"),
        "{body}"
    );
    let t = &root.access_token;
    assert_eq!(
        crate::helpers::audit::of_kind(&app, t, ann.id, "sign_in")
            .await
            .len(),
        sign_ins
    );
    let failed = crate::helpers::audit::of_kind(&app, t, ann.id, "sign_in_failed").await;
    assert!(
        failed
            .iter()
            .any(|e| e["detail"]["reason"] == "disabled" && e["detail"]["passkey"] == "Laptop"),
        "{failed:#?}"
    );

    // Enabled again, the passkey signs in.
    assert_eq!(app.admin_enable(t, ann.id).await.status(), 200);
    let pair = sign_in_with(&app, &mut key).await;
    assert_eq!(claims(&pair)["amr"], json!(["hwk"]));
}

/// An account disabled between the password and the passkey: the second step is refused
/// (403) and spends the `mfa_token` and the response, so neither finishes the sign-in once
/// the account is enabled again.
async fn a_second_step_refused_for_a_disabled_account_is_spent(b: Backend) {
    let app = spawn(b).await;
    let root = app.admin("root").await;
    let mo = mfa_user(&app, "moe").await;
    let mut key = Authenticator::new();
    key.register(&app, &mo.user.access_token, "Key").await;
    let token = mfa_token_with_passkey(&app, "moe").await;
    let options = request_options(&app, json!({ "mfa_token": token })).await;
    let assertion = key.assert(&app, &options);

    let t = &root.access_token;
    // An administrator's disable ends every sign-in waiting for its second step.
    assert_eq!(app.admin_disable(t, mo.user.id).await.status(), 200);
    refused(
        app.mfa_passkey(&token, assertion.clone()).await,
        401,
        "unknown, expired",
    )
    .await;
    assert_eq!(app.admin_enable(t, mo.user.id).await.status(), 200);
    // A disable that lands while a second step is under way (here written straight to the
    // database, as a concurrent one would) refuses it, and spends it.
    let token = mfa_token_with_passkey(&app, "moe").await;
    let options = request_options(&app, json!({ "mfa_token": token })).await;
    let assertion = key.assert(&app, &options);
    app.sql(&format!(
        "UPDATE users SET disabled = TRUE WHERE id = {}",
        mo.user.id
    ));
    let body = refused(
        app.mfa_passkey(&token, assertion.clone()).await,
        403,
        "disabled",
    )
    .await;
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .ends_with("/account-disabled"),
        "{body}"
    );
    app.sql(&format!(
        "UPDATE users SET disabled = FALSE WHERE id = {}",
        mo.user.id
    ));
    refused(
        app.mfa_passkey(&token, assertion).await,
        401,
        "unknown, expired",
    )
    .await;
    let sign_ins = crate::helpers::audit::of_kind(&app, t, mo.user.id, "sign_in").await;
    assert_eq!(
        sign_ins.len(),
        1,
        "only the registration's own sign-in: {sign_ins:#?}"
    );
}

/// Recent authentication with a passkey in place of the password: a fresh `auth_time` and
/// `amr` for the same session, from options made for this user and this session only, once.
async fn a_passkey_confirms_it_is_you_for_its_own_session_once(b: Backend) {
    let app = spawn(b).await;
    let ann = app.user("ann").await;
    let mut key = Authenticator::new();
    key.register(&app, &ann.access_token, "Laptop").await;
    let old = aged(&ann, 660);
    let sid = header_and_claims(&old).1["sid"].clone();
    assert_not_recent(app.passkey_creation_options(&old).await, "an old sign-in").await;

    // Options for this session; the answer renews it, with the passkey's amr.
    let options = json_of(
        app.reauthentication_options(&old).await,
        200,
        "reauth options",
    )
    .await;
    assert_eq!(options["publicKey"]["userVerification"], "required");
    let assertion = key.assert(&app, &options);
    let r = app
        .reauthenticate(&old, json!({ "assertion": assertion }))
        .await;
    let pair = json_of(r, 200, "reauthenticate with a passkey").await;
    let c = claims(&pair);
    assert_eq!(c["amr"], json!(["hwk"]), "{c}");
    assert_eq!(c["sid"], sid, "the same session");
    assert!(
        (unix_now() - c["auth_time"].as_i64().unwrap()).abs() <= 5,
        "{c}"
    );
    let fresh = access_of(&pair).to_string();
    assert_eq!(app.passkey_creation_options(&fresh).await.status(), 200);
    let done = of_kind(&app, &fresh, "reauthenticated").await;
    assert_eq!(done[0]["detail"]["passkey"], "Laptop", "{done:#?}");

    // The same answer again: refused (403), the session not renewed again.
    let r = app
        .reauthenticate(&fresh, json!({ "assertion": assertion }))
        .await;
    refused(r, 403, "expired or was already used").await;

    // Options made for another session of the same user do not renew this one.
    let other = app.login_pair("ann", PASSWORD).await;
    let options = request_options_for(&app, access_of(&other)).await;
    let assertion = key.assert(&app, &options);
    let r = app
        .reauthenticate(&fresh, json!({ "assertion": assertion }))
        .await;
    refused(r, 403, "expired or was already used").await;
    let failed = of_kind(&app, &fresh, "second_factor_failed").await;
    assert_eq!(failed.len(), 2, "{failed:#?}");
    assert!(
        failed
            .iter()
            .all(|e| e["detail"]["step"] == "reauthenticate"),
        "{failed:#?}"
    );

    // A password and an assertion together, or an assertion that is not one: 422.
    let r = app
        .reauthenticate(
            &fresh,
            json!({"password": PASSWORD, "assertion": {"id": "x"}}),
        )
        .await;
    let body = problem(r, 422).await;
    assert!(body["errors"]["assertion"].is_array(), "{body}");

    // A user without a passkey gets no options: 409.
    let bob = app.user("bob").await;
    let body = problem(app.reauthentication_options(&bob.access_token).await, 409).await;
    assert!(
        body["detail"].as_str().unwrap().contains("no passkey"),
        "{body}"
    );
}

/// Re-authentication options for the holder of `token`.
async fn request_options_for(app: &TestApp, token: &str) -> Value {
    json_of(
        app.reauthentication_options(token).await,
        200,
        "reauth options",
    )
    .await
}

/// The routes the pages' script fetches options from answer a status it can act on, never a
/// redirect it would follow into an HTML page: no sign-in waiting on `/login/mfa/options` is a
/// 409; no session on the account's and the confirmation's options, a 401 page; a passkey
/// answer the login form cannot read is the login page again (422), never a session.
async fn the_pages_script_routes_answer_errors_without_redirects(b: Backend) {
    let app = spawn(b).await;
    let browser = app.new_browser();
    let csrf = browser.csrf_token().await;
    let r = browser
        .form("/login/mfa/options", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("expired"));
    for path in ["/account/passkeys/options", "/reauthenticate/options"] {
        let r = browser.form(path, &[("csrf_token", &csrf)]).await;
        assert!(
            r.status() == 401 || r.status() == 303,
            "{path}: {}",
            r.status()
        );
    }
    let r = browser
        .fill_in("/login", "/login/passkey", &[("assertion", "{not json")])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .headers()
        .get("set-cookie")
        .is_none_or(|c| { !c.to_str().unwrap_or_default().contains("access_token=ey") }));
    assert!(r.text().await.unwrap().contains("did not give a passkey"));
}
