//! Personal access tokens on `/account`: create one (recent sign-in; shown once), the list
//! with last use, revoke.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::Value;

use crate::accounts::pats::{PatRequest, PatSpec};
use crate::auth::scopes::Scope;
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;
use crate::routes::web::account::{account_page, Refused};
use crate::routes::web::extract::{Confirm, SignedInForm};
use crate::routes::web::layout::flash;
use crate::routes::web::recent::{RecentForm, Sensitive};
use crate::routes::web::see_other;
use crate::state::AppState;

/// The lifetimes the form offers, in days; "a date" is the other choice.
pub const LIFETIMES: [u32; 4] = [7, 30, 60, 90];

/// The create form as posted: one checkbox per scope, named by the scope.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub name: String,
    /// `7`, `30`, `60`, `90`, or `date` (then `expires_on`).
    #[serde(default)]
    pub expires: String,
    /// `YYYY-MM-DD`, with `expires=date`.
    #[serde(default)]
    pub expires_on: String,
    #[serde(default, rename = "profile:read")]
    pub profile_read: Option<String>,
    #[serde(default, rename = "posts:read")]
    pub posts_read: Option<String>,
    #[serde(default, rename = "posts:write")]
    pub posts_write: Option<String>,
    #[serde(default, rename = "sessions:read")]
    pub sessions_read: Option<String>,
    #[serde(default, rename = "admin:read")]
    pub admin_read: Option<String>,
    #[serde(default, rename = "admin:write")]
    pub admin_write: Option<String>,
}

/// Everything typed is kept across "Confirm it's you" (nothing here is secret).
impl Sensitive for TokenForm {
    const KEPT: &'static [&'static str] = &[
        "name",
        "expires",
        "expires_on",
        "profile:read",
        "posts:read",
        "posts:write",
        "sessions:read",
        "admin:read",
        "admin:write",
    ];
}

impl TokenForm {
    /// The scopes ticked.
    pub fn ticked(&self) -> Vec<Scope> {
        let boxes = [
            (Scope::ProfileRead, &self.profile_read),
            (Scope::PostsRead, &self.posts_read),
            (Scope::PostsWrite, &self.posts_write),
            (Scope::SessionsRead, &self.sessions_read),
            (Scope::AdminRead, &self.admin_read),
            (Scope::AdminWrite, &self.admin_write),
        ];
        boxes
            .into_iter()
            .filter(|(_, v)| v.is_some())
            .map(|(s, _)| s)
            .collect()
    }

    /// The form back from the fields kept across "Confirm it's you".
    pub fn from_kept(get: impl Fn(&str) -> Option<String>) -> Self {
        let tick = |name: &str| get(name).map(|_| "on".to_string());
        Self {
            name: get("name").unwrap_or_default(),
            expires: get("expires").unwrap_or_default(),
            expires_on: get("expires_on").unwrap_or_default(),
            profile_read: tick("profile:read"),
            posts_read: tick("posts:read"),
            posts_write: tick("posts:write"),
            sessions_read: tick("sessions:read"),
            admin_read: tick("admin:read"),
            admin_write: tick("admin:write"),
        }
    }

    /// The lifetime in days, as the API takes it: one of the choices, or the days until the
    /// date given (counted from today, UTC). Anything else is left for the API's rule to name.
    fn days(&self) -> Value {
        if self.expires == "date" {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            return match time::Date::parse(self.expires_on.trim(), &format) {
                Ok(date) => {
                    let today = time::OffsetDateTime::now_utc().date();
                    Value::from((date - today).whole_days())
                }
                Err(_) => Value::Null,
            };
        }
        match self.expires.parse::<u32>() {
            Ok(days) if LIFETIMES.contains(&days) => Value::from(days),
            _ => Value::Null,
        }
    }

    fn request(&self) -> PatRequest {
        PatRequest {
            name: Value::String(self.name.clone()),
            scopes: Value::Array(
                self.ticked()
                    .into_iter()
                    .map(|s| Value::String(s.as_str().into()))
                    .collect(),
            ),
            expires_in_days: self.days(),
        }
    }
}

/// `POST /account/tokens` (recent sign-in): creates the token and shows it once, on the
/// account page (never in a redirect, a link or the session cookie); 422 with the form's
/// errors, 409 at 50 live tokens.
pub async fn create(
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    RecentForm { user: auth, form }: RecentForm<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let refused = |errors: FieldErrors, status: StatusCode, form: TokenForm| Refused::Token {
        errors,
        form,
        status,
    };
    let spec = match PatSpec::parse(form.request(), &auth.user, state.settings.pat_max_days) {
        Ok(spec) => spec,
        Err(mut errors) => {
            // The page's field for the lifetime is `expires`, not `expires_in_days`.
            if let Some(m) = errors.first("expires_in_days").map(str::to_string) {
                errors.add("expires", m);
            }
            let refused = refused(errors, StatusCode::UNPROCESSABLE_ENTITY, form);
            return account_page(&state, &session, &auth, refused).await;
        }
    };
    match state.accounts().create_pat(&auth.user, spec, &client).await {
        Ok(created) => {
            let shown = Refused::TokenCreated {
                name: created.row.name.clone(),
                token: created.token,
            };
            account_page(&state, &session, &auth, shown).await
        }
        Err(AppError::Conflict(m)) => {
            let refused = refused(FieldErrors::single("name", m), StatusCode::CONFLICT, form);
            account_page(&state, &session, &auth, refused).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /account/tokens/{id}/revoke`: it is refused from the next request on, on every
/// instance.
pub async fn revoke(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i32>,
    client: ClientInfo,
    SignedInForm { user: auth, .. }: SignedInForm<Confirm>,
) -> Result<HttpResponse, AppError> {
    state
        .accounts()
        .revoke_own_pat(&auth.user, path.into_inner(), &client)
        .await?;
    flash(&session, "Token revoked: scripts that use it now get 401.");
    Ok(see_other("/account#tokens"))
}
