//! The HTML pages.

pub mod assets;
pub mod errors;
pub mod home;

use serde::{Deserialize, Serialize};

/// What the layout needs on every page: who is signed in, the CSRF token for its forms, and
/// flash messages.
#[derive(Default)]
pub struct Chrome {
    pub title: String,
    pub username: Option<String>,
    pub csrf_token: String,
    pub flashes: Vec<Flash>,
}

/// A one-time message shown on the next page (stored in the signed session cookie).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    pub kind: String,
    pub message: String,
}
