//! Registered OAuth clients (API.md part three, section 1, "Clients"): the row, and the
//! reads every step of a flow makes of it. Registration, its rules and its faces are
//! `oidc::clients`.

use diesel::prelude::*;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;
use time::PrimitiveDateTime;

use super::schema::{
    oauth_clients, oauth_codes, oauth_consents, oauth_device_codes, oauth_requests, sessions,
};
use super::DbConnection;

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
    /// Hex SHA-256 of the secret (`auth::checksummed::hash`); `None` for a public client.
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

/// The stored form of a secret: hex SHA-256, as `auth::checksummed::hash` makes it (computed
/// here so that the data layer does not import the authentication layer).
fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The reason a client's sessions carry when the client is deleted.
pub const DELETED_REASON: &str = "client deleted";

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
        let presented = secret_hash(presented);
        let matches = |stored: &Option<String>| {
            stored
                .as_deref()
                .is_some_and(|s| bool::from(s.as_bytes().ct_eq(presented.as_bytes())))
        };
        let current = matches(&self.secret_hash);
        let previous = matches(&self.previous_secret_hash)
            && self.previous_secret_expires_at.is_some_and(|t| now < t);
        current | previous
    }

    pub fn insert(conn: &mut DbConnection, row: &ClientRow) -> QueryResult<()> {
        diesel::insert_into(oauth_clients::table)
            .values(row)
            .execute(conn)?;
        Ok(())
    }

    /// Writes every field of `row` over the stored client of its id.
    pub fn save(conn: &mut DbConnection, row: &ClientRow) -> QueryResult<()> {
        diesel::update(oauth_clients::table.find(&row.client_id))
            .set(row)
            .execute(conn)?;
        Ok(())
    }

    /// One page of clients in `client_id` order, after `after` (the last id of the page
    /// before); `fetch` rows at most.
    pub fn page(
        conn: &mut DbConnection,
        after: Option<&str>,
        fetch: i64,
    ) -> QueryResult<Vec<ClientRow>> {
        // Every id has at least 3 characters, so each sorts after "".
        oauth_clients::table
            .filter(oauth_clients::client_id.gt(after.unwrap_or("")))
            .select(ClientRow::as_select())
            .order(oauth_clients::client_id)
            .limit(fetch)
            .load(conn)
    }

    /// The client's live sessions: not revoked, not expired.
    pub fn live_sessions(conn: &mut DbConnection, client_id: &str) -> QueryResult<i64> {
        sessions::table
            .filter(sessions::client_id.eq(client_id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::expires_at.gt(super::now()))
            .count()
            .get_result(conn)
    }

    /// How many distinct users have a consent to the client or a live session with it.
    pub fn user_count(conn: &mut DbConnection, client_id: &str) -> QueryResult<i64> {
        let mut users: std::collections::BTreeSet<i32> = oauth_consents::table
            .filter(oauth_consents::client_id.eq(client_id))
            .select(oauth_consents::user_id)
            .load::<i32>(conn)?
            .into_iter()
            .collect();
        let live: Vec<i32> = sessions::table
            .filter(sessions::client_id.eq(client_id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::expires_at.gt(super::now()))
            .select(sessions::user_id)
            .distinct()
            .load(conn)?;
        users.extend(live);
        Ok(users.len() as i64)
    }

    /// Deletes the client with everything it was granted: its codes (device codes too),
    /// consents and pending requests go, and its sessions are revoked (so every refresh token and access token of
    /// theirs dies) with [`DELETED_REASON`]. Call it in a write transaction. `false` when
    /// there is no such client; otherwise the number of sessions it ended comes back.
    pub fn delete_with_grants(
        conn: &mut DbConnection,
        client_id: &str,
        now: PrimitiveDateTime,
    ) -> QueryResult<Option<usize>> {
        diesel::delete(oauth_codes::table.filter(oauth_codes::client_id.eq(client_id)))
            .execute(conn)?;
        diesel::delete(oauth_consents::table.filter(oauth_consents::client_id.eq(client_id)))
            .execute(conn)?;
        diesel::delete(
            oauth_device_codes::table.filter(oauth_device_codes::client_id.eq(client_id)),
        )
        .execute(conn)?;
        diesel::delete(oauth_requests::table.filter(oauth_requests::client_id.eq(client_id)))
            .execute(conn)?;
        let ended = diesel::update(
            sessions::table
                .filter(sessions::client_id.eq(client_id))
                .filter(sessions::revoked_at.is_null()),
        )
        .set((
            sessions::revoked_at.eq(Some(now)),
            sessions::revoked_reason.eq(Some(DELETED_REASON)),
        ))
        .execute(conn)?;
        let deleted = diesel::delete(oauth_clients::table.find(client_id)).execute(conn)?;
        Ok((deleted == 1).then_some(ended))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::checksummed::{self, CLIENT_SECRET};
    use time::macros::datetime;

    fn client(secret: &str) -> ClientRow {
        ClientRow {
            client_id: "app".into(),
            client_name: "App".into(),
            confidential: true,
            secret_hash: Some(checksummed::hash(secret)),
            previous_secret_hash: None,
            previous_secret_expires_at: None,
            redirect_uris: r#"["https://app.example/cb"]"#.into(),
            post_logout_redirect_uris: "[]".into(),
            backchannel_logout_uri: None,
            grant_types: format!("{AUTHORIZATION_CODE} {REFRESH_TOKEN}"),
            scope: "openid profile".into(),
            first_party: false,
            created_at: datetime!(2026-12-01 10:00),
            secret_rotated_at: None,
        }
    }

    #[test]
    fn the_stored_hash_is_the_one_registration_writes() {
        let secret = CLIENT_SECRET.generate();
        assert_eq!(secret_hash(&secret), checksummed::hash(&secret));
    }

    #[test]
    fn the_previous_secret_works_inside_its_grace_and_not_after() {
        let (old, new) = (CLIENT_SECRET.generate(), CLIENT_SECRET.generate());
        let rotated_at = datetime!(2026-12-01 12:00);
        let mut row = client(&new);
        row.previous_secret_hash = Some(checksummed::hash(&old));
        row.previous_secret_expires_at = Some(rotated_at + time::Duration::hours(2));
        assert!(row.check_secret(&new, rotated_at));
        assert!(row.check_secret(&old, rotated_at + time::Duration::minutes(119)));
        assert!(!row.check_secret(&old, rotated_at + time::Duration::hours(2)));
        assert!(!row.check_secret(&old, rotated_at + time::Duration::hours(3)));
        assert!(row.check_secret(&new, rotated_at + time::Duration::days(30)));
        assert!(!row.check_secret("sigil_cs_wrong", rotated_at));
    }

    #[test]
    fn without_grace_only_the_new_secret_works_and_a_public_client_has_none() {
        let (old, new) = (CLIENT_SECRET.generate(), CLIENT_SECRET.generate());
        let now = datetime!(2026-12-01 12:00);
        let row = client(&new);
        assert!(row.check_secret(&new, now) && !row.check_secret(&old, now));
        let public = ClientRow {
            confidential: false,
            secret_hash: None,
            ..client(&new)
        };
        assert!(!public.check_secret(&new, now) && !public.check_secret("", now));
        assert!(row.allows_grant(AUTHORIZATION_CODE) && !row.allows_grant(DEVICE_CODE));
        assert_eq!(row.redirect_uris(), ["https://app.example/cb"]);
    }
}
