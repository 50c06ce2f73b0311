//! The security audit trail: one way to record an event ([`record`], or [`record_in`] inside a
//! transaction), the kinds there are, and the background purge.
//!
//! Recording never fails the request that causes it: a write that fails is logged and
//! dropped. Every event is also one log line (target `sigil::audit`). An event never holds a
//! password, a token or a code: callers put only names, ids and outcomes in `detail`.

use std::net::IpAddr;
use std::time::Duration;

use diesel::Connection as _;
use serde_json::{Map, Value};

use crate::background::{Background, StopSignal};
use crate::db::events::{EventRow, NewEvent};
use crate::db::{Db, DbConnection};
use crate::http::client::ClientInfo;

/// Every kind of security event, with the words a person reads for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    SignIn,
    SignInFailed,
    SignOut,
    LogoutAll,
    SessionRevoked,
    RefreshTokenReuse,
    PasswordChanged,
    PasswordResetRequested,
    PasswordReset,
    EmailChangeRequested,
    EmailChanged,
    EmailVerified,
    RateLimited,
    UserDisabled,
    UserEnabled,
    AdminLogoutAll,
    AdminPasswordReset,
    RoleChanged,
    UserDeleted,
    SecondFactorFailed,
    TotpEnabled,
    TotpDisabled,
    RecoveryCodesRegenerated,
    RecoveryCodeUsed,
    Reauthenticated,
    AccountDeleted,
    TokenRevoked,
    PasskeyAdded,
    PasskeyRemoved,
    PasskeyUsed,
    PasskeyCloneSuspected,
    PasswordCheckFailed,
    PatCreated,
    PatRevoked,
    SignInDelayed,
    SignInFailuresCleared,
    SessionExpired,
    InvitationCreated,
    InvitationRevoked,
    InvitationAccepted,
    ConsentGranted,
    ConsentDenied,
    ConsentRevoked,
    OauthGrant,
    OauthCodeReuse,
    ClientCreated,
    ClientUpdated,
    ClientDeleted,
    ClientSecretRotated,
    BackchannelLogoutFailed,
    ProviderSignInFailed,
    IdentityLinked,
    IdentityUnlinked,
}

impl EventKind {
    pub const ALL: [EventKind; 53] = [
        Self::SignIn,
        Self::SignInFailed,
        Self::SignOut,
        Self::LogoutAll,
        Self::SessionRevoked,
        Self::RefreshTokenReuse,
        Self::PasswordChanged,
        Self::PasswordResetRequested,
        Self::PasswordReset,
        Self::EmailChangeRequested,
        Self::EmailChanged,
        Self::EmailVerified,
        Self::RateLimited,
        Self::UserDisabled,
        Self::UserEnabled,
        Self::AdminLogoutAll,
        Self::AdminPasswordReset,
        Self::RoleChanged,
        Self::UserDeleted,
        Self::SecondFactorFailed,
        Self::TotpEnabled,
        Self::TotpDisabled,
        Self::RecoveryCodesRegenerated,
        Self::RecoveryCodeUsed,
        Self::Reauthenticated,
        Self::AccountDeleted,
        Self::TokenRevoked,
        Self::PasskeyAdded,
        Self::PasskeyRemoved,
        Self::PasskeyUsed,
        Self::PasskeyCloneSuspected,
        Self::PasswordCheckFailed,
        Self::PatCreated,
        Self::PatRevoked,
        Self::SignInDelayed,
        Self::SignInFailuresCleared,
        Self::SessionExpired,
        Self::InvitationCreated,
        Self::InvitationRevoked,
        Self::InvitationAccepted,
        Self::ConsentGranted,
        Self::ConsentDenied,
        Self::ConsentRevoked,
        Self::OauthGrant,
        Self::OauthCodeReuse,
        Self::ClientCreated,
        Self::ClientUpdated,
        Self::ClientDeleted,
        Self::ClientSecretRotated,
        Self::BackchannelLogoutFailed,
        Self::ProviderSignInFailed,
        Self::IdentityLinked,
        Self::IdentityUnlinked,
    ];

