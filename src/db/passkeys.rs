//! Passkeys (WebAuthn credentials) and the ceremonies under way (their challenges, by hash).

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use super::schema::{passkeys, webauthn_challenges};
use super::DbConnection;

/// A registered passkey. `credential` is the relying-party crate's JSON record (public key,
/// counter, flags); the rest is what lists show.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = passkeys)]
pub struct PasskeyRow {
    pub id: i32,
    pub user_id: i32,
    pub credential_id: String,
    pub user_handle: String,
    pub name: String,
    pub credential: String,
    pub sign_count: i64,
    pub created_at: PrimitiveDateTime,
    pub last_used_at: Option<PrimitiveDateTime>,
}

/// A passkey about to be stored.
pub struct NewPasskey<'a> {
    pub user_id: i32,
    pub credential_id: &'a str,
    pub user_handle: &'a str,
    pub name: &'a str,
    pub credential: &'a str,
    pub sign_count: i64,
}

impl PasskeyRow {
    /// The user's passkeys, oldest first.
    pub fn for_user(conn: &mut DbConnection, user_id: i32) -> QueryResult<Vec<PasskeyRow>> {
        passkeys::table
            .filter(passkeys::user_id.eq(user_id))
            .order(passkeys::id.asc())
            .select(PasskeyRow::as_select())
            .load(conn)
    }

    pub fn count_for_user(conn: &mut DbConnection, user_id: i32) -> QueryResult<i64> {
        passkeys::table
            .filter(passkeys::user_id.eq(user_id))
            .count()
            .get_result(conn)
    }

    /// The passkey of this credential id (base64url), whoever it belongs to.
    pub fn by_credential_id(
        conn: &mut DbConnection,
        credential_id: &str,
    ) -> QueryResult<Option<PasskeyRow>> {
        passkeys::table
            .filter(passkeys::credential_id.eq(credential_id))
            .select(PasskeyRow::as_select())
            .first(conn)
            .optional()
    }

    /// Stores a new passkey; a credential id already registered (to anyone) is a unique
    /// violation, which the error mapping answers with a 409.
    pub fn insert(conn: &mut DbConnection, new: &NewPasskey<'_>) -> QueryResult<PasskeyRow> {
        diesel::insert_into(passkeys::table)
            .values((
                passkeys::user_id.eq(new.user_id),
                passkeys::credential_id.eq(new.credential_id),
                passkeys::user_handle.eq(new.user_handle),
                passkeys::name.eq(new.name),
                passkeys::credential.eq(new.credential),
                passkeys::sign_count.eq(new.sign_count),
                passkeys::created_at.eq(super::now()),
            ))
            .returning(passkeys::all_columns)
            .get_result(conn)
    }

    /// Records a use with signature counter `count`: the updated record (counter, flags) and
    /// when. Only if the counter went up (or the authenticator keeps none: 0 then and before),
    /// decided by the update itself, so two racing uses of one counter value cannot both
    /// pass: `false` when it did not.
    pub fn used(
        conn: &mut DbConnection,
        id: i32,
        credential: &str,
        count: i64,
    ) -> QueryResult<bool> {
        let changes = (
            passkeys::credential.eq(credential),
            passkeys::sign_count.eq(count),
            passkeys::last_used_at.eq(Some(super::now())),
        );
        let row = passkeys::table.filter(passkeys::id.eq(id));
        let updated = if count == 0 {
            diesel::update(row.filter(passkeys::sign_count.eq(0)))
                .set(changes)
                .execute(conn)?
        } else {
            diesel::update(row.filter(passkeys::sign_count.lt(count)))
                .set(changes)
                .execute(conn)?
        };
        Ok(updated == 1)
    }

    /// Removes one of the user's passkeys: `None` when the user has no passkey of that id.
    pub fn remove(
        conn: &mut DbConnection,
        user_id: i32,
        id: i32,
    ) -> QueryResult<Option<PasskeyRow>> {
        diesel::delete(
            passkeys::table
                .filter(passkeys::id.eq(id))
                .filter(passkeys::user_id.eq(user_id)),
        )
        .returning(passkeys::all_columns)
        .get_result(conn)
        .optional()
    }
}

/// What a ceremony is for; a challenge started for one purpose never completes another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Register,
    SignIn,
    SecondFactor,
    /// Proving it is the user again in a session (recent authentication).
    Reauthenticate,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::SignIn => "sign_in",
            Self::SecondFactor => "second_factor",
            Self::Reauthenticate => "reauthenticate",
        }
    }
}

/// A ceremony under way, as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webauthn_challenges)]
pub struct Ceremony {
    pub challenge_hash: String,
    pub purpose: String,
    pub user_id: Option<i32>,
    pub binding_hash: Option<String>,
    /// The relying-party crate's ceremony state (JSON).
    pub state: String,
    pub created_at: PrimitiveDateTime,
    pub expires_at: PrimitiveDateTime,
    pub used_at: Option<PrimitiveDateTime>,
}

/// A ceremony about to be stored.
pub struct NewCeremony<'a> {
    pub challenge_hash: &'a str,
    pub purpose: Purpose,
    pub user_id: Option<i32>,
    pub binding_hash: Option<&'a str>,
    pub state: &'a str,
    pub ttl: Duration,
}

impl Ceremony {
    /// Stores a ceremony; those started over ten minutes ago (all expired: none lives over
    /// five) go, so that anonymous sign-in options, rate limited per address, cannot pile up.
    pub fn create(conn: &mut DbConnection, new: &NewCeremony<'_>) -> QueryResult<()> {
        let now = super::now();
        diesel::delete(
            webauthn_challenges::table
                .filter(webauthn_challenges::created_at.lt(now - Duration::minutes(10))),
        )
        .execute(conn)?;
        diesel::insert_into(webauthn_challenges::table)
            .values((
                webauthn_challenges::challenge_hash.eq(new.challenge_hash),
                webauthn_challenges::purpose.eq(new.purpose.as_str()),
                webauthn_challenges::user_id.eq(new.user_id),
                webauthn_challenges::binding_hash.eq(new.binding_hash),
                webauthn_challenges::state.eq(new.state),
                webauthn_challenges::created_at.eq(now),
                webauthn_challenges::expires_at.eq(now + new.ttl),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Uses up the ceremony of this challenge hash, once, when it is for `purpose` and was
    /// started for `user_id` (none for a sign-in) and `binding_hash` (a second step's
    /// `mfa_token`, a re-authentication's session):
    /// `None` when there is no such ceremony, it expired, or it was used (by this request's
    /// twin too: the claim is one conditional update). A response that names another's
    /// ceremony leaves it alone.
    pub fn take(
        conn: &mut DbConnection,
        challenge_hash: &str,
        purpose: Purpose,
        user_id: Option<i32>,
        binding_hash: Option<&str>,
    ) -> QueryResult<Option<Ceremony>> {
        let now = super::now();
        let live = webauthn_challenges::table
            .filter(webauthn_challenges::challenge_hash.eq(challenge_hash))
            .filter(webauthn_challenges::used_at.is_null())
            .filter(webauthn_challenges::expires_at.gt(now));
        let found = live
            .filter(webauthn_challenges::purpose.eq(purpose.as_str()))
            .select(Ceremony::as_select())
            .first(conn)
            .optional()?;
        let Some(ceremony) =
            found.filter(|c| c.user_id == user_id && c.binding_hash.as_deref() == binding_hash)
        else {
            return Ok(None);
        };
        let claimed = diesel::update(live)
            .set(webauthn_challenges::used_at.eq(Some(now)))
            .execute(conn)?;
        Ok((claimed == 1).then_some(ceremony))
    }
}
