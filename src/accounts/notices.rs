//! Every message Sigil sends a user: links that prove something, and security notices that
//! say what happened, when, from which device and address. Later flows (second factor,
//! passkeys) add theirs here.
//!
//! The words are the `email-…` messages of the catalogs, looked up when the mail is rendered
//! (in the recipient's language), not here: see [`crate::mail::Text`].

use crate::mail::{Context, Mail, Text};

/// Words said when the mail is rendered, in its reader's language.
fn later(say: impl Fn() -> String + Send + Sync + 'static) -> Text {
    Text::later(say)
}

fn not_you() -> Text {
    later(|| crate::i18n::t("email-not-you"))
}

/// `“a”, “b”`: names as a message lists them, quoted the reader's way.
fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| crate::i18n::t1("email-quoted", "name", n))
        .collect::<Vec<_>>()
        .join(", ")
}

fn mail(kind: &'static str, to: &str, subject: Text, heading: Text) -> Mail {
    Mail {
        kind,
        to: to.to_string(),
        subject,
        heading,
        paragraphs: Vec::new(),
        action: None,
        facts: Vec::new(),
        why: later(|| crate::i18n::t("email-why-account")),
    }
}

/// After registration, or when asked again: the link that proves the address.
pub fn verify_address(to: &str, link: String, hours: u64) -> Mail {
    let subject = later(|| crate::i18n::t("email-verify-subject"));
    Mail {
        paragraphs: vec![
            later(|| crate::i18n::t("email-verify-yours")),
            later(move || crate::i18n::t1("email-verify-lifetime", "hours", hours)),
        ],
        action: Some((later(|| crate::i18n::t("email-verify-action")), link)),
        why: later(|| crate::i18n::t("email-verify-why")),
        ..mail("verify_email", to, subject.clone(), subject)
    }
}

/// Forgot password: the link to choose a new one.
pub fn password_reset_link(to: &str, link: String, minutes: u64, context: &Context) -> Mail {
    Mail {
        paragraphs: vec![
            later(|| crate::i18n::t("email-reset-asked")),
            later(move || crate::i18n::t1("email-reset-lifetime", "minutes", minutes)),
            later(|| crate::i18n::t("email-reset-not-asked")),
        ],
        action: Some((later(|| crate::i18n::t("email-reset-action")), link)),
        ..mail(
            "password_reset",
            to,
            later(|| crate::i18n::t("email-reset-subject")),
            later(|| crate::i18n::t("email-reset-heading")),
        )
    }
    .with_context(context)
}

/// A new address: the link that proves it and makes the change.
pub fn confirm_new_address(to: &str, link: String, hours: u64, context: &Context) -> Mail {
    Mail {
        paragraphs: vec![
            later(|| crate::i18n::t("email-new-address-asked")),
            later(move || crate::i18n::t1("email-new-address-lifetime", "hours", hours)),
        ],
        action: Some((later(|| crate::i18n::t("email-new-address-action")), link)),
        why: later(|| crate::i18n::t("email-new-address-why")),
        ..mail(
            "email_change",
            to,
            later(|| crate::i18n::t("email-new-address-subject")),
            later(|| crate::i18n::t("email-new-address-heading")),
        )
    }
    .with_context(context)
}

/// To the old address when a change to `new_email` is requested.
pub fn email_change_requested(to: &str, new_email: &str, context: &Context) -> Mail {
    let new_email = new_email.to_string();
    Mail {
        paragraphs: vec![
            later(move || crate::i18n::t1("email-change-requested-said", "address", &new_email)),
            not_you(),
        ],
        ..mail(
            "email_change_requested",
            to,
            later(|| crate::i18n::t("email-change-requested-subject")),
            later(|| crate::i18n::t("email-change-requested-heading")),
        )
    }
    .with_context(context)
}

/// To the old address once a change to `new_email` is complete: the owner may not have made
/// it, and this address no longer reaches the account.
pub fn email_changed(to: &str, new_email: &str, context: &Context) -> Mail {
    let new_email = new_email.to_string();
    Mail {
        paragraphs: vec![
            later(move || crate::i18n::t1("email-changed-said", "address", &new_email)),
            later(|| crate::i18n::t("email-changed-not-you")),
        ],
        ..mail(
            "email_changed",
            to,
            later(|| crate::i18n::t("email-changed-subject")),
            later(|| crate::i18n::t("email-changed-heading")),
        )
    }
    .with_context(context)
}

