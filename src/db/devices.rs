//! The devices each user has signed in from (see `http::client::Device`), so a sign-in from a
//! new one can be announced.

use diesel::prelude::*;

use super::schema::known_devices;
use super::DbConnection;

/// What a sign-in's device is to its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Signed in from before.
    Known,
    /// The user's first device (their registration): nothing to announce.
    First,
    /// A device the user has not used before, though they have used others.
    New,
}

/// Records the device and says whether it is new to the user.
pub fn remember(conn: &mut DbConnection, user_id: i32, device_hash: &str) -> QueryResult<Seen> {
    let known: Vec<String> = known_devices::table
        .filter(known_devices::user_id.eq(user_id))
        .select(known_devices::device_hash)
        .load(conn)?;
    if known.iter().any(|d| d == device_hash) {
        return Ok(Seen::Known);
    }
    // In a savepoint of its own: a conflict must not spoil the caller's transaction.
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(known_devices::table)
            .values((
                known_devices::user_id.eq(user_id),
                known_devices::device_hash.eq(device_hash),
                known_devices::first_seen_at.eq(super::now()),
            ))
            .execute(conn)
    });
    match inserted {
        // Two sign-ins from the same new device at once: the other one announces it.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(Seen::Known),
        Err(e) => Err(e),
        Ok(_) if known.is_empty() => Ok(Seen::First),
        Ok(_) => Ok(Seen::New),
    }
}
