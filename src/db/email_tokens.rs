//! Single-use links sent by mail (password reset, address verification, address change),
//! stored only as hashes. A newer link of the same purpose ends the older ones.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::schema::email_tokens;
use super::DbConnection;

/// What a mailed link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Reset,
    Verify,
    Change,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reset => "reset",
            Self::Verify => "verify",
            Self::Change => "change",
        }
    }
}

/// A link that was presented and was still good: it is now used.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_tokens)]
pub struct EmailToken {
    pub user_id: i32,
    pub purpose: String,
    /// The address the link was sent to (for a change: the new address).
    pub email: String,
}

/// Stores a new link for `user_id` and ends every unused older one of the same purpose.
pub fn issue(
    conn: &mut DbConnection,
    user_id: i32,
    purpose: Purpose,
    email: &str,
    token_hash: &str,
    expires_at: PrimitiveDateTime,
) -> QueryResult<()> {
    let now = super::now();
    end_all(conn, user_id, purpose)?;
    diesel::insert_into(email_tokens::table)
        .values((
            email_tokens::token_hash.eq(token_hash),
            email_tokens::user_id.eq(user_id),
            email_tokens::purpose.eq(purpose.as_str()),
            email_tokens::email.eq(email),
            email_tokens::created_at.eq(now),
            email_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The user a link (still good or not) belongs to: to lock that user's row before the link,
/// in the order every other writer of both takes them.
pub fn owner(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<i32>> {
    email_tokens::table
        .find(token_hash)
        .select(email_tokens::user_id)
        .first(conn)
        .optional()
}

/// Uses a link: one conditional update marks it used only if it is unused, unexpired and of
/// the purposes given, so a link works once even when two requests race with it.
pub fn consume(
    conn: &mut DbConnection,
    token_hash: &str,
    purposes: &[Purpose],
) -> QueryResult<Option<EmailToken>> {
    let now = super::now();
    let names: Vec<&str> = purposes.iter().map(|p| p.as_str()).collect();
    let claimed = diesel::update(
        email_tokens::table
            .filter(email_tokens::token_hash.eq(token_hash))
            .filter(email_tokens::purpose.eq_any(&names))
            .filter(email_tokens::used_at.is_null())
            .filter(email_tokens::expires_at.gt(now)),
    )
    .set(email_tokens::used_at.eq(now))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(None);
    }
    email_tokens::table
        .find(token_hash)
        .select(EmailToken::as_select())
        .first(conn)
        .optional()
}

/// Ends every unused link of `purpose` for the user (a newer one was sent, or the password
/// changed), and deletes links that expired more than a day ago.
pub fn end_all(conn: &mut DbConnection, user_id: i32, purpose: Purpose) -> QueryResult<usize> {
    let now = super::now();
    diesel::delete(
        email_tokens::table.filter(email_tokens::expires_at.lt(now - time::Duration::days(1))),
    )
    .execute(conn)?;
    diesel::update(
        email_tokens::table
            .filter(email_tokens::user_id.eq(user_id))
            .filter(email_tokens::purpose.eq(purpose.as_str()))
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(now))
    .execute(conn)
}

/// The user a still-good link of `purpose` belongs to, without using it up. A reset or
/// verification link is good only while the account still has the address it was sent to.
pub fn peek(
    conn: &mut DbConnection,
    token_hash: &str,
    purpose: Purpose,
) -> QueryResult<Option<super::users::User>> {
    use super::schema::users;
    email_tokens::table
        .inner_join(users::table)
        .filter(email_tokens::token_hash.eq(token_hash))
        .filter(email_tokens::purpose.eq(purpose.as_str()))
        .filter(email_tokens::used_at.is_null())
        .filter(email_tokens::expires_at.gt(super::now()))
        .select((super::users::User::as_select(), email_tokens::email))
        .first::<(super::users::User, String)>(conn)
        .optional()
        .map(|found| {
            found.and_then(|(user, sent_to)| {
                (purpose == Purpose::Change || sent_to == user.email).then_some(user)
            })
        })
}

/// A still-good verification or change link, without using it up: its purpose and the
/// address it confirms. A verification link for an address the account no longer has is
/// not good.
pub fn peek_address(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<(Purpose, String)>> {
    use super::schema::users;
    let names = [Purpose::Verify.as_str(), Purpose::Change.as_str()];
    let found = email_tokens::table
        .inner_join(users::table)
        .filter(email_tokens::token_hash.eq(token_hash))
        .filter(email_tokens::purpose.eq_any(names))
        .filter(email_tokens::used_at.is_null())
        .filter(email_tokens::expires_at.gt(super::now()))
        .select((email_tokens::purpose, email_tokens::email, users::email))
        .first::<(String, String, String)>(conn)
        .optional()?;
    Ok(found.and_then(|(purpose, sent_to, current)| {
        let purpose = match purpose.as_str() {
            "change" => Purpose::Change,
            _ if sent_to == current => Purpose::Verify,
            _ => return None,
        };
        Some((purpose, sent_to))
    }))
}

/// The address a verification or change link confirmed, when that very link was used, has not
/// expired, and the account now has that address, confirmed: a second opening of the link
/// (mail scanners fetch links first) is told so rather than that the link failed.
pub fn already_confirmed(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<String>> {
    use super::schema::users;
    let names = [Purpose::Verify.as_str(), Purpose::Change.as_str()];
    let found = email_tokens::table
        .inner_join(users::table)
        .filter(email_tokens::token_hash.eq(token_hash))
        .filter(email_tokens::purpose.eq_any(names))
        // Only the link that did the confirming, while it would still have worked: an old
        // or cancelled link says what any failed link says.
        .filter(email_tokens::used_at.is_not_null())
        .filter(email_tokens::expires_at.gt(super::now()))
        .filter(users::email_verified.eq(true))
        .select((email_tokens::email, users::email))
        .first::<(String, String)>(conn)
        .optional()?;
    Ok(found.and_then(|(sent_to, current)| (sent_to == current).then_some(sent_to)))
}

/// When the address changes asked since `since` were asked: those of `user_id`, and those
/// (of any account) to `email`, oldest first.
pub fn recent_changes(
    conn: &mut DbConnection,
    user_id: i32,
    email: &str,
    since: PrimitiveDateTime,
) -> QueryResult<(Vec<PrimitiveDateTime>, Vec<PrimitiveDateTime>)> {
    let changes = email_tokens::table
        .filter(email_tokens::purpose.eq(Purpose::Change.as_str()))
        .filter(email_tokens::created_at.gt(since));
    let by_user = changes
        .filter(email_tokens::user_id.eq(user_id))
        .select(email_tokens::created_at)
        .order(email_tokens::created_at.asc())
        .load(conn)?;
    let to_address = changes
        .filter(email_tokens::email.eq(email))
        .select(email_tokens::created_at)
        .order(email_tokens::created_at.asc())
        .load(conn)?;
    Ok((by_user, to_address))
}

/// How many links of `purpose` the user was sent since `since` (used or not).
pub fn sent_since(
    conn: &mut DbConnection,
    user_id: i32,
    purpose: Purpose,
    since: PrimitiveDateTime,
) -> QueryResult<i64> {
    email_tokens::table
        .filter(email_tokens::user_id.eq(user_id))
        .filter(email_tokens::purpose.eq(purpose.as_str()))
        .filter(email_tokens::created_at.gt(since))
        .count()
        .get_result(conn)
}

/// Ends every unused link of the user, whatever its purpose: the account's address changed,
/// so links sent to the old one (reset, verification) and other pending changes stop working.
pub fn end_every_link(conn: &mut DbConnection, user_id: i32) -> QueryResult<usize> {
    let mut ended = 0;
    for purpose in [Purpose::Reset, Purpose::Verify, Purpose::Change] {
        ended += end_all(conn, user_id, purpose)?;
    }
    Ok(ended)
}
