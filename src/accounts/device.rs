//! The device authorization grant (RFC 8628; API.md part three, section 1): a device with no
//! browser (a TV, a CLI) starts a flow and shows a user code; its user approves it on
//! `/device`, signed in on another screen; the device polls the token endpoint until it gets
//! tokens. Every step reads and writes the database row, so any instance can take any step.

use super::apps::{BrowserProof, ClientTokens};
use super::Accounts;
use crate::audit::{self, Event, EventKind};
use crate::auth::refresh;
use crate::db::clients::{ClientRow, DEVICE_CODE};
use crate::db::device_codes::{Answer, DeviceCode, NewDeviceCode, Pace, APPROVED, DENIED, PENDING};
use crate::db::oauth::Consent;
use crate::db::outbox;
use crate::db::sessions::{ClientBinding, Session};
use crate::db::users::User;
use crate::error::AppError;
use crate::http::client::ClientInfo;
use crate::oidc::device::{granted_scope, UserCode, INTERVAL_SECONDS};
use crate::oidc::Provider;

/// A started flow, for the device (RFC 8628 §3.2).
pub struct DeviceStart {
    /// 256 random bits, base64url; only its SHA-256 is stored.
    pub device_code: String,
    pub user_code: UserCode,
    /// Seconds both codes live.
    pub expires_in: i64,
    /// Seconds between polls.
    pub interval: i32,
}

impl std::fmt::Debug for DeviceStart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceStart(<redacted>)")
    }
}

/// A live code waiting for its user's answer, as the confirmation page shows it.
#[derive(Debug, Clone)]
pub struct PendingDevice {
    pub code: UserCode,
    pub client: ClientRow,
    /// Space-separated: what the device asked for.
    pub scope: String,
}

/// Why a typed user code cannot be answered. Each says so under the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    Unknown,
    Expired,
    Used,
}

impl CodeRefusal {
    /// What the page says under the field.
    pub fn message(self) -> &'static str {
        match self {
            Self::Unknown => "That code is not one Sigil gave out. Check it against your device.",
            Self::Expired => "That code has expired. Start again on your device to get a new one.",
            Self::Used => {
                "That code was already answered. Start again on your device if you need a new one."
            }
        }
    }
}

/// Why a poll got no tokens: the RFC 8628 §3.5 and RFC 6749 §5.2 errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollRefusal {
    /// The user has not answered yet.
    Pending,
    /// Too soon after the previous poll: the interval grew by 5 s.
    SlowDown,
    Denied,
    Expired,
    /// `invalid_grant`, saying why.
    Grant(&'static str),
}

impl PollRefusal {
    /// The `error` of the answer.
    pub fn error(self) -> &'static str {
        match self {
            Self::Pending => "authorization_pending",
            Self::SlowDown => "slow_down",
            Self::Denied => "access_denied",
            Self::Expired => "expired_token",
            Self::Grant(_) => "invalid_grant",
        }
    }

    /// Its `error_description`.
    pub fn description(self) -> &'static str {
        match self {
            Self::Pending => "The user has not answered yet; poll again after the interval.",
            Self::SlowDown => "Polling too fast: wait 5 seconds more between polls from now on.",
            Self::Denied => "The user denied the request.",
            Self::Expired => "The device code has expired; start again.",
            Self::Grant(why) => why,
        }
    }
}

/// Milliseconds since the Unix epoch, as the poll pacing stores them.
fn now_ms() -> i64 {
    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    i64::try_from(nanos / 1_000_000).unwrap_or(i64::MAX)
}