    /// The stored name, also the `kind` of the JSON face and the `?kind=` filter.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignInFailed => "sign_in_failed",
            Self::SignOut => "sign_out",
            Self::LogoutAll => "logout_all",
            Self::SessionRevoked => "session_revoked",
            Self::RefreshTokenReuse => "refresh_token_reuse",
            Self::PasswordChanged => "password_changed",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::PasswordReset => "password_reset",
            Self::EmailChangeRequested => "email_change_requested",
            Self::EmailChanged => "email_changed",
            Self::EmailVerified => "email_verified",
            Self::RateLimited => "rate_limited",
            Self::UserDisabled => "user_disabled",
            Self::UserEnabled => "user_enabled",
            Self::AdminLogoutAll => "admin_logout_all",
            Self::AdminPasswordReset => "admin_password_reset",
            Self::RoleChanged => "role_changed",
            Self::UserDeleted => "user_deleted",
            Self::SecondFactorFailed => "second_factor_failed",
            Self::TotpEnabled => "totp_enabled",
            Self::TotpDisabled => "totp_disabled",
            Self::RecoveryCodesRegenerated => "recovery_codes_regenerated",
            Self::RecoveryCodeUsed => "recovery_code_used",
            Self::Reauthenticated => "reauthenticated",
            Self::AccountDeleted => "account_deleted",
            Self::TokenRevoked => "token_revoked",
            Self::PasskeyAdded => "passkey_added",
            Self::PasskeyRemoved => "passkey_removed",
            Self::PasskeyUsed => "passkey_used",
            Self::PasskeyCloneSuspected => "passkey_clone_suspected",
            Self::PasswordCheckFailed => "password_check_failed",
            Self::PatCreated => "pat_created",
            Self::PatRevoked => "pat_revoked",
            Self::SignInDelayed => "sign_in_delayed",
            Self::SignInFailuresCleared => "sign_in_failures_cleared",
            Self::SessionExpired => "session_expired",
            Self::InvitationCreated => "invitation_created",
            Self::InvitationRevoked => "invitation_revoked",
            Self::InvitationAccepted => "invitation_accepted",
            Self::ConsentGranted => "consent_granted",
            Self::ConsentDenied => "consent_denied",
            Self::ConsentRevoked => "consent_revoked",
            Self::OauthGrant => "oauth_grant",
            Self::OauthCodeReuse => "oauth_code_reuse",
            Self::ClientCreated => "client_created",
            Self::ClientUpdated => "client_updated",
            Self::ClientDeleted => "client_deleted",
            Self::ClientSecretRotated => "client_secret_rotated",
            Self::BackchannelLogoutFailed => "backchannel_logout_failed",
            Self::ProviderSignInFailed => "provider_sign_in_failed",
            Self::IdentityLinked => "identity_linked",
            Self::IdentityUnlinked => "identity_unlinked",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
                format!("Unknown event kind; use one of {}.", names.join(", "))
            })
    }

    /// What happened, in a few words, for the activity lists.
    pub fn label(self) -> &'static str {
        match self {
            Self::SignIn => "Signed in",
            Self::SignInFailed => "Failed sign-in",
            Self::SignOut => "Signed out",
            Self::LogoutAll => "Signed out everywhere",
            Self::SessionRevoked => "Session revoked",
            Self::RefreshTokenReuse => "Refresh token reused: session ended",
            Self::PasswordChanged => "Password changed",
            Self::PasswordResetRequested => "Password reset requested",
            Self::PasswordReset => "Password reset with an e-mailed link",
            Self::EmailChangeRequested => "E-mail change requested",
            Self::EmailChanged => "E-mail address changed",
            Self::EmailVerified => "E-mail address verified",
            Self::RateLimited => "Too many sign-in attempts",
            Self::UserDisabled => "Account disabled by an administrator",
            Self::UserEnabled => "Account enabled by an administrator",
            Self::AdminLogoutAll => "Signed out everywhere by an administrator",
            Self::AdminPasswordReset => "Reset link sent by an administrator",
            Self::RoleChanged => "Role changed by an administrator",
            Self::UserDeleted => "Account deleted by an administrator",
            Self::SecondFactorFailed => "Wrong second-factor code",
            Self::TotpEnabled => "Authenticator app added",
            Self::TotpDisabled => "Authenticator app removed",
            Self::RecoveryCodesRegenerated => "New recovery codes made",
            Self::RecoveryCodeUsed => "Recovery code used",
            Self::Reauthenticated => "Confirmed it was you",
            Self::AccountDeleted => "Account deleted",
            Self::TokenRevoked => "Token revoked by a client",
            Self::PasskeyAdded => "Passkey added",
            Self::PasskeyRemoved => "Passkey removed",
            Self::PasskeyUsed => "Passkey used",
            Self::PasskeyCloneSuspected => "Passkey refused: its counter went backwards",
            Self::PasswordCheckFailed => "Wrong current password",
            Self::PatCreated => "Personal access token created",
            Self::PatRevoked => "Personal access token revoked",
            Self::SignInDelayed => "Sign-ins delayed after failures",
            Self::SignInFailuresCleared => "Failed sign-ins cleared",
            Self::SessionExpired => "Session timed out",
            Self::InvitationCreated => "Invitation sent",
            Self::InvitationRevoked => "Invitation revoked",
            Self::InvitationAccepted => "Invitation accepted",
            Self::ConsentGranted => "Access granted to an app",
            Self::ConsentDenied => "Access denied to an app",
            Self::ConsentRevoked => "Access revoked from an app",
            Self::OauthGrant => "Tokens issued to an app",
            Self::OauthCodeReuse => "Authorization code used twice",
            Self::ClientCreated => "OAuth client registered",
            Self::ClientUpdated => "OAuth client changed",
            Self::ClientDeleted => "OAuth client deleted",
            Self::ClientSecretRotated => "OAuth client secret rotated",
            Self::BackchannelLogoutFailed => "An app was not told of a sign-out",
            Self::ProviderSignInFailed => "Failed sign-in with another provider",
            Self::IdentityLinked => "Sign-in provider linked",
            Self::IdentityUnlinked => "Sign-in provider unlinked",
        }
    }
}

