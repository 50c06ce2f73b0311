//! WCAG 2.2 AA, judged by axe-core (npm, tests/support/axe) inside the tests' Chromium: every
//! page a browser test screenshots is audited as it stands, in the light and the dark colour
//! scheme, and checked to reflow at 320 CSS pixels without a horizontal scroll. Sigil never
//! serves axe: the tests inject it into the page.

use std::path::PathBuf;
use std::sync::OnceLock;

use fantoccini::Client;
use serde_json::{json, Value};

use super::app::skipped;
use super::browser::{screenshot_dir, SessionCommand};

/// The WCAG levels the contract names.
const TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// axe-core's script, `None` (skipped, said once) before `npm ci` in tests/support/axe.
pub fn axe_source() -> Option<&'static str> {
    static SOURCE: OnceLock<Option<String>> = OnceLock::new();
    SOURCE
        .get_or_init(|| {
            let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/support/axe/node_modules/axe-core/axe.min.js");
            let source = std::fs::read_to_string(path).ok();
            if source.is_none() {
                skipped("no axe-core (npm ci in tests/support/axe)");
            }
            source
        })
        .as_deref()
}

/// A Chrome DevTools command through chromedriver (`goog/cdp/execute`).
async fn cdp(c: &Client, cmd: &str, params: Value) {
    c.issue_cmd(SessionCommand {
        method: reqwest::Method::POST,
        path: "goog/cdp/execute".into(),
        body: Some(json!({ "cmd": cmd, "params": params })),
    })
    .await
    .unwrap_or_else(|e| panic!("{cmd}: {e}"));
}

/// The colour scheme the page is shown in (`light` or `dark`), as `prefers-color-scheme`.
pub async fn colour_scheme(c: &Client, scheme: &str) {
    let features = json!([{ "name": "prefers-color-scheme", "value": scheme }]);
    cdp(
        c,
        "Emulation.setEmulatedMedia",
        json!({ "features": features }),
    )
    .await;
}

/// axe-core's violations on the page as it is now, one line each with the elements at fault.
pub async fn violations(c: &Client, source: &str) -> Vec<String> {
    let present = c
        .execute("return typeof window.axe !== 'undefined'", vec![])
        .await
        .expect("look for axe");
    if present != json!(true) {
        c.execute(source, vec![]).await.expect("inject axe-core");
    }
    let run = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
          .then(r => done(r.violations.map(v => `${v.id} (${v.impact}): ${v.help}\n` +
              v.nodes.map(n => `    ${n.target.join(' ')}: ${(n.failureSummary || '').replace(/\s+/g, ' ')}`).join('\n'))))
          .catch(e => done([`axe failed: ${e}`]));
    "#;
    let found = c
        .execute_async(run, vec![json!(TAGS)])
        .await
        .expect("run axe-core");
    serde_json::from_value(found).expect("axe's answer")
}

/// Whether the page, at 320 CSS pixels wide, scrolls sideways (WCAG 1.4.10 reflow).
pub async fn overflows_at_320(c: &Client) -> Option<String> {
    let metrics = json!({ "width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": false });
    cdp(c, "Emulation.setDeviceMetricsOverride", metrics).await;
    let widest = r#"
        const root = document.documentElement;
        if (root.scrollWidth <= root.clientWidth) return null;
        const wide = [...document.body.querySelectorAll('*')]
          .filter(e => e.getBoundingClientRect().right > root.clientWidth + 0.5)
          .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
               (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''));
        return `${root.scrollWidth} px wide: ${wide.slice(0, 6).join(', ')}`;
    "#;
    let found = c.execute(widest, vec![]).await.expect("measure the page");
    cdp(c, "Emulation.clearDeviceMetricsOverride", json!({})).await;
    found.as_str().map(str::to_string)
}

/// Screenshots the page as a 375 px phone shows it, light and dark: `<name>-375.png` and
/// `<name>-375-dark.png`.
pub async fn phone_shots(c: &Client, name: &str) {
    let metrics = json!({ "width": 375, "height": 812, "deviceScaleFactor": 1, "mobile": true });
    cdp(c, "Emulation.setDeviceMetricsOverride", metrics).await;
    let dir = super::browser::screenshot_dir();
    for (scheme, suffix) in [("light", "375"), ("dark", "375-dark")] {
        colour_scheme(c, scheme).await;
        let png = c.screenshot().await.expect("phone screenshot");
        std::fs::write(dir.join(format!("{name}-{suffix}.png")), png).unwrap();
    }
    colour_scheme(c, "light").await;
    cdp(c, "Emulation.clearDeviceMetricsOverride", json!({})).await;
}

/// Audits the page the browser is on (`name` is its screenshot's): zero axe-core violations in
/// the light and the dark scheme, and no sideways scroll at 320 px. Also writes the dark
/// scheme's screenshot, `<name>-dark.png`.
pub async fn audit(c: &Client, name: &str) {
    let Some(source) = axe_source() else {
        return;
    };
    // /docs is Swagger UI as its authors ship it (its colours are theirs): not one of Sigil's
    // pages, which are what the contract's audit covers.
    let url = c.current_url().await.expect("the page's address");
    if url.path().starts_with("/docs") {
        return;
    }
    let mut faults = Vec::new();
    for scheme in ["light", "dark"] {
        colour_scheme(c, scheme).await;
        for v in violations(c, source).await {
            faults.push(format!("[{scheme}] {v}"));
        }
    }
    let png = c.screenshot().await.expect("dark screenshot");
    std::fs::write(screenshot_dir().join(format!("{name}-dark.png")), png).unwrap();
    colour_scheme(c, "light").await;
    if let Some(wide) = overflows_at_320(c).await {
        faults.push(format!("[320 px] the page scrolls sideways: {wide}"));
    }
    assert!(
        faults.is_empty(),
        "WCAG 2.2 AA on {name} ({url}):\n{}",
        faults.join("\n")
    );
}
