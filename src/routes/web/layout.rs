//! What the layout needs on every page: who is signed in, the CSRF token for its forms, and
//! the flash messages queued by the previous request.

use actix_session::Session;
use serde::{Deserialize, Serialize};

use crate::auth::csrf;
use crate::auth::extract::Authenticated;

#[derive(Default)]
pub struct Chrome {
    pub title: String,
    pub username: Option<String>,
    /// Whether the viewer may use the pages under `/admin` (the nav links there).
    pub is_admin: bool,
    pub csrf_token: String,
    pub flashes: Vec<Flash>,
}

impl Chrome {
    /// The layout for a page: takes (and so clears) the pending flash messages.
    pub fn new(session: &Session, title: impl Into<String>, user: Option<&Authenticated>) -> Self {
        let flashes = session
            .remove_as::<Vec<Flash>>(FLASH_KEY)
            .and_then(Result::ok)
            .unwrap_or_default();
        Self {
            title: title.into(),
            username: user.map(|a| a.user.username.clone()),
            is_admin: user.is_some_and(|a| a.user.is_admin()),
            csrf_token: csrf::token(session),
            flashes,
        }
    }

    /// The layout of an error page seen by a visitor: no session, no user. (A signed-in
    /// viewer's error page fills in who they are: see `errors::page_seen_by`.)
    pub fn bare(title: &str) -> Self {
        Self {
            title: title.to_string(),
            ..Self::default()
        }
    }
}

const FLASH_KEY: &str = "flashes";

/// A one-time message shown on the next page (stored in the signed session cookie).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    pub kind: String,
    pub message: String,
    /// A link after the message, such as where to act on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<FlashLink>,
}

/// Where a flash message's link goes, and its words.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FlashLink {
    pub href: String,
    pub text: String,
}

/// Queues a success message for the next page.
pub fn flash(session: &Session, message: impl Into<String>) {
    push_flash(session, "success", message.into());
}

/// Queues a notice for the next page, followed by a link (`href`, its words).
pub fn flash_with_link(session: &Session, message: impl Into<String>, (href, text): (&str, &str)) {
    let link = FlashLink {
        href: href.to_string(),
        text: text.to_string(),
    };
    push(session, "notice", message.into(), Some(link));
}

/// Queues a message that something did not work (shown in red) for the next page.
pub fn flash_error(session: &Session, message: impl Into<String>) {
    push_flash(session, "error", message.into());
}

fn push_flash(session: &Session, kind: &str, message: String) {
    push(session, kind, message, None);
}

fn push(session: &Session, kind: &str, message: String, link: Option<FlashLink>) {
    let mut list = session
        .get::<Vec<Flash>>(FLASH_KEY)
        .ok()
        .flatten()
        .unwrap_or_default();
    list.push(Flash {
        kind: kind.to_string(),
        message,
        link,
    });
    let _ = session.insert(FLASH_KEY, list);
}
