//! Personal access tokens: a script's narrow, revocable credential (API.md part three,
//! section 3). Created with a recent sign-in and shown once; stored as SHA-256; ended one by
//! one (by the owner, an administrator, RFC 7009 or a disable), never by logout-all or a
//! password change.

use serde::Deserialize;
use serde_json::Value;
use time::Duration;
use utoipa::ToSchema;

use super::notices::{self, PatRevoker};
use super::Accounts;
use crate::audit::{self, Event, EventKind};
use crate::auth::checksummed::{self, PAT};
use crate::auth::scopes::{ScopeError, Scopes};
use crate::db::pats::{NewPat, PatRow, MAX_LIVE};
use crate::db::users::User;
use crate::db::{write_transaction, DbConnection};
use crate::domain::TokenName;
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;
use crate::mail::{Context, Notifier};

/// `POST /api/users/me/tokens`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PatRequest {
    /// 1–100 characters on one line: what uses the token.
    #[schema(value_type = String, required = true, example = "deploy script", min_length = 1, max_length = 100)]
    #[serde(default)]
    pub name: Value,
    /// Scope names (an array, or one space-separated string).
    #[schema(value_type = Vec<String>, required = true, example = json!(["posts:read", "posts:write"]))]
    #[serde(default)]
    pub scopes: Value,
    /// 1 to `PAT_MAX_DAYS` (365 unless configured).
    #[schema(value_type = u32, required = true, example = 30, minimum = 1)]
    #[serde(default)]
    pub expires_in_days: Value,
}

/// A token to create, every field checked.
#[derive(Debug, Clone)]
pub struct PatSpec {
    pub name: TokenName,
    pub scopes: Scopes,
    pub days: u32,
}

impl PatSpec {
    /// Checks a request for `owner`: `admin:*` only for an administrator, a lifetime of 1 to
    /// `max_days` days. Every bad field is named at once.
    pub fn parse(req: PatRequest, owner: &User, max_days: u32) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = match &req.name {
            Value::String(s) => errors.take("name", TokenName::parse(s)),
            Value::Null => {
                errors.add("name", "This field is required.");
                None
            }
            _ => {
                errors.add("name", "Must be a string.");
                None
            }
        };
        let scopes = match scope_names(&req.scopes) {
            Err(message) => {
                errors.add("scopes", message);
                None
            }
            Ok(names) => match Scopes::parse(names.iter().map(String::as_str)) {
                Err(e) => {
                    errors.add("scopes", e.to_string());
                    None
                }
                Ok(scopes) if scopes.has_admin() && !owner.is_admin() => {
                    errors.add(
                        "scopes",
                        "admin:read and admin:write are for administrators only.",
                    );
                    None
                }
                Ok(scopes) => Some(scopes),
            },
        };
        let days = match req.expires_in_days.as_u64() {
            Some(d) if (1..=u64::from(max_days)).contains(&d) => Some(d as u32),
            _ => {
                errors.add(
                    "expires_in_days",
                    format!("Must be a whole number of days from 1 to {max_days}."),
                );
                None
            }
        };
        errors.finish(|| {
            Some(PatSpec {
                name: name?,
                scopes: scopes?,
                days: days?,
            })
        })
    }
}

/// The scope names of a request: an array of strings, or one space-separated string.
fn scope_names(value: &Value) -> Result<Vec<String>, String> {
    let empty = || ScopeError::Empty.to_string();
    match value {
        Value::Null => Err(empty()),
        Value::String(s) => Ok(s.split_whitespace().map(String::from).collect()),
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map(String::from))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| "Must be an array of scope names.".to_string()),
        _ => Err("Must be an array of scope names.".into()),
    }
}

/// A token just made: its row, and its text, which is never shown again.
#[derive(Debug)]
pub struct CreatedPat {
    pub row: PatRow,
    pub token: String,
}

/// What the refusal at the limit says (a 409).
pub const TOO_MANY: &str =
    "You have 50 live personal access tokens: revoke one you no longer use first.";

impl Accounts {
    /// The user's tokens that were not revoked, newest first (expired ones too).
    pub async fn pats(&self, user_id: i32) -> Result<Vec<PatRow>, AppError> {
        self.db
            .run(move |conn| Ok(PatRow::for_user(conn, user_id)?))
            .await
    }

    /// The user's live tokens, for the password notices, with the link to the page that
    /// revokes them.
    pub async fn live_tokens(&self, user_id: i32) -> Result<notices::LiveTokens, AppError> {
        let rows = self
            .db
            .run(move |conn| Ok(PatRow::live_for_user(conn, user_id)?))
            .await?;
        Ok(notices::LiveTokens {
            names: rows.into_iter().map(|r| r.name).collect(),
            link: format!("{}/account#tokens", self.notifier.settings.public_url),
        })
    }

