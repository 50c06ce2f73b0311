//! The standard endpoints' verdicts for machines: RFC 7662 introspection (is this token
//! active, and what does it say) and RFC 7009 revocation (end it). Both take every kind of
//! Sigil token, access, refresh or personal access token, and never say more about a token
//! that is not active than `{"active": false}`.

use serde::Serialize;
use utoipa::ToSchema;

use super::notices::{self, PatRevoker};
use super::pats::revoked_event;
use super::Accounts;
use crate::audit::{self, Event, EventKind};
use crate::auth::jwt::AccessClaims;
use crate::auth::scopes::Scopes;
use crate::auth::{pat, refresh};
use crate::db::pats::PatRow;
use crate::db::sessions::{self, RefreshState, Session};
use crate::db::users::User;
use crate::db::write_transaction;
use crate::error::AppError;
use crate::http::client::ClientInfo;
use crate::mail::Context;

/// RFC 7662 §2.2: `active`, and for an active token what it says.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct IntrospectionBody {
    pub active: bool,
    /// `bearer` for an access token or a personal access token, `refresh_token` for a
    /// refresh token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<&'static str>,
    /// `personal_access_token` for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// The OAuth client a client's token was issued to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// A scoped token's scopes, space-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amr: Option<Vec<String>>,
}

impl IntrospectionBody {
    pub fn inactive() -> Self {
        Self::default()
    }
}

/// What a token is, as far as Sigil knows: a live access token, a live refresh token, or
/// nothing Sigil would accept now.
enum Found {
    Access(std::sync::Arc<AccessClaims>),
    Refresh(Box<RefreshState>),
    /// A live personal access token.
    Pat(Box<(PatRow, User)>),
    Nothing,
}

impl Accounts {
    /// Looks `token` up as an access token (signature, claims, then the one revocation query,
    /// which also refuses disabled users) and else as a refresh token (by hash).
    async fn find(&self, token: &str) -> Result<Found, AppError> {
        let token = token.trim();
        if pat::is_pat(token) {
            if pat::check_format(token).is_err() {
                return Ok(Found::Nothing);
            }
            return Ok(match pat::find(&self.db, token).await? {
                Some((row, user)) if row.is_live(crate::db::now()) && !user.disabled => {
                    Found::Pat(Box::new((row, user)))
                }
                _ => Found::Nothing,
            });
        }
        if let Ok(claims) = self.tokens.verify(token) {
            let (sid, jti) = (claims.sid.clone(), claims.jti.clone());
            let check = self
                .db
                .run(move |conn| Ok(Session::check(conn, &sid, &jti)?))
                .await?;
            return Ok(match check {
                Some(c)
                    if c.user.id == claims.user_id()
                        && !c.session_revoked
                        && !c.token_revoked
                        && !c.user.disabled
                        && c.timed_out(&self.tokens.limits, crate::db::now()).is_none() =>
                {
                    Found::Access(claims)
                }
                _ => Found::Nothing,
            });
        }
        // Refresh tokens are 43 base64url characters; anything else is not one.
        if token.len() > 64 {
            return Ok(Found::Nothing);
        }
        let hash = refresh::hash(token);
        let state = self
            .db
            .run(move |conn| Ok(RefreshState::find(conn, &hash)?))
            .await?;
        Ok(match state {
            Some(state) => Found::Refresh(Box::new(state)),
            None => Found::Nothing,
        })
    }

