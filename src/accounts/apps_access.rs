//! "Apps with access" (API.md part three, section 1, "Client sessions and tokens"): the apps a
//! user let in (a remembered consent) or that hold a live client session of theirs, taking that
//! access back, and the `app_authorized` notice of a first consent or a device approval. Both faces call these.

use std::collections::BTreeMap;

use time::PrimitiveDateTime;

use super::{notices, Accounts};
use crate::audit::{self, Event, EventKind};
use crate::auth::scopes::in_words;
use crate::db::clients::ClientRow;
use crate::db::oauth::Consent;
use crate::db::outbox::NewMessage;
use crate::db::sessions::{self, Session, SessionLimits};
use crate::db::users::User;
use crate::error::AppError;
use crate::http::client::ClientInfo;
use crate::mail::Context;

/// Why an app's client sessions ended when its access was taken back (kept on the sessions).
pub const REVOKED_REASON: &str = "app access revoked";

/// An app with access to a user's account: a consent, live client sessions, or both.
#[derive(Debug, Clone)]
pub struct AppAccess {
    pub client_id: String,
    pub client_name: String,
    /// Space-separated: the consent's scopes, else what the live sessions hold.
    pub scope: String,
    /// `None` when no consent is remembered (a first-party app, which never asks).
    pub consented_at: Option<PrimitiveDateTime>,
    /// The latest use of the consent or of a live session; `None` when never used.
    pub last_used_at: Option<PrimitiveDateTime>,
    pub live_sessions: i64,
}

impl AppAccess {
    fn new(client_id: String) -> Self {
        Self {
            client_name: client_id.clone(),
            client_id,
            scope: String::new(),
            consented_at: None,
            last_used_at: None,
            live_sessions: 0,
        }
    }

    /// Each scope in words ("See your username"), or its name when Sigil has none for it.
    pub fn scopes_in_words(&self) -> Vec<String> {
        describe(self.scope.split(' ').filter(|s| !s.is_empty()))
    }
}

/// Scopes in words, for people: the words of the consent page, then the scope's name.
fn describe<'a>(scopes: impl Iterator<Item = &'a str>) -> Vec<String> {
    scopes
        .map(|s| match in_words(s) {
            Some(words) => format!("{words} ({s})"),
            None => s.to_string(),
        })
        .collect()
}

/// Whether a client session still counts: neither ended nor past a limit the sweep has not
/// reached yet.
fn is_live(session: &Session, limits: &SessionLimits, now: PrimitiveDateTime) -> bool {
    session.revoked_at.is_none()
        && session.expires_at > now
        && session.timed_out(limits, now).is_none()
}

impl Accounts {
    /// The apps with access to the user's account: each client with a remembered consent or a
    /// live client session, by name.
    pub async fn apps_with_access(&self, user_id: i32) -> Result<Vec<AppAccess>, AppError> {
        let limits = self.tokens.limits;
        self.db
            .run(move |conn| {
                let mut apps: BTreeMap<String, AppAccess> = BTreeMap::new();
                for consent in Consent::for_user(conn, user_id)? {
                    let app = apps
                        .entry(consent.client_id.clone())
                        .or_insert_with(|| AppAccess::new(consent.client_id.clone()));
                    app.scope = consent.scope;
                    app.consented_at = Some(consent.consented_at);
                    app.last_used_at = consent.last_used_at;
                }
                let now = crate::db::now();
                for session in Session::live_for_clients(conn, user_id)? {
                    let Some(client_id) = session.client_id.clone() else {
                        continue;
                    };
                    if !is_live(&session, &limits, now) {
                        continue;
                    }
                    let app = apps
                        .entry(client_id.clone())
                        .or_insert_with(|| AppAccess::new(client_id));
                    app.live_sessions += 1;
                    app.last_used_at = app.last_used_at.max(Some(session.last_used_at));
                    if app.consented_at.is_none() {
                        for s in session.scope.as_deref().unwrap_or("").split(' ') {
                            if !s.is_empty() && !app.scope.split(' ').any(|held| held == s) {
                                app.scope = [app.scope.as_str(), s].join(" ").trim().to_string();
                            }
                        }
                    }
                }
                let mut list: Vec<AppAccess> = apps.into_values().collect();
                for app in &mut list {
                    if let Some(client) = ClientRow::find(conn, &app.client_id)? {
                        app.client_name = client.client_name;
                    }
                }
                list.sort_by(|a, b| {
                    (a.client_name.to_lowercase(), &a.client_id)
                        .cmp(&(b.client_name.to_lowercase(), &b.client_id))
                });
                Ok(list)
            })
            .await
    }

