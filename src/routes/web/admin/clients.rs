//! `/admin/clients`: the OAuth clients of the OpenID Connect provider (API.md part three §1),
//! with the form that registers one, and `/admin/clients/{client_id}`: its details, the form
//! that changes its essentials, deleting it and rotating its secret. A new secret is shown
//! once, read-only. Every form needs a recent sign-in ([`AdminForm`]), as the API does, and
//! goes through the same flows ([`crate::oidc::clients`]).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::auth::extract::Authenticated;
use crate::db::clients::{AUTHORIZATION_CODE, DEVICE_CODE, REFRESH_TOKEN};
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;
use crate::i18n::Moment;
use crate::oidc::clients::{
    ClientListParams, ClientView, GraceHours, NewClient, Registrar, Registry, DEFAULT_SCOPE,
};
use crate::routes::web::errors::url_encode;
use crate::routes::web::extract::Confirm;
use crate::routes::web::layout::{flash, Chrome};
use crate::routes::web::recent::{AdminForm, AdminViewer, Prefill, Sensitive};
use crate::routes::web::{render, see_other, utc};
use crate::state::AppState;

const PATH: &str = "/admin/clients";

/// One client in the table.
pub struct ClientLine {
    pub client_id: String,
    pub client_name: String,
    pub client_type: &'static str,
    pub redirect_uris: String,
    pub first_party: bool,
}

impl From<&ClientView> for ClientLine {
    fn from(v: &ClientView) -> Self {
        Self {
            client_id: v.client_id.clone(),
            client_name: v.client_name.clone(),
            client_type: v.client_type,
            redirect_uris: v.redirect_uris.join(" "),
            first_party: v.first_party,
        }
    }
}

/// The registration and edit forms as sent: the URIs one per line, each grant type a
/// checkbox.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClientForm {
    #[serde(default)]
    pub client_name: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default, rename = "type")]
    pub client_type: String,
    #[serde(default)]
    pub redirect_uris: String,
    #[serde(default)]
    pub post_logout_redirect_uris: String,
    #[serde(default)]
    pub backchannel_logout_uri: String,
    pub grant_authorization_code: Option<String>,
    pub grant_refresh_token: Option<String>,
    pub grant_device_code: Option<String>,
    #[serde(default)]
    pub scope: String,
    pub first_party: Option<String>,
}

impl Sensitive for ClientForm {
    const KEPT: &'static [&'static str] = &[
        "client_name",
        "client_id",
        "type",
        "redirect_uris",
        "post_logout_redirect_uris",
        "backchannel_logout_uri",
        "scope",
    ];
}

fn lines(text: &str) -> Value {
    json!(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>())
}

impl ClientForm {
    /// The fields the flows parse. A registration sends every field; a change sends all but
    /// `client_id` and `type`, and a blank back-channel URI removes it.
    fn fields(&self, registering: bool) -> Map<String, Value> {
        let mut fields = Map::new();
        fields.insert("client_name".into(), json!(self.client_name));
        if registering {
            if !self.client_id.trim().is_empty() {
                fields.insert("client_id".into(), json!(self.client_id.trim()));
            }
            if !self.client_type.trim().is_empty() {
                fields.insert("type".into(), json!(self.client_type));
            }
        }
        fields.insert("redirect_uris".into(), lines(&self.redirect_uris));
        fields.insert(
            "post_logout_redirect_uris".into(),
            lines(&self.post_logout_redirect_uris),
        );
        let backchannel = self.backchannel_logout_uri.trim();
        if !backchannel.is_empty() {
            fields.insert("backchannel_logout_uri".into(), json!(backchannel));
        } else if !registering {
            fields.insert("backchannel_logout_uri".into(), Value::Null);
        }
        let grants: Vec<&str> = [
            (&self.grant_authorization_code, AUTHORIZATION_CODE),
            (&self.grant_refresh_token, REFRESH_TOKEN),
            (&self.grant_device_code, DEVICE_CODE),
        ]
        .into_iter()
        .filter(|(on, _)| on.is_some())
        .map(|(_, grant)| grant)
        .collect();
        fields.insert("grant_types".into(), json!(grants));
        fields.insert("scope".into(), json!(self.scope));
        fields.insert("first_party".into(), json!(self.first_party.is_some()));
        fields
    }

