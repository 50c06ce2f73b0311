//! The accessibility audit itself (tests/api/helpers/axe.rs), which every browser test's
//! screenshot runs: it must see a fault when there is one, and the dark scheme it audits must
//! be the page's dark theme, or its zero would prove nothing.

use fantoccini::Client;
use serde_json::json;

use crate::helpers::axe::{axe_source, colour_scheme, overflows_at_320, violations};
use crate::helpers::browser::{browser, shot};
use crate::helpers::{Backend, TestApp};

async fn eval(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![]).await.expect(script)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_finds_faults_and_judges_the_dark_theme() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let Some(source) = axe_source() else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await;
    c.goto(&app.url("/login")).await.unwrap();
    // Sigil's sign-in page as served: nothing to report (and shot() audits it too).
    shot(&c, "audit-login").await;
    assert_eq!(violations(&c, source).await, Vec::<String>::new());
    // The dark scheme is the stylesheet's dark theme: dark page, light text.
    colour_scheme(&c, "dark").await;
    assert_eq!(
        eval(
            &c,
            "return matchMedia('(prefers-color-scheme: dark)').matches"
        )
        .await,
        json!(true)
    );
    let colours = "const s = getComputedStyle(document.body); return [s.backgroundColor, s.color]";
    assert_eq!(
        eval(&c, colours).await,
        json!(["rgb(18, 21, 28)", "rgb(230, 233, 239)"])
    );
    colour_scheme(&c, "light").await;
    assert_eq!(
        eval(&c, colours).await,
        json!(["rgb(246, 247, 249)", "rgb(29, 35, 48)"])
    );
    // Faults put into the page are found: an image without a text, grey on grey, a field
    // without a label, and something wider than a phone.
    eval(
        &c,
        "const main = document.querySelector('main');
         const img = document.createElement('img'); img.src = '/static/favicon.svg'; main.append(img);
         const p = document.createElement('p'); p.textContent = 'faint'; p.style.color = '#bbb'; main.append(p);
         main.append(document.createElement('input'));
         const wide = document.createElement('div'); wide.id = 'wide'; wide.style.width = '600px'; wide.style.height = '1em'; main.append(wide);
         return null",
    )
    .await;
    let found = violations(&c, source).await.join("\n");
    for rule in ["image-alt", "color-contrast", "label"] {
        assert!(found.contains(&format!("{rule} (")), "{rule}: {found}");
    }
    let wide = overflows_at_320(&c)
        .await
        .expect("600 px cannot fit in 320");
    assert!(wide.contains("div#wide"), "{wide}");
    c.close().await.unwrap();
}
