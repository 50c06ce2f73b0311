//! The pages under `/admin`: find users, see one account (profile, sessions, events) with
//! the forms that act on it ([`actions`]), and the whole audit trail. Every page needs an
//! administrator ([`AdminViewer`], [`crate::routes::web::recent::AdminForm`]): others get the 403 page; and
//! a recent sign-in, as the admin API does ("Confirm it's you" otherwise).

pub mod actions;
pub mod clients;
pub mod invitations;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::accounts::events::EventSearchParams;
use crate::accounts::search::UserSearchParams;
use crate::audit::EventKind;
use crate::auth::extract::Authenticated;
use crate::db::users::User;
use crate::error::{AppError, FieldErrors};
use crate::i18n::Moment;
use crate::routes::web::errors::url_encode;
use crate::routes::web::layout::Chrome;
use crate::routes::web::lines::{EventLine, SessionLine, TokenLine};
use crate::routes::web::recent::{AdminViewer, Prefill};
use crate::routes::web::{render, utc};
use crate::state::AppState;

/// One account in a table or at the top of its page.
pub struct UserLine {
    pub id: i32,
    pub username: String,
    pub email: String,
    pub email_verified: bool,
    pub role: &'static str,
    pub is_admin: bool,
    pub disabled: bool,
    pub created: Moment,
}

