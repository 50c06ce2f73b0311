//! Every message Sigil sends a user: links that prove something, and security notices that
//! say what happened, when, from which device and address. Later flows (second factor,
//! passkeys) add theirs here.

use crate::mail::{Context, Mail};

const NOT_YOU: &str =
    "If this was not you, change your password now and sign out everywhere from your account page.";

fn mail(kind: &'static str, to: &str, subject: &str, heading: &str) -> Mail {
    Mail {
        kind,
        to: to.to_string(),
        subject: subject.to_string(),
        heading: heading.to_string(),
        paragraphs: Vec::new(),
        action: None,
        facts: Vec::new(),
        why: "You received this because this address belongs to a Sigil account.".into(),
    }
}

/// After registration, or when asked again: the link that proves the address.
pub fn verify_address(to: &str, link: String, hours: u64) -> Mail {
    Mail {
        paragraphs: vec![
            "Confirm that this address is yours, so it can be used to get back into your account.".into(),
            format!("The link works once, for {hours} hours."),
        ],
        action: Some(("Confirm my address".into(), link)),
        why: "You received this because this address was given when a Sigil account was created or changed. If that was not you, ignore this message: nothing happens without the link.".into(),
        ..mail("verify_email", to, "Confirm your e-mail address", "Confirm your e-mail address")
    }
}

/// Forgot password: the link to choose a new one.
pub fn password_reset_link(to: &str, link: String, minutes: u64, context: &Context) -> Mail {
    Mail {
        paragraphs: vec![
            "Someone asked to reset the password of the Sigil account with this address.".into(),
            format!("The link works once, for {minutes} minutes. Asking again, or changing the password, ends it."),
            "If you did not ask, ignore this message: your password stays as it is.".into(),
        ],
        action: Some(("Choose a new password".into(), link)),
        ..mail("password_reset", to, "Reset your Sigil password", "Reset your password")
    }
    .with_context(context)
}

/// A new address: the link that proves it and makes the change.
pub fn confirm_new_address(to: &str, link: String, hours: u64, context: &Context) -> Mail {
    Mail {
        paragraphs: vec![
            "Someone asked to make this the e-mail address of a Sigil account.".into(),
            format!("The change happens only when the link is followed. It works once, for {hours} hours."),
        ],
        action: Some(("Use this address".into(), link)),
        why: "You received this because this address was given as the new address of a Sigil account. If that was not you, ignore this message.".into(),
        ..mail("email_change", to, "Confirm your new e-mail address", "Confirm your new address")
    }
    .with_context(context)
}

/// To the old address when a change to `new_email` is requested.
pub fn email_change_requested(to: &str, new_email: &str, context: &Context) -> Mail {
    Mail {
        paragraphs: vec![
            format!("Someone asked to change the e-mail address of your account to {new_email}. It changes only once a link sent there is followed."),
            NOT_YOU.into(),
        ],
        ..mail("email_change_requested", to, "Your Sigil e-mail address is being changed", "Your e-mail address is being changed")
    }
    .with_context(context)
}

/// To the old address once a change to `new_email` is complete: the owner may not have made
/// it, and this address no longer reaches the account.
pub fn email_changed(to: &str, new_email: &str, context: &Context) -> Mail {
    Mail {
        paragraphs: vec![
            format!("The e-mail address of your Sigil account is now {new_email}. This address no longer receives its mail, and links sent here before (password reset, confirmation) no longer work."),
            "If this was not you, someone else may hold your account: contact this site's administrator now. They can disable the account, log it out everywhere and give it back its address. Until then, do not follow links in mail that claims to come from this account.".into(),
        ],
        ..mail("email_changed", to, "Your Sigil e-mail address was changed", "Your e-mail address was changed")
    }
    .with_context(context)
}

/// The password was changed (signed in) or reset (by a link).
pub fn password_changed(to: &str, by_reset: bool, tokens: &LiveTokens, context: &Context) -> Mail {
    let (subject, what) = if by_reset {
        (
            "Your Sigil password was reset",
            "Your password was reset with a link sent to this address.",
        )
    } else {
        (
            "Your Sigil password was changed",
            "Your password was changed.",
        )
    };
    let mut paragraphs = vec![
        format!("{what} Every session signed in before has been signed out."),
        NOT_YOU.into(),
    ];
    let mut action = None;
    if !tokens.names.is_empty() {
        let list = tokens
            .names
            .iter()
            .map(|n| format!("\u{201c}{n}\u{201d}"))
            .collect::<Vec<_>>()
            .join(", ");
        paragraphs.push(format!("A password change does not end personal access tokens, so scripts keep working. These still work: {list}. Revoke any you do not know."));
        action = Some(("Review your tokens".to_string(), tokens.link.clone()));
    }
    Mail {
        paragraphs,
        action,
        ..mail("password_changed", to, subject, subject)
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
            "Your account was signed in to from a device it has not been used from before.".into(),
            NOT_YOU.into(),
        ],
        ..mail(
            "new_sign_in",
            to,
            "New sign-in to your Sigil account",
            "New sign-in to your account",
        )
    }
    .with_context(context)
}

