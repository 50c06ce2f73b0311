//! Exit statuses shared by the commands, and the failures every command reports the same way.

use std::process::ExitCode;

use crate::config::Settings;
use crate::db::Db;
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

/// The database, not yet migrated (`sigil migrate` reports what it applies): a usage error (2)
/// for a bad `DATABASE_URL`.
pub fn connect_db(settings: &Settings) -> Result<Db, ExitCode> {
    Db::connect(&settings.database_url, 2).map_err(|m| {
        eprintln!("configuration error: DATABASE_URL: {m}");
        usage()
    })
}

/// The database, migrated: a usage error (2) for a bad `DATABASE_URL`, 1 if migrations fail.
pub fn open_db(settings: &Settings) -> Result<Db, ExitCode> {
    let db = connect_db(settings)?;
    if let Err(e) = db.migrate() {
        eprintln!("migrations failed: {e}");
        return Err(ExitCode::FAILURE);
    }
    Ok(db)
}
