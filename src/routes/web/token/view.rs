//! What the page shows of one inspected token: the verdict, the warnings, the times in UTC and
//! relative to now, the raw segments, and every claim and header parameter explained.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::glossary::{self, UNIX_TIME_CLAIMS};
use crate::inspector::times::{human_duration, relative};
use crate::inspector::warnings::Warning;
use crate::inspector::Inspection;

pub struct ClaimRow {
    pub name: String,
    pub label: String,
    pub meaning: String,
    pub value: String,
}

pub struct Segments {
    pub header: String,
    pub payload: String,
    pub signature: String,
}

/// A moment the token names: UTC for the eye, RFC 3339 for `<time datetime>`, and how long
/// ago or from now ("expires in 12 min", "issued 3 days ago").
pub struct Moment {
    pub utc: String,
    pub rfc3339: String,
    pub relative: String,
}

/// Everything the page shows of one inspected token.
pub struct TokenView {
    pub status: &'static str,
    pub status_label: &'static str,
    /// What the text is, in words: "Access token", "Personal access token"…
    pub kind_label: &'static str,
    /// A checksummed secret (a personal access token, a client secret): no JWT parts to show.
    pub secret: bool,
    /// One of the viewer's own personal access tokens.
    pub token_info: Option<SecretInfo>,
    pub error: Option<String>,
    pub warnings: Vec<Warning>,
    pub header_json: String,
    pub payload_json: String,
    pub algorithm: String,
    pub key_id: String,
    pub verified: bool,
    /// "yes", "no" or "session unknown".
    pub revoked: &'static str,
    /// Whether Sigil looked the token up (its own, signature verified).
    pub revoked_known: bool,
    pub subject: Option<String>,
    pub issued_at: Option<Moment>,
    pub not_before: Option<Moment>,
    pub expires_at: Option<Moment>,
    pub expires_at_unix: Option<i64>,
    pub claims: Vec<ClaimRow>,
    pub header_rows: Vec<ClaimRow>,
    pub segments: Option<Segments>,
    /// `/token#token=…`: the token in the fragment, which browsers never send to a server.
    pub share_link: String,
}

/// What the page shows of one of the viewer's own personal access tokens.
pub struct SecretInfo {
    pub name: String,
    pub scopes: String,
    pub expires_at: Option<Moment>,
    pub last_used_at: Option<Moment>,
}

pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "access_token" => "Access token",
        "id_token" => "ID token",
        "logout_token" => "Logout token",
        "personal_access_token" => "Personal access token",
        "client_secret" => "Client secret",
        _ => "JWT",
    }
}

pub fn status_label(status: &str) -> &'static str {
    match status {
        "valid" => "Valid",
        "expired" => "Expired",
        "not_yet_valid" => "Not yet valid",
        "revoked" => "Revoked",
        "invalid_signature" => "Invalid signature",
        "wrong_algorithm" => "Wrong algorithm",
        "wrong_issuer_or_audience" => "Wrong issuer or audience",
        "unverified" => "Not verified",
        _ => "Malformed",
    }
}