impl Accounts {
    /// Starts a flow for `client` (authenticated, registered for the device grant) with
    /// `scope` (checked as the code flow checks it). A user code already held by a live code
    /// is drawn again; the database's unique index decides, so two instances cannot hand out
    /// the same code.
    pub async fn start_device(
        &self,
        provider: &Provider,
        client: &ClientRow,
        scope: &[String],
    ) -> Result<DeviceStart, AppError> {
        let (device_code, hash) = refresh::generate();
        let now = crate::db::now();
        let (client_id, scope) = (client.client_id.clone(), scope.join(" "));
        let expires_at = now + provider.device_code_ttl;
        for _ in 0..5 {
            let user_code = UserCode::generate();
            let row = NewDeviceCode {
                device_code_hash: hash.clone(),
                user_code: user_code.as_str().to_string(),
                client_id: client_id.clone(),
                scope: scope.clone(),
                created_at: now,
                expires_at,
                interval_seconds: INTERVAL_SECONDS,
                decision: PENDING,
            };
            let stored = self
                .db
                .run(move |conn| Ok(DeviceCode::insert(conn, &row)?))
                .await?;
            if stored {
                return Ok(DeviceStart {
                    device_code,
                    user_code,
                    expires_in: provider.device_code_ttl.whole_seconds(),
                    interval: INTERVAL_SECONDS,
                });
            }
        }
        Err(AppError::internal(
            "five user codes in a row were taken: the code space is exhausted",
        ))
    }

    /// The live, unanswered code `code` with its client, or why it cannot be answered.
    pub async fn pending_device(
        &self,
        code: &UserCode,
    ) -> Result<Result<PendingDevice, CodeRefusal>, AppError> {
        let key = code.as_str().to_string();
        let found = self
            .db
            .run(move |conn| {
                let Some(row) = DeviceCode::find_by_user_code(conn, &key)? else {
                    return Ok(None);
                };
                let client = ClientRow::find(conn, &row.client_id)?;
                Ok(client.map(|c| (row, c)))
            })
            .await?;
        let Some((row, client)) = found else {
            return Ok(Err(CodeRefusal::Unknown));
        };
        if row.decision != PENDING {
            return Ok(Err(CodeRefusal::Used));
        }
        if row.expires_at <= crate::db::now() {
            return Ok(Err(CodeRefusal::Expired));
        }
        Ok(Ok(PendingDevice {
            code: code.clone(),
            client,
            scope: row.scope,
        }))
    }