    /// What the form shows when nothing was typed: the defaults of a registration, with what
    /// was typed before "Confirm it's you" (if that is where the browser comes from).
    fn blank(kept: &Prefill) -> FormView {
        let text = |name: &str, default: &str| kept.get(name).unwrap_or(default).to_string();
        FormView {
            client_name: text("client_name", ""),
            client_id: text("client_id", ""),
            client_type: text("type", "confidential"),
            redirect_uris: text("redirect_uris", ""),
            post_logout_redirect_uris: text("post_logout_redirect_uris", ""),
            backchannel_logout_uri: text("backchannel_logout_uri", ""),
            authorization_code: true,
            refresh_token: true,
            device_code: false,
            scope: text("scope", DEFAULT_SCOPE),
            first_party: false,
        }
    }

    /// The form again, as it was sent.
    fn view(&self) -> FormView {
        FormView {
            client_name: self.client_name.clone(),
            client_id: self.client_id.clone(),
            client_type: self.client_type.clone(),
            redirect_uris: self.redirect_uris.clone(),
            post_logout_redirect_uris: self.post_logout_redirect_uris.clone(),
            backchannel_logout_uri: self.backchannel_logout_uri.clone(),
            authorization_code: self.grant_authorization_code.is_some(),
            refresh_token: self.grant_refresh_token.is_some(),
            device_code: self.grant_device_code.is_some(),
            scope: self.scope.clone(),
            first_party: self.first_party.is_some(),
        }
    }
}

/// What a client form shows.
pub struct FormView {
    pub client_name: String,
    pub client_id: String,
    pub client_type: String,
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    pub backchannel_logout_uri: String,
    pub authorization_code: bool,
    pub refresh_token: bool,
    pub device_code: bool,
    pub scope: String,
    pub first_party: bool,
}

