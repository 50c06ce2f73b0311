//! Security activity as the pages show it: event and session lines shared by `/account` and
//! the pages under `/admin`, and `GET /account/activity`, the user's own trail a page at a time.

use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;
use serde_json::Value;

use super::errors::url_encode;
use super::extract::SignedIn;
use super::layout::Chrome;
use super::{render, utc};
use crate::audit::EventKind;
use crate::db::events::EventRow;
use crate::db::sessions::Session as LoginSession;
use crate::domain::Keyset;
use crate::error::{AppError, FieldErrors};
use crate::http::client::Device;
use crate::state::AppState;

/// One security event in a table.
pub struct EventLine {
    /// What happened, in words ("Failed sign-in").
    pub label: String,
    pub time: String,
    pub ip: String,
    pub device: String,
    /// The account it concerns, for the admin's list of every account's events.
    pub user_id: Option<i32>,
    /// Its username, or "deleted account #7".
    pub user_name: String,
    pub user_exists: bool,
    /// "by administrator root" when someone else acted on the account; empty otherwise.
    pub by: String,
    /// The facts recorded with it ("login: alice"), never a secret.
    pub detail: String,
}

impl EventLine {
    /// `names` are the usernames an administrator may see; the user's own view passes none
    /// and reads "by an administrator".
    pub fn new(e: EventRow, names: Option<&HashMap<i32, String>>) -> Self {
        let mut label =
            EventKind::parse(&e.kind).map_or_else(|_| e.kind.clone(), |k| k.label().into());
        // Someone else acted: the labels of admin actions already say "by an administrator",
        // which an administrator reads with the name.
        let mut by = String::new();
        if let Some(actor) = e.actor_id.filter(|a| Some(*a) != e.user_id) {
            let who = names.and_then(|n| n.get(&actor)).map_or_else(
                || "by an administrator".to_string(),
                |name| format!("by administrator {name}"),
            );
            if label.contains("by an administrator") {
                label = label.replace("by an administrator", &who);
            } else {
                by = who;
            }
        }
        let user_name = e.user_id.map_or_else(String::new, |id| {
            names
                .and_then(|n| n.get(&id).cloned())
                .unwrap_or_else(|| format!("deleted account #{id}"))
        });
        Self {
            label,
            time: utc(e.created_at),
            ip: e.ip.unwrap_or_else(|| "—".into()),
            device: Device::label_of(e.user_agent.as_deref()),
            user_exists: e
                .user_id
                .is_some_and(|id| names.is_some_and(|n| n.contains_key(&id))),
            user_id: e.user_id,
            user_name,
            by,
            detail: e.detail.as_deref().map(facts).unwrap_or_default(),
        }
    }
}

/// The facts recorded with an event, in words: `name tried: alice, wrong password`. The
/// device has a column of its own.
fn facts(detail: &str) -> String {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(detail) else {
        return String::new();
    };
    map.iter()
        .filter_map(|(key, value)| {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            match (key.as_str(), value) {
                ("device", _) | ("new_device", Value::Bool(false)) => None,
                ("new_device", _) => Some("from a new device".to_string()),
                ("login", _) => Some(format!("name tried: {text}")),
                ("reason", _) => Some(text.replace('_', " ")),
                ("from", _) => Some(format!("was {text}")),
                ("to", _) => Some(format!("now {text}")),
                ("sessions", _) => Some(format!("sessions ended: {text}")),
                _ => Some(format!("{}: {text}", key.replace('_', " "))),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One live login session in a table.
pub struct SessionLine {
    pub id: String,
    /// "Firefox 132 on Windows 10".
    pub device: String,
    pub ip: String,
    pub created_at: String,
    pub last_used_at: String,
    /// The viewer's own session.
    pub current: bool,
}

impl SessionLine {
    pub fn new(s: LoginSession, current_sid: Option<&str>) -> Self {
        Self {
            current: current_sid == Some(s.id.as_str()),
            device: Device::label_of(s.user_agent.as_deref()),
            ip: s.ip.unwrap_or_else(|| "—".into()),
            created_at: utc(s.created_at),
            last_used_at: utc(s.last_used_at),
            id: s.id,
        }
    }
}

/// The user's own events: one page of them and the link to the next.
pub async fn own_events(
    state: &AppState,
    user_id: i32,
    page: Keyset,
) -> Result<(Vec<EventLine>, Option<String>), AppError> {
    let list = state
        .accounts()
        .own_events(user_id, page, &state.cursor_key)
        .await?;
    let lines = list
        .events
        .into_iter()
        .map(|e| EventLine::new(e, None))
        .collect();
    let next = list
        .next_cursor
        .map(|c| format!("/account/activity?cursor={}", url_encode(&c)));
    Ok((lines, next))
}

#[derive(Template)]
#[template(path = "account/activity.html")]
struct ActivityPage {
    chrome: Chrome,
    events: Vec<EventLine>,
    show_user: bool,
    next: Option<String>,
}

/// `?cursor=`.
#[derive(Deserialize)]
pub struct ActivityParams {
    pub cursor: Option<String>,
}

/// `GET /account/activity?cursor=`: the user's security events, 20 at a time, newest first.
pub async fn show(
    SignedIn(auth): SignedIn,
    state: web::Data<AppState>,
    session: Session,
    params: web::Query<ActivityParams>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let page = Keyset::parse(
        None,
        params.cursor.as_deref(),
        &state.cursor_key,
        &mut errors,
    );
    let page = errors.finish(|| page)?;
    let (events, next) = own_events(&state, auth.user.id, page).await?;
    let page = ActivityPage {
        chrome: Chrome::new(&session, "Security activity", Some(&auth)),
        events,
        show_user: false,
        next,
    };
    render(&page, StatusCode::OK)
}
