//! `create-user` and `set-role`: accounts made and changed from the command line.

use std::io::{IsTerminal as _, Read as _};
use std::process::ExitCode;

use super::exit::{open_migrated_db, usage};
use crate::accounts::password_policy::{Owner, PasswordPolicy};
use crate::audit::{Event, EventKind};
use crate::config::Settings;
use crate::db::users::{CreateUserError, User};
use crate::domain::{Email, Password, Role, Username};
use crate::http::client::ClientInfo;

pub fn create_user(settings: &Settings, email: &str, username: &str, admin: bool) -> ExitCode {
    // The name and address first, so a typo is not found after the password was typed twice.
    let (email, username) = match (
        Email::parse(email).map_err(|m| ("--email", m)),
        Username::parse(username).map_err(|m| ("--username", m)),
    ) {
        (Ok(e), Ok(u)) => (e, u),
        (e, u) => {
            for (what, msg) in [e.err(), u.err()].into_iter().flatten() {
                eprintln!("{what}: {msg}");
            }
            return ExitCode::FAILURE;
        }
    };
    // The password rules, the breach file and the range API (when on) included.
    let policy = match crate::http::outgoing::Outgoing::from_settings(settings)
        .and_then(|outgoing| PasswordPolicy::from_settings(settings, &outgoing))
    {
        Ok(policy) => policy,
        Err(e) => {
            eprintln!("{e}");
            return usage();
        }
    };
    let owner = Owner {
        username: username.as_str(),
        email: email.as_str(),
    };
    let password = match read_password(username.as_str(), |raw| screen(&policy, owner, raw)) {
        Ok(p) => p,
        Err(m) => {
            eprintln!("{m}");
            return ExitCode::FAILURE;
        }
    };
    let db = match open_migrated_db(settings) {
        Ok(db) => db,
        Err(code) => return code,
    };
    let hash = match crate::auth::password::hash(&password, settings.bcrypt_cost) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("hashing failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match db.get() {
        Ok(mut conn) => crate::db::write_transaction(&mut conn, |conn| {
            let user = User::create(conn, &email, &username, &hash, None)?;
            let user = User::mark_verified(conn, user.id)?;
            match admin {
                true => Ok(User::set_role(conn, user.id, Role::Admin)?),
                false => Ok(user),
            }
        }),
        Err(e) => {
            e.log_if_internal();
            eprintln!("cannot reach the database");
            return ExitCode::FAILURE;
        }
    };
    match result {
        Ok(user) => {
            println!(
                "{}",
                serde_json::json!({
                    "id": user.id,
                    "email": user.email,
                    "username": user.username,
                    "role": user.role,
                })
            );
            ExitCode::SUCCESS
        }
        Err(CreateUserError::Taken(taken)) => {
            eprintln!("--{}: {}", taken.field(), taken.message());
            ExitCode::FAILURE
        }
        Err(CreateUserError::Db(e)) => {
            eprintln!("cannot create the user: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A new password through every rule: parsed, or the message of the first rule it fails.
fn screen(policy: &PasswordPolicy, owner: Owner<'_>, raw: &str) -> Result<Password, String> {
    let password = Password::parse(raw)?;
    let checked = actix_web::rt::System::new().block_on(policy.check(raw, owner));
    checked.map_err(|reason| reason.message().to_string())?;
    Ok(password)
}

/// At a terminal: a prompt, the typing hidden, asked twice, ended by Enter; a password the
/// rules refuse is asked again. Otherwise the first line of standard input, for scripts
/// (`echo "$PW" | sigil create-user …`), refused with the rule's message.
fn read_password(
    username: &str,
    screen: impl Fn(&str) -> Result<Password, String>,
) -> Result<Password, String> {
    if !std::io::stdin().is_terminal() {
        let mut input = String::new();
        std::io::stdin()
            .take(4096)
            .read_to_string(&mut input)
            .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
        let line = input.lines().next().unwrap_or("");
        return screen(line).map_err(|m| format!("password: {m}"));
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt).map_err(|e| format!("cannot read the password: {e}"))
    };
    for _ in 0..3 {
        let first = ask(&format!("Password for {username} (hidden as you type): "))?;
        let password = match screen(&first) {
            Ok(password) => password,
            Err(m) => {
                eprintln!("{m}");
                continue;
            }
        };
        if ask("The same password again: ")? == first {
            return Ok(password);
        }
        eprintln!("The two passwords differ: try again.");
    }
    Err("no password set after three tries".into())
}

pub fn set_role(settings: &Settings, username: &str, role: &str) -> ExitCode {
    let role = match Role::parse(role) {
        Ok(r) => r,
        Err(m) => {
            eprintln!("role: {m}");
            return usage();
        }
    };
    let db = match open_migrated_db(settings) {
        Ok(db) => db,
        Err(code) => return code,
    };
    let mut conn = match db.get() {
        Ok(conn) => conn,
        Err(_) => {
            eprintln!("cannot reach the database");
            return ExitCode::FAILURE;
        }
    };
    let user = match User::find_by_username(&mut conn, username) {
        Ok(Some(user)) => user,
        Ok(None) => {
            eprintln!("no user is named {username:?}");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("cannot read the user: {e}");
            return ExitCode::FAILURE;
        }
    };
    let event = Event::new(EventKind::RoleChanged, &ClientInfo::default())
        .user(user.id)
        .detail("via", "cli");
    match crate::accounts::admin::set_role_in(&mut conn, user.id, role, event) {
        Ok(user) => {
            println!("{} is now {}", user.username, user.role);
            ExitCode::SUCCESS
        }
        Err(e) => {
            e.log_if_internal();
            eprintln!("{}", e.public_detail());
            ExitCode::FAILURE
        }
    }
}
