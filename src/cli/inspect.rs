//! `sigil inspect`: the token inspector on the command line, with the API's options (a key to
//! check another issuer's token with, an expected issuer and audience). JSON for scripts, a
//! readable report on a terminal; the exit status says whether the token is valid.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use super::exit::{startup_failed, usage};
use super::pasted::{is_stdin, read_key, read_token, Pasted};
use super::report;
use crate::config::{SecretOrigin, Settings};
use crate::error::FieldErrors;
use crate::inspector::input::InspectInput;
use crate::inspector::inspect_input;
use crate::inspector::pasted_key::KeyForm;

/// Exit status for a token that is anything but valid (`unverified` included).
const NOT_VALID: u8 = 1;

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Output: JSON (the same as POST /api/token/inspect) with --json or when standard output is not \
a terminal; otherwise a readable report.

Exit status: 0 when the token is valid; 1 for any other status (unverified included: a token \
from another issuer checked with no key), or when the inspection could not run; 2 for a usage \
error (no token, conflicting options, an unreadable key file or a key that does not parse).

Sigil's own tokens are checked with Sigil's keys and its database (revocation, the subject) \
when no key is given.")]
pub struct InspectArgs {
    /// The token; read from standard input when omitted or `-` (which keeps it out of the
    /// shell history).
    pub token: Option<Pasted>,
    /// Check the signature with the key in FILE: a PEM public key, certificate or private key
    /// (its public half is used), a JWK or a JWKS. `-` reads the key from standard input; the
    /// token must then be an argument.
    #[arg(long, value_name = "FILE|-", conflicts_with_all = ["secret", "jwks"])]
    pub key: Option<String>,
    /// Check the signature with an HMAC secret: its UTF-8 bytes as written, or base64url
    /// after a `base64:` prefix.
    #[arg(long, value_name = "SECRET", conflicts_with = "jwks")]
    pub secret: Option<Pasted>,
    /// Check the signature with a key of the JWKS in FILE, chosen by the token's `kid`.
    #[arg(long, value_name = "FILE")]
    pub jwks: Option<PathBuf>,
    /// The `iss` the token must have (wrong_issuer_or_audience otherwise).
    #[arg(long, value_name = "ISSUER")]
    pub issuer: Option<String>,
    /// A value the token's `aud` must be or include (wrong_issuer_or_audience otherwise).
    #[arg(long, value_name = "AUDIENCE")]
    pub audience: Option<String>,
    /// Print JSON even on a terminal.
    #[arg(long)]
    pub json: bool,
}

/// Which option gave the key: decides what the key may be, and names it in messages.
enum KeySource {
    File(String),
    Secret,
    Jwks(String),
}

impl KeySource {
    fn label(&self) -> String {
        match self {
            Self::File(path) => format!("--key {path}"),
            Self::Secret => "--secret".into(),
            Self::Jwks(path) => format!("--jwks {path}"),
        }
    }

    /// Refuses a key of another form than the option promises: a stray text file given as
    /// `--key` must not silently become an HMAC secret.
    fn accepts(&self, form: KeyForm) -> Result<(), String> {
        match (self, form) {
            (Self::File(_), KeyForm::Secret) => Err(
                "expected a PEM key (BEGIN PUBLIC KEY, BEGIN CERTIFICATE or BEGIN PRIVATE KEY), \
                 a JWK or a JWKS ({\"keys\": [...]}); an HMAC secret goes in --secret"
                    .into(),
            ),
            (Self::Secret, KeyForm::Secret) => Ok(()),
            (Self::Secret, _) => {
                Err("this is a PEM key or JSON, not an HMAC secret: give it with --key FILE".into())
            }
            (Self::Jwks(_), KeyForm::Jwks) => Ok(()),
            (Self::Jwks(_), _) => {
                Err("expected a JWKS ({\"keys\": [...]}); a single key goes in --key FILE".into())
            }
            (Self::File(_), _) => Ok(()),
        }
    }
}