/// `2018-01-18 01:30:22 UTC`.
fn utc(t: OffsetDateTime) -> String {
    format!(
        "{} {:02}:{:02}:{:02} UTC",
        t.date(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A span in words, in years past a year (the core's words stop at days).
fn span(seconds: i64) -> String {
    const YEAR: u64 = 365 * 86_400;
    match seconds.unsigned_abs() {
        s if s >= 2 * YEAR => format!("{} years", s / YEAR),
        _ => human_duration(seconds),
    }
}

/// "in 12 min" / "3 days ago", with years for the far past and future.
fn from_now(seconds: i64) -> String {
    match seconds {
        s if s.unsigned_abs() >= 2 * 365 * 86_400 && s > 0 => format!("in {}", span(s)),
        s if s.unsigned_abs() >= 2 * 365 * 86_400 => format!("{} ago", span(s)),
        s => relative(s),
    }
}

/// A moment with its relative phrase: `future` or `past` followed by "in 12 min" / "3 days ago".
fn moment(t: Option<OffsetDateTime>, now: i64, future: &str, past: &str) -> Option<Moment> {
    let t = t?;
    let delta = t.unix_timestamp() - now;
    let verb = if delta > 0 { future } else { past };
    Some(Moment {
        utc: utc(t),
        rfc3339: t
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        relative: format!("{verb} {}", from_now(delta)),
    })
}

/// RFC 8176 method references, in words.
fn amr_words(v: &Value) -> Option<String> {
    let list = v.as_array()?;
    let words: Vec<String> = list
        .iter()
        .map(|m| {
            let m = m.as_str().unwrap_or("?");
            let said = match m {
                "pwd" => "password",
                "otp" => "one-time code",
                "hwk" => "hardware-bound key (passkey)",
                "swk" => "software-bound key (passkey)",
                "mfa" => "several factors",
                _ => return m.to_string(),
            };
            format!("{m} ({said})")
        })
        .collect();
    Some(words.join(", "))
}

fn text(v: &Value) -> String {
    v.as_str()
        .map(str::to_string)
        .unwrap_or_else(|| v.to_string())
}

/// A claim's value as the table shows it: Unix times also in UTC and relative to now.
fn claim_value(name: &str, v: &Value, now: i64) -> String {
    if name == "amr" {
        return amr_words(v).unwrap_or_else(|| v.to_string());
    }
    let time = v
        .as_i64()
        .filter(|_| UNIX_TIME_CLAIMS.contains(&name))
        .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok());
    match time {
        Some(t) => format!(
            "{} = {} ({})",
            t.unix_timestamp(),
            utc(t),
            from_now(t.unix_timestamp() - now)
        ),
        None => text(v),
    }
}

/// Rows for every entry of `map`: the known ones first, in the glossary's order, then the rest
/// as the token has them.
fn rows(
    map: &Map<String, Value>,
    known: &[&'static glossary::Entry],
    unknown: (&str, &str),
    now: i64,
) -> Vec<ClaimRow> {
    let mut rows: Vec<ClaimRow> = known
        .iter()
        .filter_map(|entry| {
            map.get(entry.name).map(|v| ClaimRow {
                name: entry.name.to_string(),
                label: entry.label.to_string(),
                meaning: entry.meaning.to_string(),
                value: claim_value(entry.name, v, now),
            })
        })
        .collect();
    for (name, v) in map {
        if !known.iter().any(|e| e.name == name) {
            rows.push(ClaimRow {
                name: name.clone(),
                label: unknown.0.to_string(),
                meaning: unknown.1.to_string(),
                value: text(v),
            });
        }
    }
    rows
}

/// Characters a fragment keeps as they are; the rest is percent-encoded.
fn fragment_safe(token: &str) -> String {
    token
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The page's view of an inspection; `sigils` says the token is Sigil's (for `sid`'s meaning).
pub fn view(token: &str, r: Inspection, sigils: bool) -> TokenView {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let pretty = |v: &Option<Value>| {
        v.as_ref()
            .and_then(|v| serde_json::to_string_pretty(v).ok())
            .unwrap_or_else(|| "(could not be decoded)".into())
    };
    let claims = match &r.payload {
        Some(Value::Object(map)) => {
            let mut known: Vec<&glossary::Entry> = glossary::CLAIMS.iter().collect();
            if sigils {
                known.retain(|e| e.name != "sid");
                known.push(&glossary::SIGIL_SID);
            }
            let custom = (
                "Custom claim",
                "Not a registered claim: it means whatever its issuer decided.",
            );
            rows(map, &known, custom, now)
        }
        _ => Vec::new(),
    };
    let header_rows = match &r.header {
        Some(Value::Object(map)) => {
            let known: Vec<&glossary::Entry> = glossary::HEADER.iter().collect();
            let custom = (
                "Other parameter",
                "Not a registered header parameter: verifiers ignore it unless crit names it.",
            );
            rows(map, &known, custom, now)
        }
        _ => Vec::new(),
    };
    let token = token.trim();
    let parts: Vec<&str> = token.splitn(3, '.').collect();
    let segments = (parts.len() == 3).then(|| Segments {
        header: parts[0].to_string(),
        payload: parts[1].to_string(),
        signature: parts[2].to_string(),
    });
    let secret = matches!(r.kind, "personal_access_token" | "client_secret");
    let token_info = r.token_info.as_ref().map(|i| SecretInfo {
        name: i.name.clone(),
        scopes: i.scopes.join(" "),
        expires_at: moment(Some(i.expires_at), now, "expires", "expired"),
        last_used_at: moment(i.last_used_at, now, "used", "used"),
    });
    TokenView {
        status: r.status,
        status_label: status_label(r.status),
        kind_label: kind_label(r.kind),
        secret,
        token_info,
        error: r.error.clone(),
        warnings: r.warnings.clone(),
        header_json: pretty(&r.header),
        payload_json: pretty(&r.payload),
        algorithm: r
            .signature
            .algorithm
            .clone()
            .unwrap_or_else(|| "(none)".into()),
        key_id: r
            .signature
            .key_id
            .clone()
            .unwrap_or_else(|| "(none)".into()),
        verified: r.signature.verified,
        // Only a token whose signature Sigil verified was looked up: for anything else Sigil
        // cannot know, and "no" would be a guess.
        revoked_known: r.claims.is_some(),
        revoked: match r.revoked_in_words() {
            Some(known) => known,
            None if r.status == "malformed" => "not checked: the token is malformed",
            None if sigils && !r.signature.verified => {
                "not checked: the signature did not verify with Sigil's key"
            }
            None if sigils => "not checked: the token did not pass Sigil's checks",
            None => "not checked: not a Sigil token (only Sigil knows what it revoked)",
        },
        subject: r
            .subject
            .as_ref()
            .map(|s| format!("{} (id {})", s.username, s.id)),
        issued_at: moment(r.issued_at, now, "issued", "issued"),
        not_before: moment(r.not_before, now, "becomes valid", "valid since"),
        expires_at: moment(r.expires_at, now, "expires", "expired"),
        expires_at_unix: r.expires_at.map(|t| t.unix_timestamp()),
        claims,
        header_rows,
        segments: if secret { None } else { segments },
        // A live credential is never put in a link, not even in its fragment.
        share_link: if secret {
            String::new()
        } else {
            format!("/token#token={}", fragment_safe(token))
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_utc_and_relative_to_now() {
        let t = OffsetDateTime::from_unix_timestamp(1_516_239_022).unwrap();
        let m = moment(Some(t), 1_516_239_022 + 300, "issued", "issued").unwrap();
        assert_eq!(m.utc, "2018-01-18 01:30:22 UTC");
        assert_eq!(m.relative, "issued 5 min ago");
        let m = moment(Some(t), 1_516_239_022 - 720, "expires", "expired").unwrap();
        assert_eq!(m.relative, "expires in 12 min");
        let m = moment(Some(t), 1_516_239_022 + 3 * 86_400, "expires", "expired").unwrap();
        assert_eq!(m.relative, "expired 3 days ago");
        assert_eq!(from_now(-8 * 365 * 86_400), "8 years ago");
        assert_eq!(
            claim_value("iat", &Value::from(1_516_239_022), 1_516_239_022 + 60),
            "1516239022 = 2018-01-18 01:30:22 UTC (1 min ago)"
        );
        assert_eq!(claim_value("sub", &Value::from(5), 0), "5");
    }

    #[test]
    fn share_links_keep_the_token_in_the_fragment() {
        assert_eq!(fragment_safe("a.b-c_d"), "a.b-c_d");
        assert_eq!(fragment_safe("a b#c&d"), "a%20b%23c%26d");
    }
}
