//! `sigil encode`: the encoder on the command line, for test fixtures. It is given only the key
//! the developer names, never Sigil's own.

use std::process::ExitCode;

use super::exit::usage;
use super::pasted::{read_key, Pasted};
use crate::inspector::encoder;

/// The header used when `--header` is left out.
pub const DEFAULT_HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  sigil encode --payload '{\"sub\":\"1\"}' --secret 'a-long-random-secret'
  sigil encode --header '{\"alg\":\"RS256\",\"kid\":\"k1\"}' --payload '{\"sub\":\"1\"}' --key private.pem

Prints the token and exits 0; a header, payload or key that is not right is reported, one line \
per problem, and exits 2.")]
pub struct EncodeArgs {
    /// The JOSE header, a JSON object; its `alg` picks the signature (HS256/384/512,
    /// RS256/384/512, PS256/384/512, ES256, ES384, EdDSA, or none for an unsigned token).
    /// Default: {"alg":"HS256","typ":"JWT"}, which signs with --secret; give a header for any
    /// other algorithm.
    #[arg(long, value_name = "JSON")]
    pub header: Option<String>,
    /// The claims, a JSON object (e.g. {"sub":"1","exp":4102444800}).
    #[arg(long, value_name = "JSON")]
    pub payload: String,
    /// Sign with the PEM private key in FILE (RSA, EC P-256/P-384 or Ed25519, PKCS#8 or
    /// traditional); `-` reads it from standard input.
    #[arg(long, value_name = "FILE|-", conflicts_with = "secret")]
    pub key: Option<String>,
    /// Sign with an HMAC secret: its UTF-8 bytes as written, or base64url after `base64:`.
    #[arg(long, value_name = "SECRET")]
    pub secret: Option<Pasted>,
}

pub fn encode(args: EncodeArgs) -> ExitCode {
    let (flag, key) = match (&args.key, args.secret) {
        (Some(path), _) => match read_key("--key", path) {
            Ok(text) if text.trim_start().starts_with("-----BEGIN") => {
                (format!("--key {path}"), Some(text))
            }
            Ok(_) => {
                eprintln!(
                    "--key {path}: expected a PEM private key (BEGIN PRIVATE KEY, BEGIN RSA \
                     PRIVATE KEY or BEGIN EC PRIVATE KEY); an HMAC secret goes in --secret"
                );
                return usage();
            }
            Err(m) => {
                eprintln!("{m}");
                return usage();
            }
        },
        (None, Some(secret)) => ("--secret".into(), Some(secret.0)),
        (None, None) => ("--secret or --key".into(), None),
    };
    let header = args.header.as_deref().unwrap_or(DEFAULT_HEADER);
    match encoder::encode(header, &args.payload, key.as_deref()) {
        Ok(token) => {
            println!("{token}");
            // On standard error, so `$(sigil encode …)` still captures the token alone.
            for w in encoder::warnings(&token, key.as_deref()) {
                eprintln!("warning ({}): {}", w.code, w.message);
            }
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for (field, messages) in errors.iter() {
                let name = match field.as_str() {
                    "key" => flag.clone(),
                    other => format!("--{other}"),
                };
                for m in messages {
                    eprintln!("{name}: {m}");
                }
            }
            usage()
        }
    }
}