/// A refresh token came back after it had been used: someone may hold a copy, so the session
/// was ended.
pub fn refresh_token_reuse(to: &str, context: &Context) -> Mail {
    Mail {
        paragraphs: vec![
            "A refresh token of one of your sessions was presented again after it had already been used. A copy of it may be in someone else's hands, so that session was signed out as a precaution.".into(),
            "If you just signed in again on that device, you can ignore this. Otherwise change your password.".into(),
        ],
        ..mail("refresh_reuse", to, "A Sigil session was signed out as a precaution", "A session was signed out as a precaution")
    }
    .with_context(context)
}

/// Second-factor changes: an authenticator added or removed, recovery codes renewed.
pub fn second_factor_changed(to: &str, what: SecondFactorChange, context: &Context) -> Mail {
    let (kind, subject, said) = match what {
        SecondFactorChange::Enabled => (
            "mfa_enabled",
            "Two-step sign-in is on for your Sigil account",
            "An authenticator app was added to your account: signing in now asks for a code from it after the password.",
        ),
        SecondFactorChange::Disabled => (
            "mfa_disabled",
            "Two-step sign-in was turned off for your Sigil account",
            "The authenticator app and the recovery codes were removed from your account: signing in asks for the password only.",
        ),
        SecondFactorChange::CodesRenewed => (
            "recovery_codes_regenerated",
            "New recovery codes for your Sigil account",
            "New recovery codes were made for your account; the old ones no longer work.",
        ),
    };
    Mail {
        paragraphs: vec![said.into(), NOT_YOU.into()],
        ..mail(kind, to, subject, subject)
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
            "A recovery code was used to sign in to your account in place of a code from your authenticator app.".into(),
            format!("That code no longer works; {left} of your recovery codes are left. Make new ones from your account page when they run low."),
            NOT_YOU.into(),
        ],
        ..mail(
            "recovery_code_used",
            to,
            "A recovery code was used for your Sigil account",
            "A recovery code was used",
        )
    }
    .with_context(context)
}

/// The account was deleted, by its owner or an administrator.
pub fn account_deleted(to: &str, context: &Context) -> Mail {
    Mail {
        paragraphs: vec![
            "Your Sigil account was deleted, with its posts, sessions and second factors. Nothing more can be done with it.".into(),
            "If you did not ask for this, contact the people who run this Sigil.".into(),
        ],
        why: "You received this because this address belonged to a Sigil account.".into(),
        ..mail("account_deleted", to, "Your Sigil account was deleted", "Your account was deleted")
    }
    .with_context(context)
}

