//! What the inspector and encoder commands read: tokens, secrets and key files, from arguments,
//! files or standard input. None of it is ever printed back or logged.

use std::io::Read as _;
use std::str::FromStr;

/// The most bytes read from a file or standard input: one more than any field accepts, so a
/// larger input is reported as too large by the parser instead of being cut short.
const READ_LIMIT: u64 = 1 << 20;

/// A token or a secret given on the command line. Its `Debug` hides it, like every secret's.
#[derive(Clone, PartialEq, Eq)]
pub struct Pasted(pub String);

impl FromStr for Pasted {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_string()))
    }
}

impl std::fmt::Debug for Pasted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pasted(<redacted>)")
    }
}

/// Where a key comes from: `-` is standard input, anything else a file path.
pub fn is_stdin(source: &str) -> bool {
    source == "-"
}

/// Reads standard input as text (at most 1 MiB).
pub fn read_stdin(what: &str) -> Result<String, String> {
    let mut text = String::new();
    std::io::stdin()
        .take(READ_LIMIT)
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read {what} from standard input: {e}"))?;
    Ok(text)
}

/// Reads a key from a file, or from standard input for `-`. A file that is not text is most
/// likely a DER key: the message says to convert it.
pub fn read_key(flag: &str, source: &str) -> Result<String, String> {
    if is_stdin(source) {
        return read_stdin("the key").map_err(|e| format!("{flag} -: {e}"));
    }
    let file = std::fs::File::open(source).map_err(|e| format!("{flag} {source}: {e}"))?;
    let mut bytes = Vec::new();
    file.take(READ_LIMIT)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{flag} {source}: {e}"))?;
    String::from_utf8(bytes).map_err(|_| {
        format!(
            "{flag} {source}: the file is not text; a binary (DER) key must be converted to PEM \
             first (openssl pkey -inform DER -in KEY -out KEY.pem)"
        )
    })
}

/// The token from the argument, or from standard input when it is absent or `-`. Surrounding
/// whitespace (the newline of `echo`) is dropped.
pub fn read_token(token: Option<Pasted>) -> Result<String, String> {
    match token.filter(|t| t.0 != "-") {
        Some(t) => Ok(t.0.trim().to_string()),
        None => Ok(read_stdin("the token")?.trim().to_string()),
    }
}
