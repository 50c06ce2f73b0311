//! Two-step sign-in on `/account`: add an authenticator app (a QR code drawn on the server, the
//! secret to type, one code to confirm), the recovery codes shown once (and as a text file to
//! download), new codes, and removing the app. Adding, new codes and removing need a recent
//! sign-in ([`RecentForm`]).

use actix_session::Session;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::accounts::mfa::Enrolment;
use crate::auth::extract::Authenticated;
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;
use crate::no_store::NoStore as _;
use crate::routes::web::account::removal::{refuse_removal, OwnerForm};
use crate::routes::web::extract::{Confirm, SignedIn, SignedInForm};
use crate::routes::web::layout::{flash, Chrome};
use crate::routes::web::recent::RecentForm;
use crate::routes::web::{render, see_other, utc};
use crate::state::{AppState, LoginAttempt};

#[derive(Template)]
#[template(path = "account/mfa_enrol.html")]
struct EnrolPage {
    chrome: Chrome,
    /// The QR code, an SVG drawn by the server (no script, no image service).
    qr_svg: String,
    /// The secret, whole (one selection copies it).
    secret: String,
    otpauth_uri: String,
    errors: FieldErrors,
}

fn enrol_page(
    session: &Session,
    auth: &Authenticated,
    enrolment: Enrolment,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let page = EnrolPage {
        chrome: Chrome::new(session, "Add an authenticator app", Some(auth)),
        qr_svg: inline_svg(&enrolment.qr_svg),
        secret: enrolment.secret.clone(),
        otpauth_uri: enrolment.otpauth_uri,
        errors,
    };
    render(&page, status)
}

