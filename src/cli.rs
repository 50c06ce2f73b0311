//! The command line: `serve` (the default), `migrate`, `create-user`.

use std::io::Read as _;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::audit::{Event, EventKind};
use crate::config::Settings;
use crate::db::users::CreateUserError;
use crate::db::users::User;
use crate::db::Db;
use crate::domain::{Email, Password, Role, Username};
use crate::http::client::ClientInfo;
use crate::startup::Application;
use crate::state::StartupError;

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
    /// Print the token inspector's report of a JWT as JSON (the token from standard input when
    /// it is omitted or `-`, which keeps it out of the shell history).
    Inspect { token: Option<String> },
    /// Write a new signing key pair (private.pem with mode 0600, public.pem) into a folder.
    GenKeys {
        #[arg(long, default_value = "EdDSA")]
        algorithm: String,
        #[arg(long, default_value = "keys")]
        out: std::path::PathBuf,
    },
}

/// Exit status for a configuration problem.
const CONFIG_EXIT: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    if let Err(e) = dotenvy::dotenv() {
        if !e.not_found() {
            eprintln!("configuration error: .env: {e}");
            return ExitCode::from(CONFIG_EXIT);
        }
    }
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    if let Some(Command::GenKeys { algorithm, out }) = &cli.command {
        return gen_keys(algorithm, out);
    }
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(CONFIG_EXIT);
        }
    };
    // Key files are checked for every command, so a bad one is reported before anything runs.
    if let Err(e) = crate::auth::keys::load(&settings) {
        eprintln!("{e}");
        return ExitCode::from(CONFIG_EXIT);
    }
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Migrate => migrate(&settings),
        Command::CreateUser {
            email,
            username,
            admin,
        } => create_user(&settings, &email, &username, admin),
        Command::SetRole { username, role } => set_role(&settings, &username, &role),
        Command::Inspect { token } => inspect(settings, token),
        Command::GenKeys { .. } => ExitCode::SUCCESS,
    }
}

fn serve(settings: Settings) -> ExitCode {
    let started = std::time::Instant::now();
    let bind = settings.bind_addr;
    let backend = settings.database_url.backend_name();
    actix_web::rt::System::new().block_on(async move {
        let app = match Application::build(settings).await {
            Ok(app) => app,
            Err(e) => return startup_failed(e),
        };
        log::info!(
            "Sigil listening on http://{}:{} ({backend}), ready in {} ms",
            bind.ip(),
            app.port(),
            started.elapsed().as_millis()
        );
        match app.run_until_stopped().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("server error: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

fn startup_failed(e: StartupError) -> ExitCode {
    eprintln!("{e}");
    match e {
        StartupError::Config(_) => ExitCode::from(CONFIG_EXIT),
        _ => ExitCode::FAILURE,
    }
}

fn open_db(settings: &Settings) -> Result<Db, ExitCode> {
    Db::connect(&settings.database_url, 2).map_err(|m| {
        eprintln!("configuration error: DATABASE_URL: {m}");
        ExitCode::from(CONFIG_EXIT)
    })
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

fn create_user(settings: &Settings, email: &str, username: &str, admin: bool) -> ExitCode {
    let mut input = String::new();
    if let Err(e) = std::io::stdin().take(4096).read_to_string(&mut input) {
        eprintln!("cannot read the password from standard input: {e}");
        return ExitCode::FAILURE;
    }
    let password = input.lines().next().unwrap_or("");
    let parsed = (
        Email::parse(email).map_err(|m| ("--email", m)),
        Username::parse(username).map_err(|m| ("--username", m)),
        Password::parse(password).map_err(|m| ("password (stdin)", m)),
    );
    let (email, username, password) = match parsed {
        (Ok(e), Ok(u), Ok(p)) => (e, u, p),
        (e, u, p) => {
            for (what, msg) in [e.err(), u.err(), p.err()].into_iter().flatten() {
                eprintln!("{what}: {msg}");
            }
            return ExitCode::FAILURE;
        }
    };
    let db = match open_db(settings) {
        Ok(db) => db,
        Err(code) => return code,
    };
    if let Err(e) = db.migrate() {
        eprintln!("migrations failed: {e}");
        return ExitCode::FAILURE;
    }
    let hash = match crate::auth::password::hash(&password, settings.bcrypt_cost) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("hashing failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match db.get() {
        Ok(mut conn) => crate::db::write_transaction(&mut conn, |conn| {
            let user = User::create(conn, &email, &username, &hash)?;
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

fn set_role(settings: &Settings, username: &str, role: &str) -> ExitCode {
    let role = match Role::parse(role) {
        Ok(r) => r,
        Err(m) => {
            eprintln!("role: {m}");
            return ExitCode::from(CONFIG_EXIT);
        }
    };
    let db = match open_db(settings) {
        Ok(db) => db,
        Err(code) => return code,
    };
    if let Err(e) = db.migrate() {
        eprintln!("migrations failed: {e}");
        return ExitCode::FAILURE;
    }
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

fn inspect(settings: Settings, token: Option<String>) -> ExitCode {
    let token = match token.filter(|t| t != "-") {
        Some(t) => t,
        None => {
            let mut input = String::new();
            if let Err(e) = std::io::stdin().take(1 << 20).read_to_string(&mut input) {
                eprintln!("cannot read the token from standard input: {e}");
                return ExitCode::FAILURE;
            }
            input.trim().to_string()
        }
    };
    if token.is_empty() {
        eprintln!("no token given: pass it as an argument or on standard input");
        return ExitCode::from(CONFIG_EXIT);
    }
    actix_web::rt::System::new().block_on(async move {
        // The database and the keys only: no bcrypt threads, no limiter.
        let (db, tokens) = match actix_web::web::block(move || crate::state::open(&settings)).await
        {
            Ok(Ok(opened)) => opened,
            Ok(Err(e)) => return startup_failed(e),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        match crate::auth::inspect::inspect_with_db(&db, &tokens, &token, &Default::default()).await
        {
            Ok(report) => {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                e.log_if_internal();
                eprintln!("inspection failed: {}", e.public_detail());
                ExitCode::FAILURE
            }
        }
    })
}

fn gen_keys(algorithm: &str, out: &std::path::Path) -> ExitCode {
    let alg = match crate::config::SigningAlgorithm::parse(algorithm) {
        Ok(a) if !a.is_symmetric() => a,
        Ok(_) => {
            eprintln!("--algorithm: HS256 needs no key files; set SECRET_KEY instead");
            return ExitCode::from(CONFIG_EXIT);
        }
        Err(m) => {
            eprintln!("--algorithm: {m}");
            return ExitCode::from(CONFIG_EXIT);
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