/// An event about to be recorded: its kind, whose account it concerns, who acted (the user
/// themselves, or an administrator), where the request came from, and a few facts.
#[derive(Debug, Clone)]
pub struct Event {
    kind: EventKind,
    user_id: Option<i32>,
    actor_id: Option<i32>,
    ip: Option<IpAddr>,
    user_agent: Option<String>,
    detail: Map<String, Value>,
}

impl Event {
    pub fn new(kind: EventKind, client: &ClientInfo) -> Self {
        Self {
            kind,
            user_id: None,
            actor_id: None,
            ip: client.ip,
            user_agent: client.user_agent.clone(),
            detail: Map::new(),
        }
    }

    /// The account the event concerns.
    pub fn user(mut self, id: i32) -> Self {
        self.user_id = Some(id);
        self
    }

    /// Who acted, when someone signed in did: the user, or the administrator acting on them.
    pub fn actor(mut self, id: i32) -> Self {
        self.actor_id = Some(id);
        self
    }

    /// A fact about the event (never a secret).
    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.detail.insert(key.to_string(), value.into());
        self
    }

    /// The same event, of another kind (one action that records several kinds).
    pub fn with_kind(mut self, kind: EventKind) -> Self {
        self.kind = kind;
        self
    }

    pub fn kind(&self) -> EventKind {
        self.kind
    }

    fn row(&self) -> NewEvent<'static> {
        NewEvent {
            kind: self.kind.as_str(),
            user_id: self.user_id,
            actor_id: self.actor_id,
            ip: self.ip.map(|ip| ip.to_string()),
            user_agent: self
                .user_agent
                .as_deref()
                .map(|ua| ua.chars().take(255).collect()),
            detail: (!self.detail.is_empty())
                .then(|| Value::Object(self.detail.clone()).to_string()),
            created_at: crate::db::now(),
        }
    }

    fn log(&self) {
        let show = |id: Option<i32>| id.map_or_else(|| "-".to_string(), |id| id.to_string());
        log::info!(
            target: "sigil::audit",
            "{} user={} actor={} ip={} detail={}",
            self.kind.as_str(),
            show(self.user_id),
            show(self.actor_id),
            self.ip.map_or_else(|| "-".to_string(), |ip| ip.to_string()),
            Value::Object(self.detail.clone()),
        );
    }
}

