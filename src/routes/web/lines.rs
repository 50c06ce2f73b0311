//! The lines of the security tables that several page groups show (`/account`, the pages
//! under `/admin`): one event, one login session, in words a person reads.

use std::collections::HashMap;

use serde_json::Value;

use crate::audit::EventKind;
use crate::auth::scopes::Scopes;
use crate::db::events::EventRow;
use crate::db::pats::PatRow;
use crate::db::sessions::Session as LoginSession;
use crate::http::client::Device;
use crate::i18n::{Moment, Shown};
use crate::routes::web::utc;

/// One security event in a table.
pub struct EventLine {
    /// What happened, in words ("Failed sign-in").
    pub label: String,
    pub time: Moment,
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

/// The facts recorded with an event, in words in the page's language: `name tried: alice,
/// wrong password`. The device has a column of its own. Recorded values (a reason code, a
/// method) stay as recorded, spaced.
fn facts(detail: &str) -> String {
    use crate::i18n::{t, t1, t2};
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
                // Identifiers mean nothing to a person: the device column says which one.
                ("device" | "session_id" | "token_id", _) | ("new_device", Value::Bool(false)) => {
                    None
                }
                ("amr", _) => Some(t1("common-fact-signed-in-with", "proofs", proofs(&text))),
                ("step" | "method" | "via", _) => Some(t2(
                    "common-fact-key-value",
                    "key",
                    t(&format!("common-fact-{key}")),
                    "value",
                    recorded(&text),
                )),
                ("new_device", _) => Some(t("common-fact-new-device")),
                ("login", _) => Some(t1("common-fact-name-tried", "name", text)),
                ("reason", _) => Some(recorded(&text)),
                ("from", _) => Some(t1("common-fact-was", "value", text)),
                ("to", _) => Some(t1("common-fact-now", "value", text)),
                ("sessions", _) => Some(t1("common-fact-sessions-ended", "count", text)),
                _ => Some(t2(
                    "common-fact-key-value",
                    "key",
                    key.replace('_', " "),
                    "value",
                    text,
                )),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A recorded code (a refusal's reason, a step, a method) in words: the catalog's
/// `common-code-<code>` when it has one, else the code spaced (`sign_in_delayed` is "sign in
/// delayed").
fn recorded(code: &str) -> String {
    crate::i18n::try_t(&format!("common-code-{}", code.replace('_', "-")))
        .unwrap_or_else(|| code.replace('_', " "))
}

/// How a user proved who they were (RFC 8176 `amr` values, space-separated), in words:
/// `pwd otp` is "password and authenticator app".
fn proofs(amr: &str) -> String {
    use crate::i18n::{t, t2};
    let words: Vec<String> = amr
        .split_whitespace()
        .map(|m| match m {
            "pwd" => t("common-proof-pwd"),
            "otp" => t("common-proof-otp"),
            "swk" => t("common-proof-swk"),
            "hwk" => t("common-proof-hwk"),
            "fed" => t("common-proof-fed"),
            other => other.to_string(),
        })
        .collect();
    match words.as_slice() {
        [] => t("common-proof-none"),
        [one] => one.clone(),
        [rest @ .., last] => t2(
            "common-proofs-and",
            "rest",
            rest.join(", "),
            "last",
            last.as_str(),
        ),
    }
}

/// One live login session in a table.
pub struct SessionLine {
    pub id: String,
    /// "Firefox 132 on Windows 10".
    pub device: String,
    pub ip: String,
    pub created_at: Moment,
    pub last_used_at: Moment,
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

/// A personal access token as the account and admin pages list it.
pub struct TokenLine {
    pub id: i32,
    pub name: String,
    pub hint: String,
    pub scopes: String,
    pub created_at: Moment,
    pub expires_at: Moment,
    pub last_used: Shown,
    pub expired: bool,
}

impl From<&PatRow> for TokenLine {
    fn from(row: &PatRow) -> Self {
        let last_used = match (&row.last_used_at, &row.last_used_ip) {
            (Some(at), Some(ip)) => Shown::AtFrom(utc(*at), ip.clone()),
            (Some(at), None) => utc(*at).into(),
            _ => "never".into(),
        };
        Self {
            id: row.id,
            name: row.name.clone(),
            hint: row.hint.clone(),
            scopes: Scopes::from_stored(&row.scopes).to_string(),
            created_at: utc(row.created_at),
            expires_at: utc(row.expires_at),
            last_used,
            expired: row.is_expired(crate::db::now()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_speak_words_not_identifiers() {
        let detail = r#"{"amr":"pwd otp","session_id":"3f1c9a7e-1111-2222-3333-444455556666","new_device":true}"#;
        let said = facts(detail);
        assert_eq!(
            said,
            "signed in with password and authenticator app, from a new device"
        );
        assert_eq!(proofs("swk"), "passkey");
    }
}
