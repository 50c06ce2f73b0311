//! Apps that sign their users in through Sigil (API.md part three, section 1): the stored
//! authorization request, consent, the code, and the client sessions the token endpoint starts
//! and refreshes. A client session is a login session with a client (`ClientBinding`), so it
//! goes through the same rotation, reuse detection, limits and revocation as every other.

use serde::Serialize;

use super::Accounts;
use crate::audit::{self, Event, EventKind};
use crate::auth::extract::Authenticated;
use crate::auth::jwt;
use crate::auth::refresh;
use crate::db::clients::{ClientRow, REFRESH_TOKEN};
use crate::db::oauth::{CodeRow, CodeUse, Consent, StoredRequest};
use crate::db::outbox;
use crate::db::sessions::{self, ClientBinding, Session};
use crate::db::users::User;
use crate::error::AppError;
use crate::http::client::ClientInfo;
use crate::oidc::authorize::{verifier_matches, AuthorizationRequest};
use crate::oidc::id_token::{self, IdTokenClaims, ID_TOKEN_TYPE};
use crate::oidc::Provider;

/// A stored request, continued by its user.
#[derive(Debug, Clone)]
pub struct Continued {
    pub id: String,
    pub request: AuthorizationRequest,
    pub client: ClientRow,
    /// When the request was stored: `prompt=login` wants a sign-in after it.
    pub created_at: time::PrimitiveDateTime,
}

/// The token response of the code and refresh grants (RFC 6749 §5.1, OIDC Core §3.1.3.3).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ClientTokens {
    pub access_token: String,
    #[schema(example = "bearer")]
    pub token_type: &'static str,
    pub expires_in: i64,
    /// What was granted, space-separated.
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_expires_in: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl std::fmt::Debug for ClientTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientTokens(<redacted>)")
    }
}

/// The browser session an approval came from: its id and its proof of identity.
pub struct BrowserProof<'a> {
    pub sid: &'a str,
    pub auth_time: i64,
    pub amr: &'a [String],
}

impl<'a> From<&'a Authenticated> for BrowserProof<'a> {
    fn from(auth: &'a Authenticated) -> Self {
        Self {
            sid: &auth.claims.sid,
            auth_time: auth.claims.auth_time,
            amr: &auth.claims.amr,
        }
    }
}

impl Accounts {
    /// Stores a checked authorization request for ten minutes; its id names it in the URLs
    /// that follow.
    pub async fn store_authorization(
        &self,
        provider: &Provider,
        request: &AuthorizationRequest,
    ) -> Result<String, AppError> {
        let (id, _) = refresh::generate();
        let params = serde_json::to_string(request).map_err(AppError::internal)?;
        let expires_at = crate::db::now() + provider.request_ttl;
        let (key, client_id) = (id.clone(), request.client_id.clone());
        self.db
            .run(move |conn| {
                Ok(StoredRequest::insert(
                    conn, &key, &client_id, &params, expires_at,
                )?)
            })
            .await?;
        Ok(id)
    }

    /// The stored request `id` for `user_id` (who owns it from now on, if nobody did), with
    /// its client; `None` when it is unknown, used, expired, another user's, or its client
    /// is gone.
    pub async fn continue_authorization(
        &self,
        id: &str,
        user_id: Option<i32>,
    ) -> Result<Option<Continued>, AppError> {
        let key = id.to_string();
        let found = self
            .db
            .run(move |conn| {
                let stored = match user_id {
                    Some(user_id) => StoredRequest::claim(conn, &key, user_id)?,
                    None => StoredRequest::find_live(conn, &key)?,
                };
                let Some(stored) = stored else {
                    return Ok(None);
                };
                let client = ClientRow::find(conn, &stored.client_id)?;
                Ok(client.map(|c| (stored, c)))
            })
            .await?;
        let Some((stored, client)) = found else {
            return Ok(None);
        };
        let request: AuthorizationRequest = match serde_json::from_str(&stored.params) {
            Ok(r) => r,
            Err(e) => {
                log::warn!("a stored authorization request could not be read: {e}");
                return Ok(None);
            }
        };
        Ok(Some(Continued {
            id: stored.id,
            request,
            client,
            created_at: stored.created_at,
        }))
    }

