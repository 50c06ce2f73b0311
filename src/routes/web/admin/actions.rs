//! The forms on an account's admin page: disable, enable, sign out everywhere, send a reset
//! link, change the role, delete. Each one acts through [`crate::accounts::admin`] (one
//! transaction, the event recorded with the administrator as actor) and goes back to the
//! account's page with a flash message; the last-admin rule re-renders the page with its
//! reason (409). Each needs a recent sign-in ([`AdminForm`]: "Confirm it's you" otherwise).

use actix_session::Session;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::{user_page, Outcome};
use crate::accounts::admin::Acting;
use crate::auth::extract::Authenticated;
use crate::domain::Role;
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;
use crate::routes::web::extract::Confirm;
use crate::routes::web::layout::flash;
use crate::routes::web::recent::{AdminForm, Sensitive};
use crate::routes::web::see_other;
use crate::state::AppState;

/// Back to the account's page with `message`, or the page again with the reason an action
/// was refused.
async fn done<T>(
    state: &AppState,
    session: &Session,
    admin: &Authenticated,
    id: i32,
    result: Result<T, AppError>,
    message: impl FnOnce(T) -> String,
) -> Result<HttpResponse, AppError> {
    match result {
        Ok(value) => {
            flash(session, message(value));
            Ok(see_other(&format!("/admin/users/{id}")))
        }
        Err(AppError::Conflict(reason)) => {
            user_page(state, session, admin, id, Outcome::Refused(reason)).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /admin/users/{id}/disable`: the user cannot sign in; every session of theirs ends.
pub async fn disable(
    AdminForm { admin, .. }: AdminForm<Confirm>,
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    set_disabled(&state, &session, &admin, &client, path.into_inner(), true).await
}

/// `POST /admin/users/{id}/enable`.
pub async fn enable(
    AdminForm { admin, .. }: AdminForm<Confirm>,
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    set_disabled(&state, &session, &admin, &client, path.into_inner(), false).await
}

async fn set_disabled(
    state: &AppState,
    session: &Session,
    admin: &Authenticated,
    client: &ClientInfo,
    id: i32,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    let by = Acting::new(&admin.user, client);
    let result = state.accounts().set_disabled(&by, id, disabled).await;
    done(state, session, admin, id, result, |user| match disabled {
        true => format!(
            "{} is disabled: they cannot sign in, and every session of theirs has ended.",
            user.username
        ),
        false => format!("{} is enabled: they can sign in again.", user.username),
    })
    .await
}

/// `POST /admin/users/{id}/logout-all`: every token of the user issued until now dies.
pub async fn logout_all(
    AdminForm { admin, .. }: AdminForm<Confirm>,
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let by = Acting::new(&admin.user, &client);
    let result = state.accounts().sign_out_everywhere(&by, id).await;
    done(&state, &session, &admin, id, result, |user| {
        format!("{} is signed out everywhere.", user.username)
    })
    .await
}

/// `POST /admin/users/{id}/password-reset`: mails the user a reset link; the administrator
/// never sees it.
pub async fn password_reset(
    AdminForm { admin, .. }: AdminForm<Confirm>,
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let by = Acting::new(&admin.user, &client);
    let result = state.accounts().send_reset_for(&by, id).await;
    done(&state, &session, &admin, id, result, |()| {
        "A password-reset link is on its way to the user's e-mail address.".to_string()
    })
    .await
}

/// `POST /admin/users/{id}/sign-in-failures/clear`: the count of failed sign-ins and any
/// wait end.
pub async fn clear_sign_in_failures(
    AdminForm { admin, .. }: AdminForm<Confirm>,
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let by = Acting::new(&admin.user, &client);
    let result = state.accounts().clear_sign_in_failures(&by, id).await;
    done(&state, &session, &admin, id, result, |()| {
        "Failed sign-ins cleared: the next sign-in does not wait.".to_string()
    })
    .await
}

/// The role form: `role` is `user` or `admin`.
#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    pub role: String,
}

impl Sensitive for RoleForm {
    const KEPT: &'static [&'static str] = &["role"];
}

/// `POST /admin/users/{id}/role`.
pub async fn set_role(
    AdminForm { admin, form }: AdminForm<RoleForm>,
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let role = match Role::parse(&form.role) {
        Ok(role) => role,
        Err(m) => {
            let errors = FieldErrors::single("role", m);
            return user_page(&state, &session, &admin, id, Outcome::Invalid(errors)).await;
        }
    };
    let by = Acting::new(&admin.user, &client);
    let result = state.accounts().set_role(&by, id, role).await;
    done(&state, &session, &admin, id, result, |user| match role {
        Role::Admin => format!("{} is now an administrator.", user.username),
        Role::User => format!("{} is now a user (not an administrator).", user.username),
    })
    .await
}

/// The delete form: the account's username, typed again.
#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    pub confirm_username: String,
}

impl Sensitive for DeleteForm {
    const KEPT: &'static [&'static str] = &["confirm_username"];
}

/// `POST /admin/users/{id}/delete`: with the username typed as confirmation, the account,
/// its posts and sessions go (its events stay), and the browser goes back to `/admin`.
pub async fn delete(
    AdminForm { admin, form }: AdminForm<DeleteForm>,
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let detail = state.accounts().account_detail(id).await?;
    let username = detail.user.username;
    if form.confirm_username.trim() != username {
        let errors = FieldErrors::single(
            "confirm_username",
            format!("Type the username, {username}, to delete this account."),
        );
        return user_page(&state, &session, &admin, id, Outcome::Invalid(errors)).await;
    }
    let by = Acting::new(&admin.user, &client);
    match state.accounts().delete_account(&by, id).await {
        Ok(()) => {
            flash(
                &session,
                format!("The account {username} is deleted; its security events are kept."),
            );
            Ok(see_other("/admin"))
        }
        Err(AppError::Conflict(reason)) => {
            user_page(&state, &session, &admin, id, Outcome::Refused(reason)).await
        }
        Err(e) => Err(e),
    }
}
