//! Exit statuses shared by the commands, and the failures every command reports the same way.

use std::process::ExitCode;

use crate::config::Settings;
use crate::db::{ConnectError, Db};
use crate::state::StartupError;

/// Exit status for a usage or configuration problem (clap's own usage errors exit 2 too).
pub const USAGE: u8 = 2;

/// The exit status for a usage or configuration problem.
pub fn usage() -> ExitCode {
    ExitCode::from(USAGE)
}

/// Reports a start-up failure: a configuration problem exits 2, anything else 1.
pub fn startup_failed(e: StartupError) -> ExitCode {
    eprintln!("{e}");
    match e {
        StartupError::Config(_) => usage(),
        _ => ExitCode::FAILURE,
    }
}

/// Connects to `DATABASE_URL`; a bad URL is a configuration problem (2), a database that does
/// not answer a failure (1).
pub fn open_db(settings: &Settings) -> Result<Db, ExitCode> {
    Db::connect(&settings.database_url, 2).map_err(|e| match e {
        ConnectError::Setting(m) => {
            eprintln!("configuration error: DATABASE_URL: {m}");
            usage()
        }
        ConnectError::Unreachable(m) => {
            eprintln!("DATABASE_URL: the database does not answer: {m}");
            ExitCode::FAILURE
        }
    })
}

/// [`open_db`], then the pending migrations (1 if they fail), for commands that write.
pub fn open_migrated_db(settings: &Settings) -> Result<Db, ExitCode> {
    let db = open_db(settings)?;
    if let Err(e) = db.migrate() {
        eprintln!("migrations failed: {e}");
        return Err(ExitCode::FAILURE);
    }
    Ok(db)
}