pub fn inspect(settings: Settings, args: InspectArgs) -> ExitCode {
    let json = args.json || !std::io::stdout().is_terminal();
    let source = key_source(&args);
    let input = match read_input(args) {
        Ok(input) => input,
        Err(message) => {
            eprintln!("{message}");
            return usage();
        }
    };
    let origin = settings.secret_origin.clone();
    let symmetric = settings.algorithm.is_symmetric();
    let sigil_key = sigil_key(&settings);
    actix_web::rt::System::new().block_on(async move {
        // The database and the keys only: no bcrypt threads, no limiter, nothing created.
        let opened = actix_web::web::block(move || crate::state::open_read_only(&settings)).await;
        let (db, tokens) = match opened {
            Ok(Ok(opened)) => opened,
            Ok(Err(e)) => return startup_failed(e),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        let mut report = match inspect_input(db.as_ref(), &tokens, &input, None).await {
            Ok(report) => report,
            Err(e) => {
                e.log_if_internal();
                eprintln!("inspection failed: {}", e.public_detail());
                return ExitCode::FAILURE;
            }
        };
        // Only an HMAC key can be missing (a public key comes from its file), and only the
        // signature check used it: `wrong_algorithm` and the rest stand as they are.
        let missing = match &origin {
            SecretOrigin::Missing(path) if input.key.is_none() && symmetric => Some(path.clone()),
            _ => None,
        };
        // With no Sigil key here, a verdict reached with the throwaway key would be a lie:
        // the token is decoded, and its signature left unchecked.
        let mut downgraded = false;
        if let Some(path) = &missing {
            if report.status == "invalid_signature" {
                downgraded = true;
                report.status = "unverified";
                report.error = Some(format!(
                    "No Sigil key here: SECRET_KEY is unset and {} does not exist, so the \
                     signature was not checked. Run sigil inspect in the server's folder, set \
                     SECRET_KEY, or give the key with --secret, --key or --jwks.",
                    path.display()
                ));
                report.claims = None;
            }
        }
        let key_line = key_line(source.as_ref(), &sigil_key, &report, downgraded);
        let text = match json {
            true => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
            false => {
                report::render(&report, crate::auth::jwt::unix_now())
                    + &format!("Key: {key_line}\n")
            }
        };
        if json && downgraded {
            eprintln!("key: {key_line}");
        }
        // A reader that stops early (`| head`) is not an error worth a panic.
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
        match report.status {
            "valid" => ExitCode::SUCCESS,
            _ => ExitCode::from(NOT_VALID),
        }
    })
}

/// Sigil's own verification key and where it came from, in words.
fn sigil_key(settings: &Settings) -> String {
    let alg = settings.algorithm.name();
    if !settings.algorithm.is_symmetric() {
        return match &settings.public_key_file {
            Some(path) => format!(
                "Sigil's {alg} public key, from JWT_PUBLIC_KEY_FILE ({})",
                path.display()
            ),
            None => format!("Sigil's {alg} public key"),
        };
    }
    match &settings.secret_origin {
        SecretOrigin::Env => format!("Sigil's {alg} secret, from SECRET_KEY"),
        SecretOrigin::File(path) => format!("Sigil's {alg} secret, from {}", path.display()),
        SecretOrigin::Missing(path) => format!(
            "none: SECRET_KEY is unset and {} does not exist (nothing was created)",
            path.display()
        ),
    }
}

/// Which key the verdict rests on: the one given, Sigil's, or none.
fn key_line(
    source: Option<&KeySource>,
    sigil_key: &str,
    report: &crate::inspector::Inspection,
    downgraded: bool,
) -> String {
    if let Some(source) = source {
        return format!("the key given with {}", source.label());
    }
    if downgraded {
        return sigil_key.to_string();
    }
    match report.status {
        "malformed" => "none (the token could not be decoded)".into(),
        "unverified" => {
            "none (another issuer's token: give its key with --secret, --key or --jwks)".into()
        }
        _ => sigil_key.to_string(),
    }
}

fn key_source(args: &InspectArgs) -> Option<KeySource> {
    match (&args.key, &args.secret, &args.jwks) {
        (Some(path), _, _) => Some(KeySource::File(path.clone())),
        (_, Some(_), _) => Some(KeySource::Secret),
        (_, _, Some(path)) => Some(KeySource::Jwks(path.display().to_string())),
        _ => None,
    }
}

/// The token, the key and the expectations, read and parsed; the error is the usage message.
fn read_input(args: InspectArgs) -> Result<InspectInput, String> {
    let source = key_source(&args);
    let key_on_stdin = args.key.as_deref().is_some_and(is_stdin);
    if key_on_stdin && args.token.as_ref().is_none_or(|t| t.0 == "-") {
        return Err(
            "--key - reads the key from standard input: give the token as an argument".into(),
        );
    }
    let key_text = match &source {
        Some(KeySource::File(path)) => Some(read_key("--key", path)?),
        Some(KeySource::Jwks(path)) => Some(read_key("--jwks", path)?),
        Some(KeySource::Secret) => args.secret.map(|s| s.0),
        None => None,
    };
    if let (Some(source), Some(text)) = (&source, &key_text) {
        if text.trim().is_empty() {
            return Err(format!("{}: the key is empty", source.label()));
        }
    }
    let token = read_token(args.token)?;
    if token.is_empty() {
        return Err("no token given: pass it as an argument or on standard input".into());
    }
    let input = InspectInput::parse(
        Some(&token),
        key_text.as_deref(),
        args.issuer.as_deref(),
        args.audience.as_deref(),
    )
    .map_err(|errors| usage_message(&errors, source.as_ref()))?;
    if let (Some(source), Some(key)) = (&source, &input.key) {
        source
            .accepts(key.form)
            .map_err(|m| format!("{}: {m}", source.label()))?;
    }
    Ok(input)
}

/// One line per problem, each naming the option it is about.
fn usage_message(errors: &FieldErrors, source: Option<&KeySource>) -> String {
    let mut lines = Vec::new();
    for (field, messages) in errors.iter() {
        let name = match field.as_str() {
            "key" => source.map_or_else(|| "key".into(), KeySource::label),
            "expected_issuer" => "--issuer".into(),
            "expected_audience" => "--audience".into(),
            other => other.to_string(),
        };
        for m in messages {
            lines.push(format!("{name}: {m}"));
        }
    }
    lines.join("\n")
}
