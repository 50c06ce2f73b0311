//! `/admin/invitations`: the pending invitations, the form that sends one, and a revoke button
//! on each (API.md part three §4). The link is only mailed, never shown. Sending and revoking
//! need a recent sign-in ([`AdminForm`]: "Confirm it's you" otherwise), as the API does.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::accounts::admin::Acting;
use crate::accounts::invitations::{parse_locale, InvitationListParams};
use crate::auth::extract::Authenticated;
use crate::config::RegistrationMode;
use crate::domain::Email;
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;
use crate::i18n::Moment;
use crate::routes::web::errors::url_encode;
use crate::routes::web::extract::Confirm;
use crate::routes::web::layout::{flash, Chrome};
use crate::routes::web::recent::{AdminForm, AdminViewer, Prefill, Sensitive};
use crate::routes::web::{render, see_other, utc};
use crate::state::AppState;

const PATH: &str = "/admin/invitations";

/// One pending invitation in the table.
pub struct InvitationLine {
    pub id: i32,
    pub email: String,
    /// The inviting administrator's username, or "(deleted account)".
    pub invited_by: String,
    pub created: Moment,
    pub expires: Moment,
}

#[derive(Template)]
#[template(path = "admin/invitations.html")]
struct InvitationsPage {
    chrome: Chrome,
    /// `open`, `invite` or `closed`, and whether invitations can be sent at all.
    mode: &'static str,
    closed: bool,
    days: u64,
    email: String,
    locale: String,
    errors: FieldErrors,
    /// Why the last invitation was refused (an address with an account), above the form.
    refusal: Option<String>,
    invitations: Vec<InvitationLine>,
    next: Option<String>,
}

/// What the page shows besides the list: nothing, a refusal, or the form's errors with what
/// was typed.
enum Outcome {
    Shown,
    Refused(String, InviteForm),
    Invalid(FieldErrors, InviteForm),
}

async fn page(
    state: &AppState,
    session: &Session,
    admin: &Authenticated,
    params: &InvitationListParams,
    outcome: Outcome,
) -> Result<HttpResponse, AppError> {
    let protection = &state.settings.protection;
    let kept = Prefill::take(session, PATH);
    let mut page = InvitationsPage {
        chrome: Chrome::new(session, "Invitations", Some(admin)),
        mode: protection.registration.as_str(),
        closed: protection.registration == RegistrationMode::Closed,
        days: protection.invitation_ttl.as_secs() / 86_400,
        email: kept.get("email").unwrap_or_default().to_string(),
        locale: kept.get("locale").unwrap_or_default().to_string(),
        errors: FieldErrors::new(),
        refusal: None,
        invitations: Vec::new(),
        next: None,
    };
    let status = match outcome {
        Outcome::Shown => StatusCode::OK,
        Outcome::Refused(reason, form) => {
            (page.email, page.locale) = (form.email, form.locale);
            page.refusal = Some(reason);
            StatusCode::CONFLICT
        }
        Outcome::Invalid(errors, form) => {
            (page.email, page.locale) = (form.email, form.locale);
            page.errors = errors;
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    let keyset = match params.parse(&state.cursor_key) {
        Ok(keyset) => keyset,
        Err(errors) => {
            page.errors = errors;
            return render(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let list = state
        .accounts()
        .pending_invitations(keyset, &state.cursor_key)
        .await?;
    page.invitations = list
        .items
        .iter()
        .map(|i| InvitationLine {
            id: i.id,
            email: i.email.clone(),
            invited_by: i
                .invited_by
                .and_then(|id| list.names.get(&id).cloned())
                .unwrap_or_else(|| "(deleted account)".into()),
            created: utc(i.created_at),
            expires: utc(i.expires_at),
        })
        .collect();
    page.next = list
        .next_cursor
        .map(|c| format!("{PATH}?cursor={}", url_encode(&c)));
    render(&page, status)
}

/// `GET /admin/invitations?cursor=`.
pub async fn list(
    AdminViewer(admin): AdminViewer,
    state: web::Data<AppState>,
    session: Session,
    params: web::Query<InvitationListParams>,
) -> Result<HttpResponse, AppError> {
    page(&state, &session, &admin, &params, Outcome::Shown).await
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    pub email: String,
    /// `en`, `de`, `es`, or empty for none.
    #[serde(default)]
    pub locale: String,
}

impl Sensitive for InviteForm {
    const KEPT: &'static [&'static str] = &["email", "locale"];
}

/// `POST /admin/invitations`: mails an invitation, replacing a pending one to the address.
pub async fn create(
    AdminForm { admin, form }: AdminForm<InviteForm>,
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let email = errors.take("email", Email::parse(&form.email));
    let locale = match form.locale.trim() {
        "" => Some(None),
        raw => errors.take("locale", parse_locale(raw)).map(Some),
    };
    let params = InvitationListParams::default();
    let (Some(email), Some(locale)) = (email, locale) else {
        return page(
            &state,
            &session,
            &admin,
            &params,
            Outcome::Invalid(errors, form),
        )
        .await;
    };
    let shown = email.as_str().to_string();
    let by = Acting::new(&admin.user, &client);
    match state.accounts().invite(&by, email, locale).await {
        Ok(_) => {
            let days = state.settings.protection.invitation_ttl.as_secs() / 86_400;
            flash(
                &session,
                format!("Invitation sent to {shown}. Its link works once, for {days} days."),
            );
            Ok(see_other(PATH))
        }
        Err(AppError::Conflict(reason)) => {
            page(
                &state,
                &session,
                &admin,
                &params,
                Outcome::Refused(reason, form),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// `POST /admin/invitations/{id}/revoke`: the link stops working; 404 for an unknown, used or
/// revoked invitation.
pub async fn revoke(
    AdminForm { admin, .. }: AdminForm<Confirm>,
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let by = Acting::new(&admin.user, &client);
    let revoked = state
        .accounts()
        .revoke_invitation(&by, path.into_inner())
        .await?;
    flash(
        &session,
        format!("The invitation to {} is revoked.", revoked.email),
    );
    Ok(see_other(PATH))
}
