//! The command line: `serve` (the default), `migrate`, `create-user`, `set-role`, `inspect`,
//! `encode`, `gen-keys`, `backup`, `client`. Each command beyond serving lives in a module of
//! its own.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Settings;

mod accounts;
mod backup;
mod clients;
mod encode;
mod exit;
mod inspect;
mod pasted;
mod report;
mod serve;

use exit::{open_db, usage};

#[derive(Parser, Debug)]
#[command(
    name = "sigil",
    version,
    about = "JWT-authenticated users and posts, with a token inspector"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve HTTP on BIND_ADDR (the default command).
    Serve,
    /// Run pending database migrations and exit.
    Migrate,
    /// Create a user (its e-mail address counts as verified: you typed it); the password is
    /// read from standard input.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        username: String,
        /// Make the user an administrator.
        #[arg(long)]
        admin: bool,
    },
    /// Give a user the role `admin` or `user` (the last active admin cannot be demoted).
    SetRole {
        username: String,
        #[arg(value_parser = ["admin", "user"])]
        role: String,
    },
    /// Inspect a JWT, Sigil's or another issuer's: decoded, its signature checked (with Sigil's
    /// keys, or the key given), its times and warnings. Exit 0 only when it is valid.
    Inspect(inspect::InspectArgs),
    /// Build and sign a token from header and payload JSON with a key you give (for test
    /// fixtures); prints the token.
    Encode(encode::EncodeArgs),
    /// Copy the SQLite database, consistently, while the server runs (SQLite's VACUUM INTO)
    /// into PATH, a new file with mode 0600. For PostgreSQL use pg_dump.
    Backup { path: std::path::PathBuf },
    /// Register, list and delete the OAuth clients of the OpenID Connect provider, and
    /// rotate their secrets.
    #[command(subcommand)]
    Client(clients::ClientCommand),
    /// Write a new signing key pair (private.pem with mode 0600, public.pem) into a folder.
    GenKeys {
        #[arg(long, default_value = "EdDSA")]
        algorithm: String,
        #[arg(long, default_value = "keys")]
        out: std::path::PathBuf,
    },
}

pub fn run(cli: Cli) -> ExitCode {
    if let Err(e) = dotenvy::dotenv() {
        if !e.not_found() {
            eprintln!("configuration error: .env: {e}");
            return usage();
        }
    }
    // Read before the other settings: logging starts first.
    match crate::config::log_format(|name| std::env::var(name).ok()) {
        Ok(format) => crate::logging::init(format),
        Err(e) => {
            eprintln!("{e}");
            return usage();
        }
    }
    // Commands that need no configuration run before it is read.
    let command = match cli.command.unwrap_or(Command::Serve) {
        Command::GenKeys { algorithm, out } => return gen_keys(&algorithm, &out),
        Command::Encode(args) => return encode::encode(args),
        command => command,
    };
    // A read-only command never writes the development key (nor anything else).
    let read = match command {
        Command::Inspect(_) => Settings::from_env_read_only,
        _ => Settings::from_env,
    };
    let settings = match read() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return usage();
        }
    };
    // Key files are checked for every command, so a bad one is reported before anything runs.
    if let Err(e) = crate::auth::keys::load(&settings) {
        eprintln!("{e}");
        return usage();
    }
    match command {
        Command::Serve => serve::serve(settings),
        Command::Migrate => migrate(&settings),
        Command::CreateUser {
            email,
            username,
            admin,
        } => accounts::create_user(&settings, &email, &username, admin),
        Command::SetRole { username, role } => accounts::set_role(&settings, &username, &role),
        Command::Inspect(args) => inspect::inspect(settings, args),
        Command::Backup { path } => backup::backup(&settings, &path),
        Command::Client(command) => clients::run(&settings, command),
        Command::GenKeys { .. } | Command::Encode(_) => ExitCode::SUCCESS,
    }
}

fn migrate(settings: &Settings) -> ExitCode {
    let db = match open_db(settings) {
        Ok(db) => db,
        Err(code) => return code,
    };
    match db.migrate() {
        Ok(n) => {
            println!("{n} migration(s) applied to the {} database", db.backend());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("migrations failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn gen_keys(algorithm: &str, out: &std::path::Path) -> ExitCode {
    let alg = match crate::config::SigningAlgorithm::parse(algorithm) {
        Ok(a) if !a.is_symmetric() => a,
        Ok(_) => {
            eprintln!("--algorithm: HS256 needs no key files; set SECRET_KEY instead");
            return usage();
        }
        Err(m) => {
            eprintln!("--algorithm: {m}");
            return usage();
        }
    };
    match crate::auth::keys::generate(alg, out) {
        Ok((private, public)) => {
            println!("ALGORITHM={}", alg.name());
            println!("JWT_PRIVATE_KEY_FILE={}", private.display());
            println!("JWT_PUBLIC_KEY_FILE={}", public.display());
            ExitCode::SUCCESS
        }
        Err(m) => {
            eprintln!("{m}");
            ExitCode::FAILURE
        }
    }
}