    /// RFC 7662: whether `token` is active, and if so its claims. Expired, revoked, forged,
    /// unknown, a disabled user's, or a used refresh token: `{"active": false}`.
    pub async fn introspect(&self, token: &str) -> Result<IntrospectionBody, AppError> {
        Ok(match self.find(token).await? {
            Found::Access(c) => {
                let c = std::sync::Arc::unwrap_or_clone(c);
                IntrospectionBody {
                    active: true,
                    token_type: Some("bearer"),
                    sub: Some(c.sub),
                    // A client's token carries no username (RFC 9068 §6), and says its
                    // client and scope instead.
                    username: Some(c.username).filter(|u| !u.is_empty()),
                    client_id: c.client_id,
                    scope: c.scope,
                    exp: Some(c.exp),
                    iat: Some(c.iat),
                    nbf: Some(c.nbf),
                    jti: Some(c.jti),
                    iss: Some(c.iss),
                    aud: Some(c.aud),
                    sid: Some(c.sid),
                    auth_time: Some(c.auth_time),
                    amr: Some(c.amr),
                    ..IntrospectionBody::default()
                }
            }
            Found::Refresh(state) if state.is_live(&self.tokens.limits) => {
                let (auth_time, amr) = state.session.proof();
                let unix = |t| crate::db::to_utc(t).unix_timestamp();
                IntrospectionBody {
                    active: true,
                    token_type: Some("refresh_token"),
                    client_id: state.session.client_id.clone(),
                    scope: state.session.scope.clone(),
                    sub: Some(state.user.id.to_string()),
                    username: match state.session.client_id {
                        Some(_) => None,
                        None => Some(state.user.username.clone()),
                    },
                    exp: Some(unix(state.expires_at)),
                    iat: Some(unix(state.issued_at)),
                    iss: Some(match state.session.client_id {
                        Some(_) => self.tokens.policy.client_issuer.clone(),
                        None => self.tokens.policy.issuer.clone(),
                    }),
                    aud: Some(self.tokens.policy.audience.clone()),
                    sid: Some(state.session.id.clone()),
                    auth_time: Some(unix(auth_time)),
                    amr: Some(amr),
                    ..IntrospectionBody::default()
                }
            }
            Found::Pat(found) => {
                let (row, user) = *found;
                let unix = |t| crate::db::to_utc(t).unix_timestamp();
                IntrospectionBody {
                    active: true,
                    token_type: Some("bearer"),
                    kind: Some("personal_access_token"),
                    sub: Some(user.id.to_string()),
                    username: Some(user.username),
                    scope: Some(Scopes::from_stored(&row.scopes).to_string()),
                    iat: Some(unix(row.created_at)),
                    exp: Some(unix(row.expires_at)),
                    ..IntrospectionBody::default()
                }
            }
            Found::Refresh(_) | Found::Nothing => IntrospectionBody::inactive(),
        })
    }

    /// RFC 7009: ends `token`. A refresh token ends its whole family (its session); an access
    /// token only itself (its `jti`, until it would have expired). Anything else is ignored, and
    /// the answer is the same either way.
    pub async fn revoke_token(&self, token: &str, client: &ClientInfo) -> Result<(), AppError> {
        match self.find(token).await? {
            Found::Access(claims) => {
                let event = Event::new(EventKind::TokenRevoked, client)
                    .user(claims.user_id())
                    .detail("token", "access")
                    .detail("session_id", claims.sid.clone());
                let expires = crate::db::to_primitive(
                    time::OffsetDateTime::from_unix_timestamp(claims.exp)
                        .unwrap_or_else(|_| time::OffsetDateTime::now_utc()),
                );
                self.db
                    .run(move |conn| {
                        sessions::revoke_access_token(
                            conn,
                            &claims.jti,
                            claims.user_id(),
                            expires,
                        )?;
                        audit::record_in(conn, &event);
                        Ok(())
                    })
                    .await
            }
            Found::Refresh(state) if state.session.revoked_at.is_none() => {
                let event = Event::new(EventKind::TokenRevoked, client)
                    .user(state.user.id)
                    .detail("token", "refresh")
                    .detail("session_id", state.session.id.clone());
                let id = state.session.id.clone();
                self.db
                    .run(move |conn| {
                        Session::revoke_for_user(
                            conn,
                            &id,
                            state.user.id,
                            "revoked by a client (RFC 7009)",
                        )?;
                        audit::record_in(conn, &event);
                        Ok(())
                    })
                    .await
            }
            Found::Pat(found) => {
                let (row, user) = *found;
                let event = Event::new(EventKind::PatRevoked, client)
                    .user(user.id)
                    .detail("by", "revocation_endpoint");
                let mail = notices::pat_revoked(
                    &user.email,
                    &[row.name.as_str()],
                    PatRevoker::RevocationEndpoint,
                    &Context::of(client),
                );
                let notice = self.notifier.render(&mail, user.locale())?;
                self.db
                    .run(move |conn| {
                        write_transaction(conn, |conn| {
                            // Revoked by then (by its owner, say): nothing more to do or say.
                            if let Some(row) =
                                PatRow::revoke(conn, user.id, row.id, "revocation_endpoint")?
                            {
                                audit::record_in(conn, &revoked_event(event, &row));
                                crate::db::outbox::enqueue(conn, &notice)?;
                            }
                            Ok::<_, AppError>(())
                        })
                    })
                    .await?;
                self.notifier.wake();
                Ok(())
            }
            Found::Refresh(_) | Found::Nothing => Ok(()),
        }
    }
}
