//! Personal access tokens as credentials: the checksum first (no lookup for a mistyped or cut
//! token), then one read by hash that brings the owner, then the verdict.

use super::checksummed::{self, FormatError, PAT};
use super::scopes::Scopes;
use crate::db::pats::PatRow;
use crate::db::users::User;
use crate::db::Db;

/// A personal access token that was accepted: its owner, its id and its scopes.
#[derive(Debug, Clone)]
pub struct PatGrant {
    pub user: std::sync::Arc<User>,
    pub token_id: i32,
    pub scopes: Scopes,
    /// When the last use was recorded (a new one is written at most once a minute).
    pub last_used_at: Option<time::PrimitiveDateTime>,
}

/// Why a presented personal access token was refused. Each answers `401 invalid_token`,
/// saying which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatRefusal {
    /// Not 49 base62 characters after the prefix, or a wrong checksum: found with no lookup.
    BadChecksum,
    /// Well formed, and no token of this hash exists (never issued, or its account deleted).
    Unknown,
    Revoked,
    Expired,
    /// The owner's account is disabled (its tokens were revoked with it; this is the guard).
    Disabled,
}

impl PatRefusal {
    pub fn description(self) -> &'static str {
        match self {
            Self::BadChecksum => {
                "This personal access token is malformed: its checksum does not match (mistyped \
                 or cut short)."
            }
            Self::Unknown => "This personal access token does not exist.",
            Self::Revoked => "This personal access token has been revoked.",
            Self::Expired => "This personal access token has expired.",
            Self::Disabled => "This account has been disabled.",
        }
    }

    /// The reason code for the refusal counter (a fixed set).
    pub fn reason(self) -> &'static str {
        match self {
            Self::BadChecksum => "pat_malformed",
            Self::Unknown => "pat_unknown",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
            Self::Disabled => "user_disabled",
        }
    }

    /// Whether it took a lookup that found nothing usable (these count toward the address's
    /// login limit; a bad checksum costs no lookup and needs no limit).
    pub fn was_looked_up(self) -> bool {
        self != Self::BadChecksum
    }
}

/// Whether `token` is meant as a personal access token (it has the prefix).
pub fn is_pat(token: &str) -> bool {
    PAT.claims(token)
}

/// The checksum check alone, with no lookup.
pub fn check_format(token: &str) -> Result<(), PatRefusal> {
    match PAT.check(token) {
        Ok(()) => Ok(()),
        Err(FormatError::NotThisKind | FormatError::Malformed | FormatError::BadChecksum) => {
            Err(PatRefusal::BadChecksum)
        }
    }
}

/// The stored row of a well-formed token and its owner, by hash: `None` when unknown.
pub async fn find(db: &Db, token: &str) -> Result<Option<(PatRow, User)>, crate::error::AppError> {
    let hash = checksummed::hash(token);
    db.read(async move |conn| Ok(PatRow::by_hash(conn, &hash).await?))
        .await
}

/// Checks `token` as a credential at the current time: checksum, lookup, revocation,
/// expiry, the owner's account.
pub async fn authenticate(
    db: &Db,
    token: &str,
) -> Result<Result<PatGrant, PatRefusal>, crate::error::AppError> {
    if let Err(refusal) = check_format(token) {
        return Ok(Err(refusal));
    }
    let Some((row, user)) = find(db, token).await? else {
        return Ok(Err(PatRefusal::Unknown));
    };
    Ok(verdict(row, user, crate::db::now()))
}

/// What a found token is worth at `now`.
pub fn verdict(
    row: PatRow,
    user: User,
    now: time::PrimitiveDateTime,
) -> Result<PatGrant, PatRefusal> {
    if row.revoked_at.is_some() {
        return Err(PatRefusal::Revoked);
    }
    if row.is_expired(now) {
        return Err(PatRefusal::Expired);
    }
    if user.disabled {
        return Err(PatRefusal::Disabled);
    }
    Ok(PatGrant {
        user: std::sync::Arc::new(user),
        token_id: row.id,
        scopes: Scopes::from_stored(&row.scopes),
        last_used_at: row.last_used_at,
    })
}