    /// Takes an app's access back, in one transaction: the consent goes (the next request asks
    /// again), the user's sessions with the app end (their refresh families, and their access
    /// tokens by `sid`) with their logout tokens queued, and `consent_revoked` is recorded. 404 when the app has neither a consent nor a live session of this user.
    pub async fn revoke_app(
        &self,
        user_id: i32,
        client_id: &str,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let limits = self.tokens.limits;
        let event = Event::new(EventKind::ConsentRevoked, client)
            .user(user_id)
            .actor(user_id)
            .detail("client_id", client_id)
            .detail("by", "user");
        let client_id = client_id.to_string();
        let found = self
            .db
            .run(move |conn| {
                Ok(crate::db::write_transaction(conn, |conn| {
                    let consented = Consent::revoke(conn, user_id, &client_id)?;
                    // A code given out a moment ago, or a request waiting, must not start a
                    // session after the user took the access back.
                    crate::db::oauth::CodeRow::drop_unused(conn, user_id, &client_id)?;
                    let ended = sessions::end_sessions_with_client(
                        conn,
                        user_id,
                        &client_id,
                        REVOKED_REASON,
                    )?;
                    let now = crate::db::now();
                    if !consented && !ended.iter().any(|s| is_live(s, &limits, now)) {
                        return Ok::<_, diesel::result::Error>(false);
                    }
                    audit::record_in(conn, &event);
                    Ok(true)
                })?)
            })
            .await?;
        if found {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The `app_authorized` notice for a consent `user` gave on the consent page just now
    /// (`consented`) to `client`, ready for the outbox; `None` for a first-party client or a
    /// consent remembered from before. It is sent only when the consent turns out to be the
    /// user's first to that client (`Consent::grant` says so in the approving transaction).
    pub(super) fn app_authorized_notice(
        &self,
        consented: bool,
        user: &User,
        client: &ClientRow,
        scope: &[String],
        info: &ClientInfo,
    ) -> Result<Option<NewMessage>, AppError> {
        if !consented || client.first_party {
            return Ok(None);
        }
        self.app_authorized_mail(user, client, scope, info)
            .map(Some)
    }

    /// The `app_authorized` notice to `user` that `client` may now use `scope`, ready for the
    /// outbox: after a first consent, and after every device approval (a code typed on a
    /// phished page lets a stranger's device in, so the owner hears of each one).
    pub(super) fn app_authorized_mail(
        &self,
        user: &User,
        client: &ClientRow,
        scope: &[String],
        info: &ClientInfo,
    ) -> Result<NewMessage, AppError> {
        let notice = notices::app_authorized(
            &user.email,
            &client.client_name,
            &describe(scope.iter().map(String::as_str)),
            format!("{}/account#apps", self.notifier.settings.public_url),
            &Context::of(info),
        );
        self.notifier.render(&notice, user.locale())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_read_in_words_and_unknown_ones_by_name() {
        let words = describe(["openid", "posts:read", "future:thing"].into_iter());
        assert_eq!(words[0], "Sign you in with your Sigil account (openid)");
        assert!(words[1].ends_with("(posts:read)"), "{}", words[1]);
        assert_eq!(words[2], "future:thing");
    }
}