/// Records `event` (and logs it). A failure to write is logged, never returned.
pub async fn record(db: &Db, event: Event) {
    event.log();
    let row = event.row();
    if let Err(e) = db.run(move |conn| Ok(EventRow::insert(conn, &row)?)).await {
        log::error!(
            target: "sigil::audit",
            "could not record {} event: {e:?}",
            event.kind.as_str()
        );
    }
}

/// Records `event` inside the caller's transaction, in a savepoint: it commits with what it
/// describes, and a failure to write it is logged without undoing the rest.
pub fn record_in(conn: &mut DbConnection, event: &Event) {
    event.log();
    let row = event.row();
    if let Err(e) = conn.transaction(|conn| EventRow::insert(conn, &row)) {
        log::error!(
            target: "sigil::audit",
            "could not record {} event: {e:?}",
            event.kind.as_str()
        );
    }
}

/// Events one batch of the purge deletes: a short write (milliseconds on either backend),
/// so that no request waits long behind it.
const PURGE_BATCH: i64 = 1_000;

/// Deletes events older than `retention_days`, now and then every hour, on a thread of its
/// own until the background threads are stopped.
pub fn start_purge(db: Db, retention_days: u32, background: &Background) -> std::io::Result<()> {
    background.spawn("sigil-audit-purge", move |stop| loop {
        let cutoff = crate::db::now() - time::Duration::days(i64::from(retention_days));
        let (purged, failure) = purge(&db, cutoff, &stop);
        if purged > 0 {
            log::info!(
                target: "sigil::audit",
                "purged {purged} events older than {retention_days} days"
            );
        }
        if let Some(e) = failure {
            log::warn!(target: "sigil::audit", "could not purge old events: {e}");
        }
        // Hourly; at shutdown the sleep ends at once.
        if stop.sleep(Duration::from_secs(3600)) {
            return;
        }
    })
}

/// Deletes every event recorded before `cutoff`, [`PURGE_BATCH`] at a time, oldest first. Each
/// batch is its own statement on a connection taken from the pool and given back, and the
/// thread rests after it for as long as it took: on SQLite, whose one write lock a delete
/// holds, the purge leaves the lock free at least half of the time, so a sign-in (which
/// writes) waits one batch at most instead of the whole purge. At shutdown it stops between
/// batches; the rest goes at the next start. Returns how many went, and the error that
/// stopped it early.
fn purge(db: &Db, cutoff: time::PrimitiveDateTime, stop: &StopSignal) -> (usize, Option<String>) {
    let mut purged = 0;
    let mut from = None;
    loop {
        let started = std::time::Instant::now();
        let batch = db.get().map_err(|e| e.to_string()).and_then(|mut conn| {
            EventRow::purge_batch(&mut conn, cutoff, from, PURGE_BATCH).map_err(|e| e.to_string())
        });
        match batch {
            Ok(Some(batch)) => {
                purged += batch.deleted;
                if !batch.more {
                    return (purged, None);
                }
                from = Some(batch.last);
            }
            Ok(None) => return (purged, None),
            Err(e) => return (purged, Some(e)),
        }
        if stop.sleep(started.elapsed()) {
            return (purged, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_unknown_ones_are_refused() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Ok(kind));
        }
        let e = EventKind::parse("sign_in; drop table").unwrap_err();
        assert!(e.contains("sign_in_failed"), "{e}");
    }

    #[test]
    fn detail_is_an_object_and_absent_when_empty() {
        let client = ClientInfo {
            ip: Some("192.0.2.9".parse().unwrap()),
            user_agent: Some("x".repeat(300)),
        };
        let row = Event::new(EventKind::SignInFailed, &client)
            .detail("login", "alice")
            .row();
        assert_eq!(row.detail.as_deref(), Some(r#"{"login":"alice"}"#));
        assert_eq!(row.ip.as_deref(), Some("192.0.2.9"));
        assert_eq!(row.user_agent.map(|ua| ua.len()), Some(255));
        assert_eq!(Event::new(EventKind::SignIn, &client).row().detail, None);
    }
}