/// The password was changed (signed in) or reset (by a link).
pub fn password_changed(to: &str, by_reset: bool, tokens: &LiveTokens, context: &Context) -> Mail {
    let (subject, what) = if by_reset {
        (
            later(|| crate::i18n::t("email-password-reset-subject")),
            later(|| crate::i18n::t("email-password-reset-said")),
        )
    } else {
        (
            later(|| crate::i18n::t("email-password-changed-subject")),
            later(|| crate::i18n::t("email-password-changed-said")),
        )
    };
    let mut paragraphs = vec![what, not_you()];
    let mut action = None;
    if !tokens.names.is_empty() {
        let names = tokens.names.clone();
        paragraphs.push(later(move || {
            crate::i18n::t1("email-password-tokens", "tokens", quoted(&names))
        }));
        action = Some((
            later(|| crate::i18n::t("email-password-tokens-action")),
            tokens.link.clone(),
        ));
    }
    Mail {
        paragraphs,
        action,
        ..mail("password_changed", to, subject.clone(), subject)
    }
    .with_context(context)
}

/// The live personal access tokens a password notice lists, and the link to revoke them.
#[derive(Debug, Clone, Default)]
pub struct LiveTokens {
    pub names: Vec<String>,
    pub link: String,
}

/// A sign-in from a device this user has not used before.
pub fn new_sign_in(to: &str, context: &Context) -> Mail {
    Mail {
        paragraphs: vec![
            later(|| crate::i18n::t("email-new-sign-in-said")),
            not_you(),
        ],
        ..mail(
            "new_sign_in",
            to,
            later(|| crate::i18n::t("email-new-sign-in-subject")),
            later(|| crate::i18n::t("email-new-sign-in-heading")),
        )
    }
    .with_context(context)
}

/// A refresh token came back after it had been used: someone may hold a copy, so the session
/// was ended.
pub fn refresh_token_reuse(to: &str, context: &Context) -> Mail {
    Mail {
        paragraphs: vec![
            later(|| crate::i18n::t("email-refresh-reuse-said")),
            later(|| crate::i18n::t("email-refresh-reuse-advice")),
        ],
        ..mail(
            "refresh_reuse",
            to,
            later(|| crate::i18n::t("email-refresh-reuse-subject")),
            later(|| crate::i18n::t("email-refresh-reuse-heading")),
        )
    }
    .with_context(context)
}

/// Second-factor changes: an authenticator added or removed, recovery codes renewed.
pub fn second_factor_changed(to: &str, what: SecondFactorChange, context: &Context) -> Mail {
    let (kind, subject, said) = match what {
        SecondFactorChange::Enabled => (
            "mfa_enabled",
            later(|| crate::i18n::t("email-mfa-enabled-subject")),
            later(|| crate::i18n::t("email-mfa-enabled-said")),
        ),
        SecondFactorChange::Disabled => (
            "mfa_disabled",
            later(|| crate::i18n::t("email-mfa-disabled-subject")),
            later(|| crate::i18n::t("email-mfa-disabled-said")),
        ),
        SecondFactorChange::CodesRenewed => (
            "recovery_codes_regenerated",
            later(|| crate::i18n::t("email-codes-renewed-subject")),
            later(|| crate::i18n::t("email-codes-renewed-said")),
        ),
    };
    Mail {
        paragraphs: vec![said, not_you()],
        ..mail(kind, to, subject.clone(), subject)
    }
    .with_context(context)
}

/// Which second-factor change a notice tells of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactorChange {
    Enabled,
    Disabled,
    CodesRenewed,
}

/// A recovery code was used to sign in: each works once, and this many are left.
pub fn recovery_code_used(to: &str, left: i64, context: &Context) -> Mail {
    Mail {
        paragraphs: vec![
            later(|| crate::i18n::t("email-recovery-code-used-said")),
            later(move || crate::i18n::t1("email-recovery-code-used-left", "left", left)),
            not_you(),
        ],
        ..mail(
            "recovery_code_used",
            to,
            later(|| crate::i18n::t("email-recovery-code-used-subject")),
            later(|| crate::i18n::t("email-recovery-code-used-heading")),
        )
    }
    .with_context(context)
}

/// The account was deleted, by its owner or an administrator.
pub fn account_deleted(to: &str, context: &Context) -> Mail {
    Mail {
        paragraphs: vec![
            later(|| crate::i18n::t("email-account-deleted-said")),
            later(|| crate::i18n::t("email-account-deleted-not-asked")),
        ],
        why: later(|| crate::i18n::t("email-account-deleted-why")),
        ..mail(
            "account_deleted",
            to,
            later(|| crate::i18n::t("email-account-deleted-subject")),
            later(|| crate::i18n::t("email-account-deleted-heading")),
        )
    }
    .with_context(context)
}

