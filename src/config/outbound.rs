//! Limits and trust of Sigil's outgoing requests (API.md part three, section 2, "Outgoing
//! HTTP"): how long an exchange may take and which extra certificate authorities to trust.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{number, ConfigError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboundSettings {
    /// The longest a whole outgoing exchange may take, answer included
    /// (`OUTBOUND_TIMEOUT_SECONDS`, default 10).
    pub timeout: Duration,
    /// PEM certificates trusted beside the bundled Mozilla roots (`OUTBOUND_CA_FILE`); read and
    /// parsed at start-up, so a bad file stops it rather than the first sign-in.
    pub ca_file: Option<PathBuf>,
}

impl Default for OutboundSettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            ca_file: None,
        }
    }
}

impl OutboundSettings {
    pub(super) fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let seconds = number(get, "OUTBOUND_TIMEOUT_SECONDS", 10, 1, 300)?;
        let ca_file = get("OUTBOUND_CA_FILE").map(|p| PathBuf::from(p.trim()));
        if let Some(path) = &ca_file {
            read_ca_file(path).map_err(|m| ConfigError::new("OUTBOUND_CA_FILE", m))?;
        }
        Ok(Self {
            timeout: Duration::from_secs(seconds),
            ca_file,
        })
    }
}

/// The DER certificates of a PEM file: at least one `CERTIFICATE` block, and nothing that is
/// not PEM. Other blocks (a key pasted by mistake) are refused rather than skipped, so a
/// wrong file is noticed.
pub fn read_ca_file(path: &Path) -> Result<Vec<Vec<u8>>, String> {
    let text = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let blocks =
        pem::parse_many(&text).map_err(|e| format!("{} is not PEM: {e}", path.display()))?;
    if blocks.is_empty() {
        return Err(format!("{} holds no PEM certificate", path.display()));
    }
    blocks
        .into_iter()
        .map(|block| match block.tag() {
            "CERTIFICATE" => Ok(block.into_contents()),
            other => Err(format!(
                "{} holds a {other} block; only CERTIFICATE blocks are trusted",
                path.display()
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<OutboundSettings, ConfigError> {
        let map: std::collections::HashMap<&str, &str> = vars.iter().copied().collect();
        OutboundSettings::from_lookup(&|name: &str| map.get(name).map(|v| v.to_string()))
    }

    #[test]
    fn defaults_and_faults_naming_their_variable() {
        assert_eq!(read(&[]).unwrap(), OutboundSettings::default());
        let five = read(&[("OUTBOUND_TIMEOUT_SECONDS", "5")]).unwrap();
        assert_eq!(five.timeout, Duration::from_secs(5));
        for bad in ["0", "301", "ten"] {
            let e = read(&[("OUTBOUND_TIMEOUT_SECONDS", bad)]).unwrap_err();
            assert_eq!(e.var, "OUTBOUND_TIMEOUT_SECONDS");
        }
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key.pem");
        std::fs::write(
            &key,
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        )
        .unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "").unwrap();
        let missing = dir.path().join("missing.pem");
        for path in [&key, &empty, &missing] {
            let e = read(&[("OUTBOUND_CA_FILE", path.to_str().unwrap())]).unwrap_err();
            assert_eq!(e.var, "OUTBOUND_CA_FILE", "{path:?}");
        }
    }
}