impl From<&ClientView> for FormView {
    fn from(v: &ClientView) -> Self {
        let has = |g: &str| v.grant_types.contains(&g);
        Self {
            client_name: v.client_name.clone(),
            client_id: v.client_id.clone(),
            client_type: v.client_type.to_string(),
            redirect_uris: v.redirect_uris.join("\n"),
            post_logout_redirect_uris: v.post_logout_redirect_uris.join("\n"),
            backchannel_logout_uri: v.backchannel_logout_uri.clone().unwrap_or_default(),
            authorization_code: has(AUTHORIZATION_CODE),
            refresh_token: has(REFRESH_TOKEN),
            device_code: has(DEVICE_CODE),
            scope: v.scope.clone(),
            first_party: v.first_party,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/clients.html")]
struct ClientsPage {
    chrome: Chrome,
    form: FormView,
    errors: FieldErrors,
    /// Why the registration was refused (a taken id), above the form.
    refusal: Option<String>,
    clients: Vec<ClientLine>,
    next: Option<String>,
}

/// What a page shows besides its content: nothing, a refusal, or the form's errors with
/// what was typed.
enum Outcome {
    Shown,
    Refused(String, ClientForm),
    Invalid(FieldErrors, ClientForm),
}

fn registry(state: &AppState) -> Registry {
    Registry::new(state.db.clone())
}

async fn list_page(
    state: &AppState,
    session: &Session,
    admin: &Authenticated,
    params: &ClientListParams,
    outcome: Outcome,
) -> Result<HttpResponse, AppError> {
    let kept = Prefill::take(session, PATH);
    let mut page = ClientsPage {
        chrome: Chrome::new(session, "OAuth clients", Some(admin)),
        form: ClientForm::blank(&kept),
        errors: FieldErrors::new(),
        refusal: None,
        clients: Vec::new(),
        next: None,
    };
    let status = match outcome {
        Outcome::Shown => StatusCode::OK,
        Outcome::Refused(reason, form) => {
            page.form = form.view();
            page.refusal = Some(reason);
            StatusCode::CONFLICT
        }
        Outcome::Invalid(errors, form) => {
            page.form = form.view();
            page.errors = errors;
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    let request = match params.parse(&state.cursor_key) {
        Ok(request) => request,
        Err(errors) => {
            page.errors = errors;
            return render(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let list = registry(state).list(request, &state.cursor_key).await?;
    page.clients = list
        .items
        .iter()
        .map(|row| ClientLine::from(&ClientView::from(row)))
        .collect();
    page.next = list
        .next_cursor
        .map(|c| format!("{PATH}?cursor={}", url_encode(&c)));
    render(&page, status)
}

/// `GET /admin/clients?cursor=`.
pub async fn list(
    AdminViewer(admin): AdminViewer,
    state: web::Data<AppState>,
    session: Session,
    params: web::Query<ClientListParams>,
) -> Result<HttpResponse, AppError> {
    list_page(&state, &session, &admin, &params, Outcome::Shown).await
}

/// `POST /admin/clients`: registers a client and shows its page, with its secret this once.
pub async fn create(
    AdminForm { admin, form }: AdminForm<ClientForm>,
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
) -> Result<HttpResponse, AppError> {
    let params = ClientListParams::default();
    let new = match NewClient::parse(&form.fields(true)) {
        Ok(new) => new,
        Err(errors) => {
            let outcome = Outcome::Invalid(errors, form);
            return list_page(&state, &session, &admin, &params, outcome).await;
        }
    };
    let by = Registrar::admin(&admin.user, &client);
    match registry(&state).register(new, by).await {
        Ok(registered) => {
            let id = registered.row.client_id.clone();
            let shown = Shown {
                message: Some(format!(
                    "Client \u{201c}{}\u{201d} registered.",
                    registered.row.client_name
                )),
                new_secret: registered.secret,
                ..Shown::default()
            };
            client_page(&state, &session, &admin, id, shown).await
        }
        Err(AppError::Conflict(reason)) => {
            let outcome = Outcome::Refused(reason, form);
            list_page(&state, &session, &admin, &params, outcome).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "admin/client.html")]
struct ClientPage {
    chrome: Chrome,
    client: ClientView,
    grant_types: String,
    /// When it was registered, and when its secret was last rotated, as the pages write times.
    created: Moment,
    rotated: Option<Moment>,
    live_sessions: i64,
    users: i64,
    confidential: bool,
    form: FormView,
    errors: FieldErrors,
    refusal: Option<String>,
    /// A secret just made, shown this once.
    new_secret: Option<String>,
    /// What was just done, above the page (the flash of a redirect, said in place).
    message: Option<String>,
    grace_hours: String,
}

/// What the client's page shows besides the client.
#[derive(Default)]
struct Shown {
    status: Option<StatusCode>,
    errors: FieldErrors,
    refusal: Option<String>,
    new_secret: Option<String>,
    message: Option<String>,
    /// The edit form as it was sent (after a refused change).
    form: Option<ClientForm>,
    grace_hours: Option<String>,
}

async fn client_page(
    state: &AppState,
    session: &Session,
    admin: &Authenticated,
    client_id: String,
    shown: Shown,
) -> Result<HttpResponse, AppError> {
    let detail = registry(state).detail(client_id).await?;
    let client = ClientView::from(&detail.row);
    let kept = Prefill::take(session, &format!("{PATH}/{}", client.client_id));
    let mut form = match &shown.form {
        Some(sent) => sent.view(),
        None => FormView::from(&client),
    };
    if let Some(name) = kept.get("client_name") {
        form.client_name = name.to_string();
    }
    let page = ClientPage {
        chrome: Chrome::new(
            session,
            format!("Client {}", client.client_name),
            Some(admin),
        ),
        grant_types: client.grant_types.join(", "),
        created: utc(detail.row.created_at),
        rotated: detail.row.secret_rotated_at.map(utc),
        live_sessions: detail.live_sessions,
        users: detail.users,
        confidential: detail.row.confidential,
        form,
        errors: shown.errors,
        refusal: shown.refusal,
        new_secret: shown.new_secret,
        message: shown.message,
        grace_hours: shown
            .grace_hours
            .or_else(|| kept.get("grace_hours").map(String::from))
            .unwrap_or_else(|| "0".into()),
        client,
    };
    render(&page, shown.status.unwrap_or(StatusCode::OK))
}

/// `GET /admin/clients/{client_id}`.
pub async fn show(
    AdminViewer(admin): AdminViewer,
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    client_page(
        &state,
        &session,
        &admin,
        path.into_inner(),
        Shown::default(),
    )
    .await
}

/// `POST /admin/clients/{client_id}/edit`: changes the essentials (not the id or the type).
pub async fn update(
    AdminForm { admin, form }: AdminForm<ClientForm>,
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let client_id = path.into_inner();
    let by = Registrar::admin(&admin.user, &client);
    let fields = form.fields(false);
    match registry(&state).update(client_id.clone(), fields, by).await {
        Ok(row) => {
            flash(
                &session,
                format!("Client \u{201c}{}\u{201d} saved.", row.client_name),
            );
            Ok(see_other(&format!("{PATH}/{}", url_encode(&row.client_id))))
        }
        Err(AppError::Validation(errors)) => {
            let shown = Shown {
                status: Some(StatusCode::UNPROCESSABLE_ENTITY),
                errors,
                form: Some(form),
                ..Shown::default()
            };
            client_page(&state, &session, &admin, client_id, shown).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /admin/clients/{client_id}/delete`: its codes, consents and sessions end with it.
pub async fn delete(
    AdminForm { admin, .. }: AdminForm<Confirm>,
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let client_id = path.into_inner();
    let by = Registrar::admin(&admin.user, &client);
    registry(&state).delete(client_id.clone(), by).await?;
    flash(
        &session,
        format!("Client {client_id} deleted; its sessions have ended."),
    );
    Ok(see_other(PATH))
}

/// The rotation form.
#[derive(Debug, Deserialize)]
pub struct RotateForm {
    #[serde(default)]
    pub grace_hours: String,
}

impl Sensitive for RotateForm {
    const KEPT: &'static [&'static str] = &["grace_hours"];
}

/// `POST /admin/clients/{client_id}/secret`: a new secret, shown on the page this once.
pub async fn rotate_secret(
    AdminForm { admin, form }: AdminForm<RotateForm>,
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let client_id = path.into_inner();
    let raw = form.grace_hours.trim();
    let value = match raw {
        "" => None,
        n => Some(n.parse::<u64>().map_or_else(|_| json!(raw), |h| json!(h))),
    };
    let grace = match GraceHours::parse(value.as_ref()) {
        Ok(grace) => grace,
        Err(m) => {
            let shown = Shown {
                status: Some(StatusCode::UNPROCESSABLE_ENTITY),
                errors: FieldErrors::single("grace_hours", m),
                grace_hours: Some(form.grace_hours),
                ..Shown::default()
            };
            return client_page(&state, &session, &admin, client_id, shown).await;
        }
    };
    let by = Registrar::admin(&admin.user, &client);
    let shown = match registry(&state)
        .rotate_secret(client_id.clone(), grace, by)
        .await
    {
        Ok(secret) => Shown {
            new_secret: Some(secret),
            message: Some(match grace.hours() {
                0 => "New secret made; the previous one no longer works.".to_string(),
                h => format!("New secret made; the previous one works for {h} more hours."),
            }),
            ..Shown::default()
        },
        Err(AppError::Conflict(reason)) => Shown {
            status: Some(StatusCode::CONFLICT),
            refusal: Some(reason),
            ..Shown::default()
        },
        Err(e) => return Err(e),
    };
    client_page(&state, &session, &admin, client_id, shown).await
}