/// The QR code's SVG as an element of the page: without its XML declaration, labelled for
/// screen readers.
fn inline_svg(svg: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    // The label in the page's language, escaped for the attribute.
    let label = askama::filters::escape(crate::i18n::t("common-qr-label"), askama::filters::Html)
        .map_or_else(|_| String::new(), |l| l.to_string());
    svg[start..].replacen(
        "<svg",
        &format!(r#"<svg role="img" aria-label="{label}""#),
        1,
    )
}

/// `POST /account/mfa/totp` (recent sign-in): a new secret, shown as a QR code and as text,
/// with the field for the code that turns it on. An app already on is the 409 page.
pub async fn enrol(
    state: web::Data<AppState>,
    session: Session,
    RecentForm { user: auth, .. }: RecentForm<Confirm>,
) -> Result<HttpResponse, AppError> {
    let enrolment = state.accounts().enrol_totp(&auth.user).await?;
    enrol_page(
        &session,
        &auth,
        enrolment,
        FieldErrors::new(),
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pub code: String,
}

/// `POST /account/mfa/totp/confirm`: a code from the new app turns two-step sign-in on and
/// shows the recovery codes; a wrong code shows the QR code again with the reason (422).
pub async fn confirm(
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    SignedInForm { user: auth, form }: SignedInForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let accounts = state.accounts();
    match accounts.confirm_totp(&auth.user, &form.code, &client).await {
        Ok(codes) => show_once(
            &state,
            &session,
            &auth,
            codes,
            "Two-step sign-in is on. From now on, signing in asks for a code from your app.",
        ),
        Err(AppError::Validation(errors)) => match accounts.pending_enrolment(&auth.user).await? {
            Some(enrolment) => enrol_page(
                &session,
                &auth,
                enrolment,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            None => Err(AppError::Validation(errors)),
        },
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "account/recovery_codes.html")]
struct CodesPage {
    chrome: Chrome,
    headline: String,
    /// Empty when the codes were shown already (a reload): the page says so and offers new ones.
    codes: Vec<String>,
    /// The codes, space-separated, for the download form's hidden field.
    joined: String,
}

/// The session key of the codes just made.
const FRESH_CODES: &str = "fresh_recovery_codes";
/// How long the page shows the codes just made: a reload (or a trip back from saving them)
/// within this time shows them again; after it, the page says they were shown.
const SHOWN_FOR_SECONDS: i64 = 10 * 60;

/// Keeps the new codes for their showing and sends the browser to the page that shows
/// them (POST, 303, GET: a reload asks nothing again). The cookie session is only signed, so
/// the codes ride in it sealed (AES-256-GCM, the key of the TOTP secrets, bound to the user and
/// the session); the database keeps only their hashes. Should the session refuse them, they
/// are shown at once rather than lost.
fn show_once(
    state: &AppState,
    session: &Session,
    auth: &Authenticated,
    codes: Vec<String>,
    headline: &str,
) -> Result<HttpResponse, AppError> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let text = format!("{}\n{now}\n{headline}\n{}", auth.user.id, codes.join(" "));
    let sealed = state
        .second_factors
        .secrets
        .seal_text(&text, &codes_context(auth));
    if let Err(e) = session.insert(FRESH_CODES, sealed) {
        log::warn!("cannot keep the new recovery codes for their showing: {e}");
        return codes_page(session, auth, headline.to_string(), codes);
    }
    Ok(see_other("/account/mfa/recovery-codes"))
}

/// What the sealed codes are bound to: this user's this session.
fn codes_context(auth: &Authenticated) -> String {
    format!("sigil recovery codes|{}|{}", auth.user.id, auth.claims.sid)
}

/// `GET /account/mfa/recovery-codes`: the codes just made, for ten minutes (a reload shows them
/// again); after that, a page that says they were shown and offers new ones.
pub async fn show(
    state: web::Data<AppState>,
    session: Session,
    SignedIn(auth): SignedIn,
) -> Result<HttpResponse, AppError> {
    let fresh = session
        .get::<String>(FRESH_CODES)
        .ok()
        .flatten()
        .and_then(|sealed| {
            state
                .second_factors
                .secrets
                .open_text(&sealed, &codes_context(&auth))
        });
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mine = fresh.as_deref().and_then(|text| {
        let (id, rest) = text.split_once('\n')?;
        let (at, rest) = rest.split_once('\n')?;
        let (headline, codes) = rest.split_once('\n')?;
        let age = now - at.parse::<i64>().ok()?;
        // Only to the session that made them, while its sign-in is recent (a shared browser
        // left alone does not show them).
        let fresh_enough = (0..=SHOWN_FOR_SECONDS).contains(&age);
        (id == auth.user.id.to_string() && fresh_enough && state.tokens.is_recent(&auth.claims))
            .then_some((headline, codes))
    });
    if mine.is_none() {
        session.remove(FRESH_CODES);
    }
    let (headline, codes): (String, Vec<String>) = match mine {
        Some((headline, codes)) => (
            headline.to_string(),
            codes.split(' ').map(String::from).collect(),
        ),
        None => (String::new(), Vec::new()),
    };
    codes_page(&session, &auth, headline, codes)
}

/// The codes and what made them; no codes is the page that says they were shown.
fn codes_page(
    session: &Session,
    auth: &Authenticated,
    headline: String,
    codes: Vec<String>,
) -> Result<HttpResponse, AppError> {
    let title = match codes.is_empty() {
        false => "Your recovery codes",
        true => "Your recovery codes were shown",
    };
    let page = CodesPage {
        chrome: Chrome::new(session, title, Some(auth)),
        headline,
        joined: codes.join(" "),
        codes,
    };
    render(&page, StatusCode::OK)
}

/// `POST /account/mfa/recovery-codes` (recent sign-in): ten new codes, shown once; the old
/// ones stop working.
pub async fn regenerate(
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    RecentForm { user: auth, .. }: RecentForm<Confirm>,
) -> Result<HttpResponse, AppError> {
    let codes = state
        .accounts()
        .regenerate_recovery_codes(&auth.user, &client)
        .await?;
    show_once(
        &state,
        &session,
        &auth,
        codes,
        "New recovery codes. The old ones no longer work.",
    )
}

/// `POST /account/mfa/totp/remove` (recent sign-in): the app and the recovery codes go;
/// signing in asks for the password only.
pub async fn remove(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    session: Session,
    RecentForm { user: auth, form }: RecentForm<OwnerForm>,
) -> Result<HttpResponse, AppError> {
    let step = ("totp_password", "remove_second_factor");
    let refused = refuse_removal(&state, &session, &auth, form.password, step, &client);
    if let Some(page) = refused.await? {
        return Ok(page);
    }
    state.accounts().disable_totp(&auth.user, &client).await?;
    // Codes just made stop working with the app: never show them again.
    session.remove(FRESH_CODES);
    flash(
        &session,
        "Two-step sign-in is off: the authenticator app and the recovery codes were removed.",
    );
    Ok(see_other("/account"))
}

#[derive(Deserialize)]
pub struct DownloadForm {
    #[serde(default)]
    pub codes: String,
}

/// `POST /account/mfa/recovery-codes/download`: the codes the page showed, sent back by its
/// form (they are stored only as hashes), as a text file to save.
pub async fn download(
    SignedInForm { user: auth, form }: SignedInForm<DownloadForm>,
) -> Result<HttpResponse, AppError> {
    let codes: Vec<&str> = form.codes.split_whitespace().collect();
    let well_formed =
        |c: &&str| c.len() <= 16 && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if codes.is_empty()
        || codes.len() > crate::auth::totp::RECOVERY_CODES
        || !codes.iter().all(well_formed)
    {
        return Err(AppError::Validation(FieldErrors::single(
            "codes",
            "These are not recovery codes: make new ones on your account page.",
        )));
    }
    let now = time::OffsetDateTime::now_utc();
    let when = utc(time::PrimitiveDateTime::new(now.date(), now.time())).text();
    let username = auth.user.username.as_str();
    let mut text = format!(
        "{}\n{}\n\n{}\n{}\n\n",
        crate::i18n::t1("account-codes-file-title", "username", username),
        crate::i18n::t1("account-codes-file-saved", "when", when),
        crate::i18n::t("account-codes-file-each"),
        crate::i18n::t("account-codes-file-keep"),
    );
    for code in codes {
        text.push_str(code);
        text.push('\n');
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            r#"attachment; filename="sigil-recovery-codes.txt""#,
        ))
        .no_store()
        .body(text))
}