impl From<&User> for UserLine {
    fn from(u: &User) -> Self {
        Self {
            id: u.id,
            username: u.username.clone(),
            email: u.email.clone(),
            email_verified: u.email_verified,
            role: u.role().as_str(),
            is_admin: u.is_admin(),
            disabled: u.disabled,
            created: utc(u.created_at),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    chrome: Chrome,
    query: String,
    errors: FieldErrors,
    users: Vec<UserLine>,
    next: Option<String>,
}

/// `GET /admin?query=&cursor=`: users whose name or address contains the query, newest first.
pub async fn users(
    AdminViewer(admin): AdminViewer,
    state: web::Data<AppState>,
    session: Session,
    params: web::Query<UserSearchParams>,
) -> Result<HttpResponse, AppError> {
    let mut page = UsersPage {
        chrome: Chrome::new(&session, "Users", Some(&admin)),
        query: params.query.clone().unwrap_or_default(),
        errors: FieldErrors::new(),
        users: Vec::new(),
        next: None,
    };
    let (query, keyset) = match params.parse(&state.cursor_key) {
        Ok(parsed) => parsed,
        Err(errors) => {
            page.errors = errors;
            return render(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let (rows, next) = state
        .accounts()
        .search_users(query.clone(), keyset, &state.cursor_key)
        .await?;
    page.users = rows.iter().map(UserLine::from).collect();
    page.next = next.map(|cursor| {
        let query = query.map_or_else(String::new, |q| format!("query={}&", url_encode(&q)));
        format!("/admin?{query}cursor={}", url_encode(&cursor))
    });
    render(&page, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage {
    chrome: Chrome,
    user: UserLine,
    /// The administrator is looking at their own account.
    is_self: bool,
    sessions: Vec<SessionLine>,
    events: Vec<EventLine>,
    show_user: bool,
    /// Why the last action was refused (the last-admin rule), shown above the forms.
    refusal: Option<String>,
    /// The role and delete forms' errors.
    errors: FieldErrors,
    /// What the role and delete forms show: kept across "Confirm it's you", else the current
    /// role and nothing.
    role_choice: String,
    confirm_username: String,
    /// The account's second factor, as the profile names it.
    second_factor: &'static str,
    /// The personal access tokens not revoked, newest first.
    tokens: Vec<TokenLine>,
    /// Failed sign-ins in a row, when there are any.
    sign_in_failures: Option<FailuresLine>,
}

/// An account's failed sign-ins in a row, as the page shows them.
struct FailuresLine {
    count: i32,
    last: Moment,
    /// How long the current wait still lasts, in words.
    wait: Option<String>,
}

impl From<&crate::db::sign_in_failures::FailureRow> for FailuresLine {
    fn from(row: &crate::db::sign_in_failures::FailureRow) -> Self {
        let now = crate::db::now();
        let wait = row.retry_at.filter(|t| *t > now).map(|t| {
            let secs = u64::try_from((t - now).whole_seconds()).unwrap_or(0) + 1;
            crate::accounts::throttle::wait_in_words(secs)
        });
        Self {
            count: row.failures,
            last: utc(row.last_failed_at),
            wait,
        }
    }
}

/// What the detail page shows besides the account: nothing, a refusal, or form errors.
pub enum Outcome {
    Shown,
    Refused(String),
    Invalid(FieldErrors),
}

/// Renders the page of account `id` (404 for an unknown one) with `outcome`.
pub async fn user_page(
    state: &AppState,
    session: &Session,
    admin: &Authenticated,
    id: i32,
    outcome: Outcome,
) -> Result<HttpResponse, AppError> {
    let detail = state.accounts().account_detail(id).await?;
    let (status, refusal, errors) = match outcome {
        Outcome::Shown => (StatusCode::OK, None, FieldErrors::new()),
        Outcome::Refused(m) => (StatusCode::CONFLICT, Some(m), FieldErrors::new()),
        Outcome::Invalid(e) => (StatusCode::UNPROCESSABLE_ENTITY, None, e),
    };
    let kept = Prefill::take(session, &format!("/admin/users/{id}"));
    let title = format!("User {}", detail.user.username);
    let page = UserPage {
        chrome: Chrome::new(session, title, Some(admin)),
        user: UserLine::from(&detail.user),
        tokens: detail.tokens.iter().map(TokenLine::from).collect(),
        sign_in_failures: detail.sign_in_failures.as_ref().map(FailuresLine::from),
        is_self: detail.user.id == admin.user.id,
        sessions: detail
            .sessions
            .into_iter()
            .map(|s| SessionLine::new(s, None))
            .collect(),
        events: detail
            .events
            .into_iter()
            .map(|e| EventLine::new(e, Some(&detail.names)))
            .collect(),
        show_user: false,
        refusal,
        errors,
        role_choice: kept
            .get("role")
            .unwrap_or(detail.user.role().as_str())
            .to_string(),
        confirm_username: kept.get("confirm_username").unwrap_or("").to_string(),
        second_factor: match detail.second_factors.contains(&"totp") {
            true => "Authenticator app (TOTP)",
            false => "None",
        },
    };
    render(&page, status)
}

/// `GET /admin/users/{id}`.
pub async fn user(
    AdminViewer(admin): AdminViewer,
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    user_page(&state, &session, &admin, path.into_inner(), Outcome::Shown).await
}

/// A choice in the kind filter.
pub struct KindOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "admin/events.html")]
struct EventsPage {
    chrome: Chrome,
    user: String,
    kinds: Vec<KindOption>,
    errors: FieldErrors,
    events: Vec<EventLine>,
    show_user: bool,
    /// A user or a kind narrows the list (an empty one then matches nothing, rather than
    /// there being no events at all).
    filtered: bool,
    next: Option<String>,
}

/// `GET /admin/events?user=&kind=&cursor=`: the whole audit trail, newest first. Unlike the
/// API's, the page's `user` is a username or a user id: the user list shows names.
pub async fn events(
    AdminViewer(admin): AdminViewer,
    state: web::Data<AppState>,
    session: Session,
    params: web::Query<EventSearchParams>,
) -> Result<HttpResponse, AppError> {
    let mut params = params.into_inner();
    let typed = params
        .user
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_string();
    let kind = params.kind.as_deref().map(str::trim).unwrap_or_default();
    let filtered = !typed.is_empty() || !kind.is_empty();
    let mut page = EventsPage {
        chrome: Chrome::new(&session, "Security events", Some(&admin)),
        user: params.user.clone().unwrap_or_default(),
        kinds: EventKind::ALL
            .iter()
            .map(|k| KindOption {
                value: k.as_str(),
                label: k.label(),
                selected: k.as_str() == kind,
            })
            .collect(),
        errors: FieldErrors::new(),
        events: Vec::new(),
        show_user: true,
        filtered,
        next: None,
    };
    let mut unknown_user = None;
    // A username first (names may be all digits, "007"), then an id.
    if !typed.is_empty() {
        let name = typed.clone();
        let found = state
            .db
            .run(move |conn| Ok(User::find_by_username(conn, &name)?))
            .await?;
        match &found {
            Some(user) => params.user = Some(user.id.to_string()),
            None if typed.parse::<i32>().is_ok() => {}
            None => params.user = None,
        }
        if found.is_none() && typed.parse::<i32>().is_err() {
            unknown_user = Some(format!(
                "No account is named \u{201c}{typed}\u{201d}: give a username or a user id."
            ));
        }
    }
    let (filter, keyset) = match (params.parse(&state.cursor_key), unknown_user) {
        (Ok(parsed), None) => parsed,
        (parsed, unknown_user) => {
            let mut errors = parsed.err().unwrap_or_else(FieldErrors::new);
            if let Some(message) = unknown_user {
                errors.add("user", message);
            }
            page.errors = errors;
            return render(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let mut link = String::from("/admin/events?");
    if let Some(id) = filter.user_id {
        link.push_str(&format!("user={id}&"));
    }
    if let Some(kind) = &filter.kind {
        link.push_str(&format!("kind={kind}&"));
    }
    let list = state
        .accounts()
        .events(filter, keyset, &state.cursor_key)
        .await?;
    page.events = list
        .events
        .into_iter()
        .map(|e| EventLine::new(e, Some(&list.names)))
        .collect();
    page.next = list
        .next_cursor
        .map(|c| format!("{link}cursor={}", url_encode(&c)));
    render(&page, StatusCode::OK)
}
