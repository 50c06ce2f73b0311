//! "Continue with …" in Chromium: a new person signs up from /register through the provider,
//! signs in again from /login, and a password account links the provider from /account (a
//! form whose redirects end at the provider's origin, so the page's CSP `form-action` must
//! list it). Screenshots of each page on the way.

use fantoccini::Locator;

use crate::helpers::browser::{body_text, browser, click, log_in, path_of, shot, shows, submit};
use crate::helpers::provider_trips::app_with;
use crate::helpers::{Backend, StubProvider, PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn continue_with_a_provider_signs_up_signs_in_and_links() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let stub = StubProvider::start().await;
    let app = app_with(Backend::Sqlite, &stub, "oidc", &[]).await;

    // Sign up from /register: the provider answers at once, then the username.
    c.goto(&app.url("/register")).await.unwrap();
    assert!(shows(&c, "Continue with Corp").await);
    shot(&c, "provider-register").await;
    click(&c, "a.provider").await;
    assert!(
        shows(&c, "Create your account").await,
        "{}",
        path_of(&c).await
    );
    assert!(body_text(&c).await.contains("ada@example.com"));
    shot(&c, "provider-complete").await;
    submit(&c, "form[action='/login/corp/complete']").await;
    assert!(
        shows(&c, "Welcome to Sigil, ada!").await,
        "{}",
        body_text(&c).await
    );

    // Its account page: the provider listed, "Set a password" instead of a change.
    c.goto(&app.url("/account")).await.unwrap();
    assert!(shows(&c, "Sign-in providers").await);
    assert!(body_text(&c).await.contains("Set a password"));
    assert!(c.find(Locator::Id("providers")).await.is_ok());
    shot(&c, "provider-account").await;

    // Signed out, "Continue with Corp" on /login signs straight in.
    c.delete_all_cookies().await.unwrap();
    c.goto(&app.url("/login")).await.unwrap();
    assert!(shows(&c, "Continue with Corp").await);
    shot(&c, "provider-login").await;
    click(&c, "a.provider").await;
    assert!(
        shows(&c, "Welcome back, ada.").await,
        "{}",
        body_text(&c).await
    );

    // A password account with the same address: never linked on its own.
    c.delete_all_cookies().await.unwrap();
    app.user("bea").await;
    stub.update(|b| {
        b.sub = "bea-sub".into();
        b.email = Some("bea@example.com".into());
        b.preferred_username = Some("bea".into());
    });
    c.goto(&app.url("/login")).await.unwrap();
    click(&c, "a.provider").await;
    assert!(shows(&c, "This address already has an account").await);
    shot(&c, "provider-address-taken").await;
    click(&c, "a[href^='/login?next=']").await;
    assert!(
        shows(&c, "Forgot your password?").await,
        "{}",
        path_of(&c).await
    );
    log_in(&c, "bea", PASSWORD).await;
    assert!(
        shows(&c, "Link this sign-in?").await,
        "{}",
        body_text(&c).await
    );
    shot(&c, "provider-link").await;
    submit(&c, "form[action='/login/corp/link']").await;
    assert!(
        shows(&c, "Your Corp account is linked").await,
        "{}",
        body_text(&c).await
    );

    // Linking from /account: a form whose redirect goes to the provider's origin and back.
    let carol = app.user("carol").await;
    stub.update(|b| {
        b.sub = "carol-sub".into();
        b.email = Some("carol-elsewhere@example.com".into());
    });
    c.delete_all_cookies().await.unwrap();
    c.goto(&app.url("/login")).await.unwrap();
    log_in(&c, &carol.username, PASSWORD).await;
    assert!(shows(&c, "Welcome back").await);
    c.goto(&app.url("/account")).await.unwrap();
    submit(&c, "form[action='/account/identities/corp/link']").await;
    assert!(
        shows(&c, "Your Corp account is linked").await,
        "{}",
        body_text(&c).await
    );
    assert!(body_text(&c).await.contains("carol-elsewhere@example.com"));
    shot(&c, "provider-linked-from-account").await;
}