/// A passkey was added to or removed from the account, or one was refused because its
/// signature counter went backwards (a copy of it may exist).
pub fn passkey_changed(to: &str, name: &str, what: PasskeyChange, context: &Context) -> Mail {
    let name = name.to_string();
    let (kind, subject, said) = match what {
        PasskeyChange::Added => (
            "passkey_added",
            later(|| crate::i18n::t("email-passkey-added-subject")),
            later(move || crate::i18n::t1("email-passkey-added-said", "name", &name)),
        ),
        PasskeyChange::Removed => (
            "passkey_removed",
            later(|| crate::i18n::t("email-passkey-removed-subject")),
            later(move || crate::i18n::t1("email-passkey-removed-said", "name", &name)),
        ),
        PasskeyChange::Used => (
            "passkey_used",
            later(|| crate::i18n::t("email-passkey-used-subject")),
            later(move || crate::i18n::t1("email-passkey-used-said", "name", &name)),
        ),
        PasskeyChange::CloneSuspected => (
            "passkey_clone_suspected",
            later(|| crate::i18n::t("email-passkey-clone-suspected-subject")),
            later(move || crate::i18n::t1("email-passkey-clone-suspected-said", "name", &name)),
        ),
    };
    Mail {
        paragraphs: vec![said, not_you()],
        ..mail(kind, to, subject.clone(), subject)
    }
    .with_context(context)
}

/// Which passkey event a notice tells of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasskeyChange {
    Added,
    Removed,
    Used,
    CloneSuspected,
}

/// A personal access token was created: what it may do and until when.
pub fn pat_created(
    to: &str,
    name: &str,
    scopes: &str,
    expires_at: time::OffsetDateTime,
    context: &Context,
) -> Mail {
    let name = name.to_string();
    let mut mail = Mail {
        paragraphs: vec![
            later(move || crate::i18n::t1("email-pat-created-said", "name", &name)),
            later(|| crate::i18n::t("email-pat-created-not-you")),
        ],
        ..mail(
            "pat_created",
            to,
            later(|| crate::i18n::t("email-pat-created-subject")),
            later(|| crate::i18n::t("email-pat-created-heading")),
        )
    };
    mail.facts
        .push((later(|| crate::i18n::t("email-fact-scopes")), scopes.into()));
    mail.facts.push((
        later(|| crate::i18n::t("email-fact-expires")),
        crate::mail::when(expires_at),
    ));
    mail.with_context(context)
}

/// Who revoked personal access tokens, when it was not their owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatRevoker {
    Admin,
    /// RFC 7009: whoever held the token (a secret scanner that found it published, say).
    RevocationEndpoint,
    /// An administrator disabled the account, which revokes every token.
    Disabled,
}

/// Tokens were revoked by someone other than their owner.
pub fn pat_revoked(to: &str, names: &[&str], by: PatRevoker, context: &Context) -> Mail {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let count = names.len();
    let what = match (by, count) {
        (PatRevoker::Admin, 1) => later(move || {
            crate::i18n::t1("email-pat-revoked-by-admin-one", "tokens", quoted(&names))
        }),
        (PatRevoker::Admin, _) => {
            later(move || crate::i18n::t1("email-pat-revoked-by-admin", "tokens", quoted(&names)))
        }
        (PatRevoker::RevocationEndpoint, _) => {
            later(move || crate::i18n::t1("email-pat-revoked-by-holder", "tokens", quoted(&names)))
        }
        // Every token the account had: one or several.
        (PatRevoker::Disabled, _) => later(move || {
            let tokens = quoted(&names);
            crate::i18n::t2(
                "email-pat-revoked-by-disabling",
                "tokens",
                tokens,
                "count",
                count,
            )
        }),
    };
    Mail {
        paragraphs: vec![what, later(|| crate::i18n::t("email-pat-revoked-scripts"))],
        ..mail(
            "pat_revoked",
            to,
            later(|| crate::i18n::t("email-pat-revoked-subject")),
            later(|| crate::i18n::t("email-pat-revoked-heading")),
        )
    }
    .with_context(context)
}

/// An administrator's invitation to register: the single-use link that makes an account at
/// this address, already verified.
pub fn invitation(to: &str, link: String, days: u64, invited_by: &str) -> Mail {
    let invited_by = invited_by.to_string();
    let lifetime = match days {
        1 => later(|| crate::i18n::t("email-invitation-lifetime-one-day")),
        n => later(move || crate::i18n::t1("email-invitation-lifetime", "days", n)),
    };
    let subject = later(|| crate::i18n::t("email-invitation-subject"));
    Mail {
        paragraphs: vec![
            later(move || crate::i18n::t1("email-invitation-said", "inviter", &invited_by)),
            lifetime,
        ],
        action: Some((later(|| crate::i18n::t("email-invitation-action")), link)),
        why: later(|| crate::i18n::t("email-invitation-why")),
        ..mail("invitation", to, subject.clone(), subject)
    }
}

