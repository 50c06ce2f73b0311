//! The keyboard alone, as a person without a mouse uses a page: keys pressed one by one
//! (WebDriver key actions, never `fill`), and what has the focus.

use fantoccini::actions::{InputSource as _, KeyAction, KeyActions};
use fantoccini::Client;

pub const TAB: char = '\u{e004}';
pub const ENTER: char = '\u{e007}';
pub const SHIFT: char = '\u{e008}';
pub const SPACE: char = '\u{e00d}';

/// Presses each key of `keys` in turn (down, up), as a person at a keyboard would.
pub async fn press(c: &Client, keys: &str) {
    let mut actions = KeyActions::new("keyboard".into());
    for key in keys.chars() {
        actions = actions
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
    }
    c.perform_actions(actions).await.expect("keys");
}

/// Shift+Tab: focus moves back one stop.
pub async fn back(c: &Client) {
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: SHIFT })
        .then(KeyAction::Down { value: TAB })
        .then(KeyAction::Up { value: TAB })
        .then(KeyAction::Up { value: SHIFT });
    c.perform_actions(actions).await.expect("shift+tab");
}

/// What has the focus: its id, else a link's `a[href=…]`, a button's `button[value=…]`, else
/// its tag and class.
pub async fn focused(c: &Client) -> String {
    let script = "const e = document.activeElement; const href = e.getAttribute('href'); \
        return e.id || e.tagName.toLowerCase() + (href ? `[href=${href}]` : e.value ? `[value=${e.value}]` : '.' + e.className)";
    let found = c.execute(script, vec![]).await.expect("focus");
    found.as_str().unwrap_or_default().to_string()
}

/// Tabs forward until `id` has the focus; the stops passed on the way, in order. Fails if it
/// takes more than `most` presses (focus lost or trapped).
pub async fn tab_to(c: &Client, id: &str, most: usize) -> Vec<String> {
    let mut passed = Vec::new();
    for _ in 0..most {
        press(c, &TAB.to_string()).await;
        let now = focused(c).await;
        if now == id {
            return passed;
        }
        passed.push(now);
    }
    panic!("{id} not reached in {most} presses of Tab: {passed:?}");
}