    /// Records `user`'s answer to `code`, signed in as `browser` says. An approval grants the
    /// asked scopes this user may hold (no `admin:*` for someone who is not an administrator),
    /// is remembered as a consent (`consent_granted`, grant `device`), and is told by mail
    /// (`app_authorized`), first-party app or not: a code typed on a phished page lets a
    /// stranger's device in. A denial is `consent_denied`. The answer is one conditional
    /// write, so a second tab or another user answering the same code gets `Used`.
    pub async fn answer_device(
        &self,
        code: &UserCode,
        user: &User,
        browser: BrowserProof<'_>,
        allow: bool,
        info: &ClientInfo,
    ) -> Result<Result<PendingDevice, CodeRefusal>, AppError> {
        let pending = match self.pending_device(code).await? {
            Ok(pending) => pending,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let granted = match allow {
            true => granted_scope(&pending.scope, user.is_admin()),
            false => pending.scope.split(' ').map(str::to_string).collect(),
        };
        let client_id = pending.client.client_id.clone();
        let event = Event::new(
            match allow {
                true => EventKind::ConsentGranted,
                false => EventKind::ConsentDenied,
            },
            info,
        )
        .user(user.id)
        .actor(user.id)
        .detail("client_id", client_id.clone())
        .detail("scope", granted.join(" "))
        .detail("grant", "device");
        let notice = match allow {
            true => Some(self.app_authorized_mail(user, &pending.client, &granted, info)?),
            false => None,
        };
        let now = crate::db::now();
        let auth_time = time::OffsetDateTime::from_unix_timestamp(browser.auth_time)
            .map(crate::db::to_primitive)
            .unwrap_or(now);
        let (amr, user_id, key) = (browser.amr.join(" "), user.id, code.as_str().to_string());
        let answered = self
            .db
            .run(move |conn| {
                Ok(crate::db::write_transaction(conn, |conn| {
                    let Some(row) = DeviceCode::find_by_user_code(conn, &key)? else {
                        return Ok::<_, diesel::result::Error>(false);
                    };
                    let scope = granted.join(" ");
                    let answer = Answer {
                        decision: if allow { APPROVED } else { DENIED },
                        user_id,
                        scope: if allow { &scope } else { &row.scope },
                        auth_time,
                        amr: &amr,
                    };
                    if row.client_id != client_id
                        || !DeviceCode::answer(conn, &row.device_code_hash, &answer)?
                    {
                        return Ok(false);
                    }
                    if allow {
                        Consent::grant(conn, user_id, &client_id, &granted)?;
                    }
                    if let Some(notice) = &notice {
                        outbox::enqueue(conn, notice)?;
                    }
                    audit::record_in(conn, &event);
                    Ok(true)
                })?)
            })
            .await?;
        if !answered {
            return Ok(Err(CodeRefusal::Used));
        }
        if allow {
            self.notifier.wake();
        }
        Ok(Ok(pending))
    }

    /// A poll of the token endpoint (RFC 8628 §3.4) by `client`, authenticated and registered
    /// for the grant. In one transaction: another client's, a used or an unknown code is
    /// `invalid_grant` (and changes nothing); an expired one `expired_token`; a poll sooner
    /// than the interval after the previous one `slow_down` (the interval grows, in the
    /// database); then `authorization_pending`, `access_denied`, or, once, tokens: a client
    /// session of its own (no browser session ends it), with `oauth_grant`.
    pub async fn poll_device(
        &self,
        provider: &Provider,
        client: &ClientRow,
        device_code: &str,
        info: &ClientInfo,
    ) -> Result<Result<ClientTokens, PollRefusal>, AppError> {
        let hash = refresh::hash(device_code);
        let (refresh_token, refresh_hash, expires_at) = self.tokens.new_refresh_token();
        let expires_at = expires_at.min(self.tokens.limits.deadline(crate::db::now()));
        let client_id = client.client_id.clone();
        let info_for_db = info.clone();
        let outcome = self
            .db
            .run(move |conn| {
                Ok(crate::db::write_transaction(conn, |conn| {
                    let refused = |r: PollRefusal| Ok::<_, diesel::result::Error>(Err(r));
                    let Some(row) = DeviceCode::find(conn, &hash)? else {
                        return refused(PollRefusal::Grant("The device code is unknown."));
                    };
                    if row.client_id != client_id {
                        return refused(PollRefusal::Grant(
                            "The device code was issued to another client.",
                        ));
                    }
                    if row.exchanged_at.is_some() {
                        return refused(PollRefusal::Grant(
                            "The device code was already exchanged for tokens.",
                        ));
                    }
                    if row.expires_at <= crate::db::now() {
                        return refused(PollRefusal::Expired);
                    }
                    match DeviceCode::pace(conn, &hash, now_ms())? {
                        Pace::OnTime => {}
                        Pace::TooSoon => return refused(PollRefusal::SlowDown),
                        Pace::Unknown => {
                            return refused(PollRefusal::Grant("The device code is unknown."))
                        }
                    }
                    match row.decision.as_str() {
                        PENDING => return refused(PollRefusal::Pending),
                        DENIED => return refused(PollRefusal::Denied),
                        _ => {}
                    }
                    if !DeviceCode::take(conn, &hash)? {
                        return refused(PollRefusal::Grant(
                            "The device code was already exchanged for tokens.",
                        ));
                    }
                    let user = match row.user_id {
                        Some(id) => crate::db::users::User::find(conn, id)?,
                        None => None,
                    };
                    let Some(user) = user.filter(|u| !u.disabled) else {
                        return refused(PollRefusal::Grant("The user can no longer sign in."));
                    };
                    let binding = ClientBinding {
                        client_id: row.client_id.clone(),
                        scope: row.scope.clone(),
                        browser_sid: None,
                    };
                    let session = Session::start_bound(
                        conn,
                        user.id,
                        &info_for_db,
                        (row.amr.as_deref().unwrap_or_default(), row.auth_time),
                        (&refresh_hash, expires_at),
                        Some(&binding),
                    )?;
                    DeviceCode::set_session(conn, &hash, &session.id)?;
                    let event = Event::new(EventKind::OauthGrant, &info_for_db)
                        .user(user.id)
                        .actor(user.id)
                        .detail("client_id", row.client_id.clone())
                        .detail("grant_type", DEVICE_CODE)
                        .detail("scope", row.scope.clone())
                        .detail("sid", session.id.clone());
                    audit::record_in(conn, &event);
                    Ok(Ok((session, user)))
                })?)
            })
            .await?;
        let (session, user) = match outcome {
            Ok(started) => started,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let tokens = self
            .client_tokens(provider, client, &session, &user, refresh_token, None)
            .await?;
        Ok(Ok(tokens))
    }
}
