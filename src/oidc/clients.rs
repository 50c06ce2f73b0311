//! Registering OAuth clients (API.md part three, section 1, "Clients"): every field parsed into
//! what the contract allows (a bad one is a `422` naming it), and the flows that create, list,
//! show, change and delete a client and rotate its secret. The admin API, the admin pages and
//! the CLI all go through here; each change is an audit event.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};
use url::{Host, Url};
use utoipa::ToSchema;

use crate::audit::{self, Event, EventKind};
use crate::auth::checksummed::{self, CLIENT_SECRET};
use crate::auth::scopes::{Scope, OIDC_SCOPES};
use crate::db::clients::{ClientRow, AUTHORIZATION_CODE, DEVICE_CODE, REFRESH_TOKEN};
use crate::db::users::User;
use crate::db::{write_transaction, Db, DbConnection};
use crate::domain::{cursor, Keyset};
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;

/// The grant types a client may register, in the order they are stored and shown.
pub const GRANT_TYPES: [&str; 3] = [AUTHORIZATION_CODE, REFRESH_TOKEN, DEVICE_CODE];
/// What a client gets when it names no grant types.
pub const DEFAULT_GRANT_TYPES: [&str; 2] = [AUTHORIZATION_CODE, REFRESH_TOKEN];
/// What a client may ask for when it names no scope.
pub const DEFAULT_SCOPE: &str =
    "openid profile email offline_access profile:read posts:read posts:write";
/// The most redirect URIs (and post-logout redirect URIs) a client registers.
pub const MAX_URIS: usize = 20;
/// The longest URI a client registers, in characters.
pub const MAX_URI_LEN: usize = 2000;
/// The longest grace for the previous secret after a rotation, in hours.
pub const MAX_GRACE_HOURS: u64 = 168;
/// The `409` of a `client_id` that is taken.
pub const TAKEN: &str = "That client_id is already registered; choose another or leave it out.";
/// The `409` of a rotation on a public client.
pub const PUBLIC_HAS_NO_SECRET: &str =
    "A public client has no secret to rotate: it authenticates with PKCE alone.";
/// What the command line says for a client that does not exist.
pub const UNKNOWN_CLIENT: &str = "unknown client";

pub(super) const NOT_TEXT: &str = "Must be a string.";
pub(super) const REQUIRED: &str = "This field is required.";
pub(super) const NOT_NULL: &str = "Must not be null; leave the field out to keep it.";
pub(super) const FIXED: &str = "Fixed at registration: it cannot be changed.";
pub(super) const BASE62: &[u8; 62] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

mod fields;
mod registry;
mod spec;

pub use fields::*;
pub use registry::*;
pub use spec::*;

#[cfg(test)]
mod tests;