    /// Creates a token: the limit of live tokens is checked in the transaction that stores
    /// it (with the user's row locked), and the event and the notice are written with it.
    pub async fn create_pat(
        &self,
        user: &User,
        spec: PatSpec,
        client: &ClientInfo,
    ) -> Result<CreatedPat, AppError> {
        let token = PAT.generate();
        let hash = checksummed::hash(&token);
        let hint = PAT.hint(&token);
        let expires_at = crate::db::now() + Duration::days(i64::from(spec.days));
        let notice = self.notifier.render(
            &notices::pat_created(
                &user.email,
                spec.name.as_str(),
                &spec.scopes.to_string(),
                crate::db::to_utc(expires_at),
                &Context::of(client),
            ),
            user.locale(),
        )?;
        let event = Event::new(EventKind::PatCreated, client)
            .user(user.id)
            .actor(user.id)
            .detail("name", spec.name.as_str())
            .detail("scopes", spec.scopes.to_string())
            .detail("expires_in_days", spec.days);
        let user_id = user.id;
        let row = self
            .db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    User::lock(conn, user_id)?;
                    if PatRow::count_live(conn, user_id)? >= MAX_LIVE {
                        return Err(AppError::Conflict(TOO_MANY.into()));
                    }
                    let scopes = spec.scopes.to_string();
                    let row = PatRow::insert(
                        conn,
                        &NewPat {
                            user_id,
                            token_hash: &hash,
                            hint: &hint,
                            name: spec.name.as_str(),
                            scopes: &scopes,
                            expires_at,
                        },
                    )?;
                    audit::record_in(conn, &event.detail("token_id", row.id));
                    crate::db::outbox::enqueue(conn, &notice)?;
                    Ok(row)
                })
            })
            .await?;
        self.notifier.wake();
        Ok(CreatedPat { row, token })
    }

    /// The owner revokes one of their tokens: 404 when they have no unrevoked token of that
    /// id.
    pub async fn revoke_own_pat(
        &self,
        user: &User,
        id: i32,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let event = Event::new(EventKind::PatRevoked, client)
            .user(user.id)
            .actor(user.id)
            .detail("by", "user");
        let user_id = user.id;
        self.db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    let row =
                        PatRow::revoke(conn, user_id, id, "user")?.ok_or(AppError::NotFound)?;
                    audit::record_in(conn, &revoked_event(event, &row));
                    Ok(())
                })
            })
            .await
    }

    /// An administrator revokes one token of a user (`Some(id)`, 404 when the user has no
    /// unrevoked token of that id) or all of them; the owner is told by mail.
    pub async fn admin_revoke_pats(
        &self,
        admin: &User,
        user_id: i32,
        token_id: Option<i32>,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let event = Event::new(EventKind::PatRevoked, client)
            .user(user_id)
            .actor(admin.id)
            .detail("by", "admin");
        let notifier = self.notifier.clone();
        let context = Context::of(client);
        self.db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    let owner = User::find(conn, user_id)?.ok_or(AppError::NotFound)?;
                    let revoked = match token_id {
                        Some(id) => vec![PatRow::revoke(conn, user_id, id, "admin")?
                            .ok_or(AppError::NotFound)?],
                        None => PatRow::revoke_all(conn, user_id, "admin")?,
                    };
                    for row in &revoked {
                        audit::record_in(conn, &revoked_event(event.clone(), row));
                    }
                    if !revoked.is_empty() {
                        let names: Vec<&str> = revoked.iter().map(|r| r.name.as_str()).collect();
                        let mail =
                            notices::pat_revoked(&owner.email, &names, PatRevoker::Admin, &context);
                        crate::db::outbox::enqueue(conn, &notifier.render(&mail, owner.locale())?)?;
                    }
                    Ok(())
                })
            })
            .await?;
        self.notifier.wake();
        Ok(())
    }
}

/// Revokes every token of a user being disabled, in the disabling transaction, with an event
/// for each (`by: disabled`) and a notice to the owner when there were any: enabling the
/// account later does not revive them.
pub fn revoke_for_disabled(
    conn: &mut DbConnection,
    owner: &User,
    event: &Event,
    notifier: &Notifier,
    context: &Context,
) -> Result<usize, AppError> {
    let revoked = PatRow::revoke_all(conn, owner.id, "disabled")?;
    for row in &revoked {
        let event = event.clone().with_kind(EventKind::PatRevoked);
        audit::record_in(conn, &revoked_event(event.detail("by", "disabled"), row));
    }
    if !revoked.is_empty() {
        let names: Vec<&str> = revoked.iter().map(|r| r.name.as_str()).collect();
        let mail = notices::pat_revoked(&owner.email, &names, PatRevoker::Disabled, context);
        crate::db::outbox::enqueue(conn, &notifier.render(&mail, owner.locale())?)?;
    }
    Ok(revoked.len())
}

/// The `pat_revoked` event of `row`.
pub fn revoked_event(event: Event, row: &PatRow) -> Event {
    event
        .detail("token_id", row.id)
        .detail("name", row.name.clone())
}
