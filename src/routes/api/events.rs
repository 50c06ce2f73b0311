//! Security events as the JSON face shows them, and `GET /api/users/me/events`: the caller's
//! own trail.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::responses::AuthErrors;
use crate::accounts::events::EventList;
use crate::auth::scoped::{Scoped, SessionsRead};
use crate::db::events::EventRow;
use crate::domain::Keyset;
use crate::error::{AppError, FieldErrors, Problem};
use crate::no_store::NoStore as _;
use crate::state::AppState;

/// One security event. `detail` holds facts such as the login name tried or the session
/// ended: never a password, token or code.
#[derive(Serialize, ToSchema)]
pub struct EventBody {
    pub id: i32,
    /// `sign_in`, `sign_in_failed`, `password_changed`, `user_disabled`, …
    pub kind: String,
    /// The account the event concerns (kept after the account is deleted).
    pub user_id: Option<i32>,
    /// Who acted, when someone signed in did: the user, or an administrator.
    pub actor_id: Option<i32>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub detail: Option<serde_json::Value>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<EventRow> for EventBody {
    fn from(e: EventRow) -> Self {
        Self {
            id: e.id,
            kind: e.kind,
            user_id: e.user_id,
            actor_id: e.actor_id,
            ip: e.ip,
            user_agent: e.user_agent,
            detail: e.detail.and_then(|d| serde_json::from_str(&d).ok()),
            created_at: crate::db::to_utc(e.created_at),
        }
    }
}

/// A page of events, newest first.
#[derive(Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<EventBody>,
    pub next_cursor: Option<String>,
}

/// `?limit=&cursor=`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventPageParams {
    /// Page size, 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl From<EventList> for EventPage {
    fn from(list: EventList) -> Self {
        Self {
            items: list.events.into_iter().map(EventBody::from).collect(),
            next_cursor: list.next_cursor,
        }
    }
}

/// The caller's security activity, newest first.
#[utoipa::path(
    get,
    path = "/api/users/me/events",
    tag = "users",
    params(EventPageParams),
    responses(
        (status = 200, description = "A page of the caller's security events", body = EventPage),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
        AuthErrors
    ),
    security(("bearer" = []), ("oauth2" = ["sessions:read"]))
)]
pub async fn mine(
    state: web::Data<AppState>,
    Scoped(caller, _): Scoped<SessionsRead>,
    params: web::Query<EventPageParams>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let keyset = Keyset::parse(
        params.limit.as_deref(),
        params.cursor.as_deref(),
        &state.cursor_key,
        &mut errors,
    );
    let keyset = errors.finish(|| keyset)?;
    let list = state
        .accounts()
        .own_events(caller.user().id, keyset, &state.cursor_key)
        .await?;
    Ok(HttpResponse::Ok().no_store().json(EventPage::from(list)))
}
