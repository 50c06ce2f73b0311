//! Registered OAuth clients (API.md part three, section 1, "Clients"): the row, and the
//! reads every step of a flow makes of it. Registration, its rules and its faces are
//! `oidc::clients`.

use diesel::prelude::*;
use subtle::ConstantTimeEq as _;
use time::PrimitiveDateTime;

use super::schema::oauth_clients;
use super::DbConnection;
use crate::auth::checksummed;

/// The grant of the code flow.
pub const AUTHORIZATION_CODE: &str = "authorization_code";
/// The refresh grant.
pub const REFRESH_TOKEN: &str = "refresh_token";
/// RFC 8628's device grant.
pub const DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = oauth_clients, treat_none_as_null = true)]
pub struct ClientRow {
    pub client_id: String,
    pub client_name: String,
    /// Has a secret (`confidential`), or not (`public`: native apps, SPAs, CLIs).
    pub confidential: bool,
    /// Hex SHA-256 of the secret ([`checksummed::hash`]); `None` for a public client.
    pub secret_hash: Option<String>,
    /// The secret before the last rotation, while its grace lasts.
    pub previous_secret_hash: Option<String>,
    pub previous_secret_expires_at: Option<PrimitiveDateTime>,
    /// JSON array of strings.
    pub redirect_uris: String,
    /// JSON array of strings.
    pub post_logout_redirect_uris: String,
    pub backchannel_logout_uri: Option<String>,
    /// Space-separated.
    pub grant_types: String,
    /// Space-separated: what the client may ask for.
    pub scope: String,
    /// Skips the consent page (never the device confirmation).
    pub first_party: bool,
    pub created_at: PrimitiveDateTime,
    pub secret_rotated_at: Option<PrimitiveDateTime>,
}

impl ClientRow {
    pub fn find(conn: &mut DbConnection, client_id: &str) -> QueryResult<Option<ClientRow>> {
        oauth_clients::table
            .find(client_id)
            .select(ClientRow::as_select())
            .first(conn)
            .optional()
    }

    /// The registered redirect URIs.
    pub fn redirect_uris(&self) -> Vec<String> {
        serde_json::from_str(&self.redirect_uris).unwrap_or_default()
    }

    /// The registered post-logout redirect URIs.
    pub fn post_logout_redirect_uris(&self) -> Vec<String> {
        serde_json::from_str(&self.post_logout_redirect_uris).unwrap_or_default()
    }

    /// Whether the client is registered for `grant` (one of the constants above).
    pub fn allows_grant(&self, grant: &str) -> bool {
        self.grant_types.split(' ').any(|g| g == grant)
    }

    /// The scopes the client may ask for.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.split(' ').filter(|s| !s.is_empty())
    }

    /// Whether `presented` is this client's secret: the current one, or the previous one
    /// while its grace lasts. Compared as SHA-256 in constant time; a public client has none.
    pub fn check_secret(&self, presented: &str, now: PrimitiveDateTime) -> bool {
        let presented = checksummed::hash(presented);
        let matches =
            |stored: &Option<String>| stored.as_deref().is_some_and(|s| bool::from(s.as_bytes().ct_eq(presented.as_bytes())));
        let current = matches(&self.secret_hash);
        let previous = matches(&self.previous_secret_hash)
            && self.previous_secret_expires_at.is_some_and(|t| now < t);
        current | previous
    }
}
