//! The inspection as a person reads it on a terminal: the verdict first, then the signature,
//! the times in UTC and relative to now, revocation, the subject, the warnings, and last the
//! decoded header and payload. Scripts get the JSON instead.

use std::fmt::Write as _;

use serde_json::Value;
use time::OffsetDateTime;

use crate::inspector::times::relative;
use crate::inspector::Inspection;

const UTC: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");

/// The readable report of an inspection at `now` (Unix seconds).
pub fn render(r: &Inspection, now: i64) -> String {
    let mut out = String::new();
    let reason = r.error.clone().unwrap_or_else(|| match r.status {
        "valid" => "The signature verifies and every check passes.".into(),
        other => other.replace('_', " "),
    });
    let line = |out: &mut String, label: &str, value: &str| {
        let _ = writeln!(out, "{label:<12}{value}");
    };
    line(&mut out, "Status", r.status);
    line(&mut out, "Kind", &r.kind.replace('_', " "));
    line(&mut out, "Reason", &reason);
    if matches!(r.kind, "personal_access_token" | "client_secret") {
        // A credential, not a JWT: no parts, times or signature to show.
        for w in &r.warnings {
            let _ = writeln!(out, "Warning     {}: {}", w.code, w.message);
        }
        return out;
    }
    let none = || "(none)".to_string();
    line(
        &mut out,
        "Algorithm",
        &r.signature.algorithm.clone().unwrap_or_else(none),
    );
    line(
        &mut out,
        "Key id",
        &r.signature.key_id.clone().unwrap_or_else(none),
    );
    line(
        &mut out,
        "Verified",
        if r.signature.verified { "yes" } else { "no" },
    );
    for (label, at) in [
        ("Issued", r.issued_at),
        ("Not before", r.not_before),
        ("Expires", r.expires_at),
    ] {
        if let Some(at) = at {
            line(&mut out, label, &moment(at, now));
        }
    }
    if r.expires_at.is_none() {
        line(&mut out, "Expires", "never (no exp claim)");
    }
    let revoked = match (r.revoked_in_words(), r.status) {
        (Some("session unknown"), _) => {
            "session unknown (Sigil does not know this token's session)"
        }
        (Some(known), _) => known,
        (None, "malformed") => "not checked (the token is malformed)",
        (None, _) => "not checked (not a token Sigil verified as its own)",
    };
    line(&mut out, "Revoked", revoked);
    let sub = r.payload.as_ref().and_then(|p| p.get("sub"));
    let subject = match (&r.subject, sub) {
        (Some(s), _) => format!("{} (Sigil user {})", s.username, s.id),
        (None, Some(sub)) => format!("{sub} (sub claim; not a Sigil user)"),
        (None, None) => none(),
    };
    line(&mut out, "Subject", &subject);
    if r.warnings.is_empty() {
        line(&mut out, "Warnings", "none");
    } else {
        out.push_str("Warnings\n");
        for w in &r.warnings {
            let _ = writeln!(out, "  {}: {}", w.code, w.message);
        }
    }
    for (label, part) in [("Header", &r.header), ("Payload", &r.payload)] {
        let _ = writeln!(out, "\n{label}");
        let _ = writeln!(out, "{}", pretty(part.as_ref()));
    }
    out
}

/// "2024-05-01 12:00:00 UTC (in 29 min)".
fn moment(at: OffsetDateTime, now: i64) -> String {
    let text = at.format(UTC).unwrap_or_else(|_| at.to_string());
    format!(
        "{text} ({})",
        relative(at.unix_timestamp().saturating_sub(now))
    )
}

fn pretty(part: Option<&Value>) -> String {
    match part {
        Some(v) => serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string()),
        None => "(could not be decoded)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspector::{inspect, Checks};
    use crate::testing::{keys, policy, NOW};

    #[test]
    fn the_report_reads_status_reason_times_and_parts() {
        // jwt.io's example token: no key, so unverified; issued in 2018, no expiry.
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        let r = inspect(&keys(), &policy(), token, &Checks::default(), NOW);
        let text = render(&r, NOW);
        assert!(
            text.starts_with("Status      unverified\nKind        jwt\nReason      "),
            "{text}"
        );
        assert!(text.contains("Algorithm   HS256"), "{text}");
        assert!(text.contains("Verified    no"), "{text}");
        assert!(
            text.contains("Issued      2018-01-18 01:30:22 UTC ("),
            "{text}"
        );
        assert!(text.contains(" ago)"), "{text}");
        assert!(text.contains("Expires     never"), "{text}");
        assert!(
            text.contains("Subject     \"1234567890\" (sub claim"),
            "{text}"
        );
        assert!(text.contains("  no_expiry: "), "{text}");
        assert!(text.contains("\"name\": \"John Doe\""), "{text}");
    }
}
