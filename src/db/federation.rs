//! Trips to outside providers and the identities they vouched for (API.md part three,
//! section 2): flows from their start to their one callback, identities waiting for a
//! username or a link, and the identities linked to accounts.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::schema::{federation_flows, federation_pending, user_identities};
use super::DbConnection;

/// A flow signs someone in (or up).
pub const SIGN_IN: &str = "sign_in";
/// A flow links another identity to the signed-in account.
pub const LINK: &str = "link";
/// A flow confirms it is still the signed-in user ("Confirm it's you").
pub const CONFIRM: &str = "confirm";

/// A pending identity waits for the new account's username.
pub const COMPLETE: &str = "complete";

/// One trip to a provider, as stored at its start (the SHA-256 of its `state`). No `Debug`:
/// the nonce and the PKCE verifier never print.
#[derive(Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = federation_flows)]
pub struct Flow {
    pub state_hash: String,
    pub provider: String,
    pub nonce: String,
    /// The PKCE verifier, sent with the code.
    pub verifier: String,
    /// [`SIGN_IN`], [`LINK`] or [`CONFIRM`].
    pub purpose: String,
    /// The signed-in account a link or a confirmation is for.
    pub user_id: Option<i32>,
    /// The session a confirmation renews.
    pub session_id: Option<String>,
    pub next: String,
    /// An invitation the new account would use (`REGISTRATION=invite`).
    pub invitation: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub expires_at: PrimitiveDateTime,
    pub used_at: Option<PrimitiveDateTime>,
}

impl Flow {
    pub fn insert(&self, conn: &mut DbConnection) -> QueryResult<()> {
        diesel::insert_into(federation_flows::table)
            .values(self)
            .execute(conn)
            .map(drop)
    }

    /// Uses the flow whose state hashes to `state_hash`: one conditional write, so a
    /// replayed or racing callback finds nothing. Expired and used flows are `None` alike.
    pub fn take(conn: &mut DbConnection, state_hash: &str) -> QueryResult<Option<Flow>> {
        let now = super::now();
        let taken = diesel::update(
            federation_flows::table
                .filter(federation_flows::state_hash.eq(state_hash))
                .filter(federation_flows::used_at.is_null())
                .filter(federation_flows::expires_at.gt(now)),
        )
        .set(federation_flows::used_at.eq(now))
        .execute(conn)?;
        if taken != 1 {
            return Ok(None);
        }
        federation_flows::table
            .find(state_hash)
            .select(Flow::as_select())
            .first(conn)
            .optional()
    }

    /// Forgets flows and pending identities past their life (the hourly sweep).
    pub fn purge_expired(conn: &mut DbConnection) -> QueryResult<usize> {
        let now = super::now();
        let flows = diesel::delete(federation_flows::table)
            .filter(federation_flows::expires_at.le(now))
            .execute(conn)?;
        let pending = diesel::delete(federation_pending::table)
            .filter(federation_pending::expires_at.le(now))
            .execute(conn)?;
        Ok(flows + pending)
    }
}

/// An identity a provider vouched for that no account has yet.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = federation_pending)]
pub struct Pending {
    pub token_hash: String,
    /// [`COMPLETE`] (a new account) or [`LINK`] (the account that has its address).
    pub purpose: String,
    pub provider: String,
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    /// Whether the provider vouched for the address.
    pub email_verified: bool,
    pub username_hint: Option<String>,
    pub invitation: Option<String>,
    pub next: String,
    pub created_at: PrimitiveDateTime,
    pub expires_at: PrimitiveDateTime,
    pub used_at: Option<PrimitiveDateTime>,
}

impl Pending {
    pub fn insert(&self, conn: &mut DbConnection) -> QueryResult<()> {
        diesel::insert_into(federation_pending::table)
            .values(self)
            .execute(conn)
            .map(drop)
    }

    /// The live pending identity `token_hash` of `purpose` and `provider`, unused.
    pub fn live(
        conn: &mut DbConnection,
        token_hash: &str,
        purpose: &str,
        provider: &str,
    ) -> QueryResult<Option<Pending>> {
        federation_pending::table
            .find(token_hash)
            .filter(federation_pending::purpose.eq(purpose))
            .filter(federation_pending::provider.eq(provider))
            .filter(federation_pending::used_at.is_null())
            .filter(federation_pending::expires_at.gt(super::now()))
            .select(Pending::as_select())
            .first(conn)
            .optional()
    }

    /// Uses it: one conditional write, so of two racing uses one wins (`true`).
    pub fn take(conn: &mut DbConnection, token_hash: &str) -> QueryResult<bool> {
        let now = super::now();
        let taken = diesel::update(
            federation_pending::table
                .filter(federation_pending::token_hash.eq(token_hash))
                .filter(federation_pending::used_at.is_null())
                .filter(federation_pending::expires_at.gt(now)),
        )
        .set(federation_pending::used_at.eq(now))
        .execute(conn)?;
        Ok(taken == 1)
    }
}

/// An outside identity linked to an account.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = user_identities)]
pub struct Identity {
    pub id: i32,
    pub user_id: i32,
    /// The provider's id in `LOGIN_PROVIDERS`.
    pub provider: String,
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub linked_at: PrimitiveDateTime,
    pub last_used_at: Option<PrimitiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = user_identities)]
pub struct NewIdentity<'a> {
    pub user_id: i32,
    pub provider: &'a str,
    pub issuer: &'a str,
    pub subject: &'a str,
    pub email: Option<&'a str>,
    pub linked_at: PrimitiveDateTime,
    pub last_used_at: Option<PrimitiveDateTime>,
}

impl Identity {
    /// Links an identity; a unique violation when (issuer, subject) is linked already, to
    /// this account or another.
    pub fn link(conn: &mut DbConnection, new: &NewIdentity<'_>) -> QueryResult<Identity> {
        diesel::insert_into(user_identities::table)
            .values(new)
            .execute(conn)?;
        user_identities::table
            .filter(user_identities::issuer.eq(new.issuer))
            .filter(user_identities::subject.eq(new.subject))
            .select(Identity::as_select())
            .first(conn)
    }

    /// The account (issuer, subject) is linked to.
    pub fn find(
        conn: &mut DbConnection,
        issuer: &str,
        subject: &str,
    ) -> QueryResult<Option<Identity>> {
        user_identities::table
            .filter(user_identities::issuer.eq(issuer))
            .filter(user_identities::subject.eq(subject))
            .select(Identity::as_select())
            .first(conn)
            .optional()
    }

    /// Notes a sign-in with it.
    pub fn used(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
        diesel::update(user_identities::table.find(id))
            .set(user_identities::last_used_at.eq(super::now()))
            .execute(conn)
            .map(drop)
    }

    /// `user_id`'s identities, oldest link first.
    pub fn of_user(conn: &mut DbConnection, user_id: i32) -> QueryResult<Vec<Identity>> {
        user_identities::table
            .filter(user_identities::user_id.eq(user_id))
            .order((user_identities::linked_at.asc(), user_identities::id.asc()))
            .select(Identity::as_select())
            .load(conn)
    }

    /// Unlinks `user_id`'s identity `id`; `false` when it has none by that id.
    pub fn unlink(conn: &mut DbConnection, user_id: i32, id: i32) -> QueryResult<bool> {
        let gone = diesel::delete(
            user_identities::table
                .filter(user_identities::id.eq(id))
                .filter(user_identities::user_id.eq(user_id)),
        )
        .execute(conn)?;
        Ok(gone == 1)
    }
}