    /// Whether `user` must see the consent page for `continued`: `prompt=consent`, or a client
    /// that is not first-party with no remembered consent covering the scopes (which holds
    /// `offline_access` to OIDC Core §11's rule: never granted without a consent to it).
    pub async fn consent_needed(
        &self,
        user: &User,
        continued: &Continued,
    ) -> Result<bool, AppError> {
        if continued.request.prompt.consent {
            return Ok(true);
        }
        if continued.client.first_party {
            return Ok(false);
        }
        let (user_id, client_id) = (user.id, continued.client.client_id.clone());
        let consent = self
            .db
            .run(move |conn| Ok(Consent::find(conn, user_id, &client_id)?))
            .await?;
        let scope = continued.request.scope_for(user.is_admin());
        Ok(!consent.is_some_and(|c| c.covers(&scope)))
    }

    /// The scopes of the remembered consent of `user` to `client_id`, for the consent page to
    /// mark what is new.
    pub async fn consented_scopes(
        &self,
        user_id: i32,
        client_id: &str,
    ) -> Result<Vec<String>, AppError> {
        let client_id = client_id.to_string();
        let consent = self
            .db
            .run(move |conn| Ok(Consent::find(conn, user_id, &client_id)?))
            .await?;
        Ok(consent
            .map(|c| c.scope.split(' ').map(str::to_string).collect())
            .unwrap_or_default())
    }

    /// Answers the request with a code for `user`, who is signed in as `browser` says and
    /// consented just now (`consented`) or before. The request is marked used in the same
    /// transaction, so a second tab or a replayed form gets `None` and no code. A new consent
    /// is remembered (the union of the scopes) and is an event; a user's first consent to an
    /// app that is not first-party is also told by mail (`app_authorized`).
    pub async fn approve(
        &self,
        provider: &Provider,
        continued: &Continued,
        user: &User,
        browser: BrowserProof<'_>,
        consented: bool,
        client: &ClientInfo,
    ) -> Result<Option<String>, AppError> {
        // 256 random bits, kept only as SHA-256, as a refresh token is.
        let (code, code_hash) = refresh::generate();
        let scope = continued.request.scope_for(user.is_admin());
        let now = crate::db::now();
        let auth_time = time::OffsetDateTime::from_unix_timestamp(browser.auth_time)
            .map(crate::db::to_primitive)
            .unwrap_or(now);
        let row = CodeRow {
            code_hash,
            client_id: continued.client.client_id.clone(),
            user_id: user.id,
            redirect_uri: continued.request.redirect_uri.clone(),
            code_challenge: continued.request.code_challenge.clone(),
            nonce: continued.request.nonce.clone(),
            scope: scope.join(" "),
            browser_sid: browser.sid.to_string(),
            auth_time,
            amr: browser.amr.join(" "),
            created_at: now,
            expires_at: now + provider.code_ttl,
            used_at: None,
            session_id: None,
        };
        let (id, user_id, client_id) = (
            continued.id.clone(),
            user.id,
            continued.client.client_id.clone(),
        );
        let event = consented.then(|| {
            Event::new(EventKind::ConsentGranted, client)
                .user(user_id)
                .actor(user_id)
                .detail("client_id", client_id.clone())
                .detail("scope", scope.join(" "))
                .detail("grant", "authorization_code")
        });
        let notice =
            self.app_authorized_notice(consented, user, &continued.client, &scope, client)?;
        let (code, announced) = self
            .db
            .run(move |conn| {
                Ok(crate::db::write_transaction(conn, |conn| {
                    if !StoredRequest::finish(conn, &id, user_id)? {
                        return Ok::<_, diesel::result::Error>((None, false));
                    }
                    let mut announced = false;
                    if let Some(event) = &event {
                        let first = Consent::grant(conn, user_id, &client_id, &scope)?;
                        if let Some(notice) = notice.as_ref().filter(|_| first) {
                            outbox::enqueue(conn, notice)?;
                            announced = true;
                        }
                        audit::record_in(conn, event);
                    } else {
                        Consent::touch(conn, user_id, &client_id)?;
                    }
                    CodeRow::insert(conn, &row)?;
                    Ok((Some(code), announced))
                })?)
            })
            .await?;
        if announced {
            self.notifier.wake();
        }
        Ok(code)
    }