/// A passkey was added to or removed from the account, or one was refused because its
/// signature counter went backwards (a copy of it may exist).
pub fn passkey_changed(to: &str, name: &str, what: PasskeyChange, context: &Context) -> Mail {
    let (kind, subject, said) = match what {
        PasskeyChange::Added => (
            "passkey_added",
            "A passkey was added to your Sigil account",
            format!("The passkey \u{201c}{name}\u{201d} was added to your account: it can now sign in without the password, or confirm a sign-in after it."),
        ),
        PasskeyChange::Removed => (
            "passkey_removed",
            "A passkey was removed from your Sigil account",
            format!("The passkey \u{201c}{name}\u{201d} was removed from your account and no longer signs in."),
        ),
        PasskeyChange::Used => (
            "passkey_used",
            "Your passkey was used with your Sigil account",
            format!("The passkey \u{201c}{name}\u{201d} was just used with your account: to sign in, or to confirm it was you before a change."),
        ),
        PasskeyChange::CloneSuspected => (
            "passkey_clone_suspected",
            "A passkey of your Sigil account was refused",
            format!("A sign-in with the passkey \u{201c}{name}\u{201d} was refused: the authenticator's signature counter went backwards, which happens when the passkey's key has been copied to another device. If you did not copy it, remove this passkey from your account page."),
        ),
    };
    Mail {
        paragraphs: vec![said, NOT_YOU.into()],
        ..mail(kind, to, subject, subject)
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
    let subject = "A personal access token was created for your Sigil account";
    let mut mail = Mail {
        paragraphs: vec![
            format!("The personal access token \u{201c}{name}\u{201d} was created. Scripts that hold it can act for you with the scopes below, without your password, until it expires or is revoked."),
            "If this was not you, revoke it from your account page (Personal access tokens), then change your password.".into(),
        ],
        ..mail("pat_created", to, subject, "A personal access token was created")
    };
    mail.facts.push(("Scopes", scopes.to_string()));
    mail.facts.push(("Expires", crate::mail::when(expires_at)));
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
    let list = names
        .iter()
        .map(|n| format!("\u{201c}{n}\u{201d}"))
        .collect::<Vec<_>>()
        .join(", ");
    let what = match (by, names.len()) {
        (PatRevoker::Admin, 1) => format!("An administrator revoked your personal access token {list}."),
        (PatRevoker::Admin, _) => format!("An administrator revoked your personal access tokens {list}."),
        (PatRevoker::RevocationEndpoint, _) => format!("Your personal access token {list} was revoked by someone who held it, through the revocation endpoint. Secret scanners do this when a token is found published, in a repository or a log."),
        (PatRevoker::Disabled, _) => format!("An administrator disabled your account, which revoked your personal access tokens {list}. They stay revoked if the account is enabled again."),
    };
    let subject = "A personal access token of your Sigil account was revoked";
    Mail {
        paragraphs: vec![
            what,
            "Scripts that used it now get 401. Create a new token from your account page if they still need one.".into(),
        ],
        ..mail("pat_revoked", to, subject, "A personal access token was revoked")
    }
    .with_context(context)
}

/// An administrator's invitation to register: the single-use link that makes an account at
/// this address, already verified.
pub fn invitation(to: &str, link: String, days: u64, invited_by: &str) -> Mail {
    let lifetime = match days {
        1 => "1 day".to_string(),
        n => format!("{n} days"),
    };
    Mail {
        paragraphs: vec![
            format!("{invited_by} invited you to create an account on Sigil with this address."),
            format!("The link works once, for {lifetime}. The account it makes uses this address."),
        ],
        action: Some(("Create my account".into(), link)),
        why: "You received this because an administrator of this Sigil invited this address. If you do not want an account, ignore this message: nothing happens without the link.".into(),
        ..mail("invitation", to, "You are invited to Sigil", "You are invited to Sigil")
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
    let subject = "Failed sign-ins to your Sigil account";
    let mut mail = Mail {
        paragraphs: vec![
            format!("{failures} sign-ins to your account failed in a row: wrong passwords or second-factor codes. The last one came from the device and address below."),
            format!("Your account is not locked. Each further failure makes the next attempt wait a little longer, up to {longest_wait}."),
            "To get in now, sign in with a passkey if you have one, or choose a new password with a reset link: neither waits. If these attempts were not yours, a new password also ends every session.".into(),
        ],
        action: Some(("Get a reset link".into(), reset_page)),
        ..mail("sign_in_attempts", to, subject, "Someone is trying to sign in to your account")
    };
    mail.facts.push(("Failed sign-ins", failures.to_string()));
    mail.with_context(context)
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
    let subject = "An app can now use your Sigil account";
    let mut mail = Mail {
        paragraphs: vec![
            format!("You allowed \u{201c}{app}\u{201d} to use your Sigil account. It can do what is listed below until you take its access back."),
            "To take it back, open your account page: under \u{201c}Apps with access\u{201d}, revoke the app. It is signed out at once, and asks you again next time.".into(),
            "If this was not you, revoke the app, then change your password and sign out everywhere.".into(),
        ],
        action: Some(("Review apps with access".into(), revoke_link)),
        ..mail("app_authorized", to, subject, "An app can now use your account")
    };
    mail.facts.push(("App", app.to_string()));
    mail.facts.push(("Access", scopes.join("; ")));
    mail.with_context(context)
}

/// An outside provider's account was linked to or unlinked from the Sigil account: it now
/// signs in (or no longer does).
pub fn identity_changed(to: &str, provider_name: &str, linked: bool, context: &Context) -> Mail {
    let (kind, subject, said) = if linked {
        (
            "identity_linked",
            format!("{provider_name} can now sign in to your Sigil account"),
            format!("Your {provider_name} account was linked to your Sigil account: signing in with {provider_name} now opens it."),
        )
    } else {
        (
            "identity_unlinked",
            format!("{provider_name} was unlinked from your Sigil account"),
            format!("Your {provider_name} account was unlinked from your Sigil account and no longer signs in to it."),
        )
    };
    Mail {
        paragraphs: vec![
            said,
            "If this was not you, change your password, sign out everywhere from your account page, and unlink any provider you do not know.".into(),
        ],
        ..mail(kind, to, &subject, &subject)
    }
    .with_context(context)
}