/// `failures` sign-ins in a row failed (wrong passwords or codes), the last from `context`:
/// the account is not locked, and a reset link (at `reset_page`) or a passkey gets the owner
/// in at once.
pub fn sign_in_attempts(
    to: &str,
    failures: i32,
    longest_wait: &str,
    reset_page: String,
    context: &Context,
) -> Mail {
    let longest_wait = longest_wait.to_string();
    let mut mail = Mail {
        paragraphs: vec![
            later(move || crate::i18n::t1("email-sign-in-attempts-said", "failures", failures)),
            later(move || {
                let wait = wait_said(&longest_wait);
                crate::i18n::t1("email-sign-in-attempts-not-locked", "wait", wait)
            }),
            later(|| crate::i18n::t("email-sign-in-attempts-get-in")),
        ],
        action: Some((
            later(|| crate::i18n::t("email-sign-in-attempts-action")),
            reset_page,
        )),
        ..mail(
            "sign_in_attempts",
            to,
            later(|| crate::i18n::t("email-sign-in-attempts-subject")),
            later(|| crate::i18n::t("email-sign-in-attempts-heading")),
        )
    };
    mail.facts.push((
        later(|| crate::i18n::t("email-fact-failed-sign-ins")),
        failures.to_string().into(),
    ));
    mail.with_context(context)
}

/// [`crate::accounts::throttle::wait_in_words`]' English ("a second", "5 seconds", "a
/// minute", "15 minutes") in the reader's language.
fn wait_said(words: &str) -> String {
    let (count, unit) = words.split_once(' ').unwrap_or(("", words));
    let count: u64 = count.parse().unwrap_or(1);
    match unit {
        "second" | "seconds" | "minute" | "minutes" => {
            crate::i18n::t2("email-wait", "unit", unit, "count", count)
        }
        _ => words.to_string(),
    }
}

/// The user let an app use their account (a first consent to an app that is not first-party,
/// or any device approval): which
/// app, what it may do (`scopes`, in words), from which device and address, and where to take
/// the access back (`revoke_link`, the account page's "Apps with access").
pub fn app_authorized(
    to: &str,
    app: &str,
    scopes: &[String],
    revoke_link: String,
    context: &Context,
) -> Mail {
    let name = app.to_string();
    let mut mail = Mail {
        paragraphs: vec![
            later(move || crate::i18n::t1("email-app-authorized-said", "app", &name)),
            later(|| crate::i18n::t("email-app-authorized-take-back")),
            later(|| crate::i18n::t("email-app-authorized-not-you")),
        ],
        action: Some((
            later(|| crate::i18n::t("email-app-authorized-action")),
            revoke_link,
        )),
        ..mail(
            "app_authorized",
            to,
            later(|| crate::i18n::t("email-app-authorized-subject")),
            later(|| crate::i18n::t("email-app-authorized-heading")),
        )
    };
    mail.facts
        .push((later(|| crate::i18n::t("email-fact-app")), app.into()));
    // The scopes in words are the domain layer's English: each is said with `tr`.
    let scopes = scopes.to_vec();
    mail.facts.push((
        later(|| crate::i18n::t("email-fact-access")),
        later(move || {
            scopes
                .iter()
                .map(|s| crate::i18n::tr(s))
                .collect::<Vec<_>>()
                .join("; ")
        }),
    ));
    mail.with_context(context)
}

/// An outside provider's account was linked to or unlinked from the Sigil account: it now
/// signs in (or no longer does).
pub fn identity_changed(to: &str, provider_name: &str, linked: bool, context: &Context) -> Mail {
    let (p1, p2) = (provider_name.to_string(), provider_name.to_string());
    let (kind, subject, said) = if linked {
        (
            "identity_linked",
            later(move || crate::i18n::t1("email-identity-linked-subject", "provider", &p1)),
            later(move || crate::i18n::t1("email-identity-linked-said", "provider", &p2)),
        )
    } else {
        (
            "identity_unlinked",
            later(move || crate::i18n::t1("email-identity-unlinked-subject", "provider", &p1)),
            later(move || crate::i18n::t1("email-identity-unlinked-said", "provider", &p2)),
        )
    };
    Mail {
        paragraphs: vec![said, later(|| crate::i18n::t("email-identity-not-you"))],
        ..mail(kind, to, subject.clone(), subject)
    }
    .with_context(context)
}