    /// The user said no: the request is used up, and the denial is an event. `false` when it
    /// was already answered.
    pub async fn deny(
        &self,
        continued: &Continued,
        user: &User,
        client: &ClientInfo,
    ) -> Result<bool, AppError> {
        let (id, user_id) = (continued.id.clone(), user.id);
        let event = Event::new(EventKind::ConsentDenied, client)
            .user(user_id)
            .actor(user_id)
            .detail("client_id", continued.client.client_id.clone())
            .detail("scope", continued.request.scope.join(" "))
            .detail("grant", "authorization_code");
        self.db
            .run(move |conn| {
                Ok(crate::db::write_transaction(conn, |conn| {
                    let done = StoredRequest::finish(conn, &id, user_id)?;
                    if done {
                        audit::record_in(conn, &event);
                    }
                    Ok::<_, diesel::result::Error>(done)
                })?)
            })
            .await
    }

    /// The code grant (RFC 6749 §4.1.3, RFC 7636 §4.6) for an authenticated `client`. The code
    /// is taken in the transaction that starts the client session, so two racing uses cannot
    /// both get tokens; a code used before revokes the session its tokens came from
    /// (`oauth_code_reuse`). Each refusal is `invalid_grant`, saying why.
    pub async fn exchange_code(
        &self,
        provider: &Provider,
        client: &ClientRow,
        (code, redirect_uri, verifier): (&str, &str, &str),
        info: &ClientInfo,
    ) -> Result<Result<ClientTokens, &'static str>, AppError> {
        let code_hash = refresh::hash(code);
        let (refresh_token, refresh_hash, expires_at) = self.tokens.new_refresh_token();
        let expires_at = expires_at.min(self.tokens.limits.deadline(crate::db::now()));
        let (client_id, redirect_uri, verifier) = (
            client.client_id.clone(),
            redirect_uri.to_string(),
            verifier.to_string(),
        );
        let info_for_db = info.clone();
        let limits = self.tokens.limits;
        let outcome = self
            .db
            .run(move |conn| {
                Ok(crate::db::write_transaction(conn, |conn| {
                    let row = match CodeRow::take(conn, &code_hash)? {
                        CodeUse::Unknown => {
                            return Ok::<_, diesel::result::Error>(Err(Refused::Grant(
                                "The code is unknown or has expired.",
                            )))
                        }
                        CodeUse::Replayed(row) => {
                            if let Some(sid) = &row.session_id {
                                Session::revoke_for_user(conn, sid, row.user_id, "code reuse")?;
                            }
                            let event = Event::new(EventKind::OauthCodeReuse, &info_for_db)
                                .user(row.user_id)
                                .detail("client_id", row.client_id.clone());
                            audit::record_in(conn, &event);
                            return Ok(Err(Refused::Grant(
                                "The code was already used; the tokens issued for it are revoked.",
                            )));
                        }
                        CodeUse::First(row) => row,
                    };
                    if row.client_id != client_id {
                        return Ok(Err(Refused::Grant(
                            "The code was issued to another client.",
                        )));
                    }
                    if row.redirect_uri != redirect_uri {
                        return Ok(Err(Refused::Grant(
                            "redirect_uri is not the one of the authorization request.",
                        )));
                    }
                    if !verifier_matches(&verifier, &row.code_challenge) {
                        return Ok(Err(Refused::Grant(
                            "The code_verifier does not match the code_challenge.",
                        )));
                    }
                    let user = match crate::db::users::User::find(conn, row.user_id)? {
                        Some(u) if !u.disabled => u,
                        _ => return Ok(Err(Refused::Grant("The user can no longer sign in."))),
                    };
                    let now = crate::db::now();
                    let browser_live = Session::find(conn, &row.browser_sid)?.is_some_and(|s| {
                        s.revoked_at.is_none()
                            && s.user_id == user.id
                            && s.timed_out(&limits, now).is_none()
                    });
                    if !browser_live {
                        return Ok(Err(Refused::Grant(
                            "The sign-in this code came from has ended.",
                        )));
                    }
                    let binding = ClientBinding {
                        client_id: row.client_id.clone(),
                        scope: row.scope.clone(),
                        browser_sid: Some(row.browser_sid.clone()),
                    };
                    let session = Session::start_bound(
                        conn,
                        user.id,
                        &info_for_db,
                        (&row.amr, Some(row.auth_time)),
                        (&refresh_hash, expires_at),
                        Some(&binding),
                    )?;
                    CodeRow::set_session(conn, &code_hash, &session.id)?;
                    let event = Event::new(EventKind::OauthGrant, &info_for_db)
                        .user(user.id)
                        .actor(user.id)
                        .detail("client_id", row.client_id.clone())
                        .detail("grant_type", "authorization_code")
                        .detail("scope", row.scope.clone())
                        .detail("sid", session.id.clone());
                    audit::record_in(conn, &event);
                    Ok(Ok((session, user, row.nonce)))
                })?)
            })
            .await?;
        let (session, user, nonce) = match outcome {
            Ok(started) => started,
            Err(Refused::Grant(why)) => return Ok(Err(why)),
        };
        let tokens = self
            .client_tokens(
                provider,
                client,
                &session,
                &user,
                refresh_token,
                nonce.as_deref(),
            )
            .await?;
        Ok(Ok(tokens))
    }

    /// The refresh grant for an authenticated `client`: part one's rotation, grace and reuse
    /// detection, on the client's own session only. `scope` may narrow what the new access
    /// token holds, never widen it (`invalid_scope`).
    pub async fn refresh_for_client(
        &self,
        provider: &Provider,
        client: &ClientRow,
        presented: &str,
        scope: Option<&str>,
        info: &ClientInfo,
    ) -> Result<Result<ClientTokens, AppError>, AppError> {
        let hash = refresh::hash(presented);
        let state = self
            .db
            .run(move |conn| Ok(sessions::RefreshState::find(conn, &hash)?))
            .await?;
        let narrowed = match (scope, &state) {
            (Some(asked), Some(state))
                if state.session.client_id.as_deref() == Some(&client.client_id) =>
            {
                let held: Vec<&str> = state
                    .session
                    .scope
                    .as_deref()
                    .unwrap_or("")
                    .split(' ')
                    .collect();
                let asked: Vec<&str> = asked.split(' ').filter(|s| !s.is_empty()).collect();
                if asked.is_empty() || asked.iter().any(|s| !held.contains(s)) {
                    return Ok(Err(AppError::oauth(
                        "invalid_scope",
                        "A refresh may narrow the scope, never widen it.",
                    )));
                }
                Some(asked.join(" "))
            }
            _ => None,
        };
        let rotated = self
            .rotate_for(presented, info, Some(client.client_id.clone()))
            .await?;
        let (pair, mut session, user) = match rotated {
            Ok(done) => done,
            Err(refusal) => return Ok(Err(refusal.oauth())),
        };
        if let Some(narrowed) = narrowed {
            session.scope = Some(narrowed);
        }
        let tokens = self
            .client_tokens(provider, client, &session, &user, pair.refresh_token, None)
            .await?;
        Ok(Ok(tokens))
    }

    /// The response for a client session: its access token (the session's scope), the
    /// refresh token when the client has that grant, an id_token with `openid`.
    pub(super) async fn client_tokens(
        &self,
        provider: &Provider,
        client: &ClientRow,
        session: &Session,
        user: &User,
        refresh_token: String,
        nonce: Option<&str>,
    ) -> Result<ClientTokens, AppError> {
        let (access_token, claims) = self.tokens.issue_access(user, session)?;
        let scope = session.scope.clone().unwrap_or_default();
        let openid = scope.split(' ').any(|s| s == "openid");
        let id_token = match openid {
            true => {
                let key = provider.keys.current().await?;
                let now = jwt::unix_now();
                let claims = IdTokenClaims {
                    iss: &provider.issuer,
                    aud: &client.client_id,
                    iat: now,
                    exp: now + self.tokens.policy.access_ttl_seconds,
                    auth_time: claims.auth_time,
                    nonce,
                    amr: claims.amr.iter().map(String::as_str).collect(),
                    sid: &session.id,
                    at_hash: id_token::at_hash(&access_token),
                    user: id_token::user_claims(user, scope.split(' ')),
                };
                Some(key.sign(ID_TOKEN_TYPE, &claims)?)
            }
            false => None,
        };
        let with_refresh = client.allows_grant(REFRESH_TOKEN);
        let left = self.tokens.limits.deadline(session.created_at) - crate::db::now();
        Ok(ClientTokens {
            access_token,
            token_type: "bearer",
            expires_in: self.tokens.policy.access_ttl_seconds,
            scope,
            refresh_expires_in: with_refresh
                .then(|| self.tokens.refresh_ttl.min(left).whole_seconds().max(0)),
            refresh_token: with_refresh.then_some(refresh_token),
            id_token,
        })
    }
}

/// Why a code was refused inside its transaction.
enum Refused {
    Grant(&'static str),
}
