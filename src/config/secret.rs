//! Secrets: the type that never prints them, the rules a signing key must meet, and the
//! development key kept in the data folder.

use std::fmt;
use std::path::Path;

/// Secret keys shorter than this many bytes are refused.
pub const MIN_SECRET_BYTES: usize = 32;

/// Secret keys that have been published in tutorials and documentation. Anyone can forge a
/// token signed with one of them, so they are refused like short keys.
const PUBLISHED_SECRETS: &[&str] = &[
    // FastAPI's "OAuth2 with Password (and hashing), Bearer with JWT tokens" tutorial.
    "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7",
    // jwt.io's default HS256 example secret, padded variants people paste.
    "your-256-bit-secret",
    "your-256-bit-secret-your-256-bit-secret",
    // Common placeholders found in starter projects and .env.example files.
    "secret",
    "changeme",
    "change-me",
    "supersecretkey",
    "your-secret-key",
    "your_secret_key",
    "your-secret-key-here",
    "mysecretkeymysecretkeymysecretkey",
    "CHANGE_ME_TO_A_RANDOM_SECRET_KEY_OF_32_BYTES",
];

/// A value that must never be printed: its `Debug` and `Display` show only a placeholder.
#[derive(Clone)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// Gives the secret out; callers must not log what they get.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl PartialEq for Secret<String> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl Eq for Secret<String> {}

/// Refuses keys that are short or published. Used for `SECRET_KEY` as written.
pub fn check_secret(key: &str) -> Result<(), String> {
    let trimmed = key.trim();
    if PUBLISHED_SECRETS
        .iter()
        .any(|p| p.eq_ignore_ascii_case(trimmed))
    {
        return Err(
            "is a key published in a tutorial or example; generate your own (e.g. openssl rand -hex 32)"
                .into(),
        );
    }
    if key.len() < MIN_SECRET_BYTES {
        return Err(format!(
            "is {} bytes; at least {MIN_SECRET_BYTES} are required (e.g. openssl rand -hex 32)",
            key.len()
        ));
    }
    let distinct: std::collections::HashSet<u8> = key.bytes().collect();
    if distinct.len() < 8 {
        return Err("has too few distinct characters to be a random key".into());
    }
    Ok(())
}

/// Reads the development key from `data_dir/secret_key`, generating it (mode 0600) on first use
/// unless `key_file` is read-only, which gives `None` for a missing file.
pub(super) fn development_secret(
    data_dir: &Path,
    key_file: super::KeyFile,
) -> Result<Option<Vec<u8>>, String> {
    let path = data_dir.join("secret_key");
    match std::fs::read_to_string(&path) {
        Ok(existing) => {
            let existing = existing.trim().to_string();
            check_secret(&existing).map_err(|m| format!("{} {m}", path.display()))?;
            return Ok(Some(existing.into_bytes()));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    }
    if key_file == super::KeyFile::ReadOnly {
        return Ok(None);
    }
    std::fs::create_dir_all(data_dir)
        .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let key = throwaway_secret();
    write_private_file(&path, &key).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(Some(key))
}

/// 48 random bytes in base64url: a new development key, or a read-only command's stand-in.
pub(super) fn throwaway_secret() -> Vec<u8> {
    use base64::Engine as _;
    let mut bytes = [0u8; 48];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(bytes)
        .into_bytes()
}

/// Creates a file readable by its owner only (0600), refusing to overwrite one.
pub fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// `METRICS_TOKEN`: unset or blank is none; otherwise at least 16 visible characters without
/// spaces, since it travels in an `Authorization` header and guards the metrics.
pub fn metrics_token(raw: Option<String>) -> Result<Option<Secret<String>>, String> {
    let Some(raw) = raw.filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    let token = raw.trim();
    if token.len() < 16 || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("must be at least 16 visible ASCII characters, no spaces".into());
    }
    Ok(Some(Secret::new(token.to_string())))
}

/// HMAC-SHA256 of a label under the secret: independent keys for independent uses.
pub fn derive_key(secret: &[u8], label: &[u8]) -> [u8; 32] {
    use hmac::Mac as _;
    let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(secret)
        .expect("HMAC accepts keys of any length");
    mac.update(label);
    mac.finalize().into_bytes().into()
}
