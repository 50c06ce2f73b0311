//! `sigil backup PATH`: a consistent copy of the SQLite database, taken while the server runs.
//!
//! SQLite's `VACUUM INTO` reads one snapshot (a read transaction, so writers carry on under
//! WAL) and writes it compacted into a new file. PostgreSQL has `pg_dump` for this.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::Path;
use std::process::ExitCode;

use diesel::connection::SimpleConnection as _;
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::exit::usage;
use crate::config::{DatabaseUrl, Settings};

pub fn backup(settings: &Settings, target: &Path) -> ExitCode {
    let source = match &settings.database_url {
        DatabaseUrl::Sqlite(path) => path,
        DatabaseUrl::Postgres(_) => {
            eprintln!(
                "sigil backup copies SQLite databases; for PostgreSQL run \
                 pg_dump --format=custom --file={} \"$DATABASE_URL\"",
                target.display()
            );
            return usage();
        }
    };
    // Opening a missing file would create an empty database and "back up" nothing.
    if !source.is_file() {
        eprintln!(
            "nothing to back up: DATABASE_URL names {}, which does not exist",
            source.display()
        );
        return usage();
    }
    // Absolute: SQLite reads a name starting with `file:` as a URI, not as this file.
    let target = &match std::path::absolute(target) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: {e}", target.display());
            return usage();
        }
    };
    // The database's own files: a copy written there would be the live database, or its
    // write-ahead log, which SQLite deletes when the copying connection closes.
    if let Ok(db) = std::fs::canonicalize(source) {
        let folder = target.parent().and_then(|p| std::fs::canonicalize(p).ok());
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned());
        if let (Some(folder), Some(name)) = (folder, name) {
            let db_name = db.file_name().map(|n| n.to_string_lossy().into_owned());
            let own = db_name.is_some_and(|d| {
                ["", "-wal", "-shm", "-journal"]
                    .iter()
                    .any(|s| name == format!("{d}{s}"))
            });
            if own && Some(folder.as_path()) == db.parent() {
                eprintln!(
                    "{}: that is the database's own file; choose another path",
                    target.display()
                );
                return usage();
            }
        }
    }
    let Some(target_str) = target.to_str() else {
        eprintln!("{}: the backup path must be UTF-8", target.display());
        return usage();
    };
    // Created here, empty and readable by its owner only (it holds password hashes and sealed
    // secrets); `create_new` never replaces an earlier backup. VACUUM INTO fills an empty file.
    if let Err(e) = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(target)
    {
        let why = match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                "exists already: a backup never overwrites a file".to_string()
            }
            std::io::ErrorKind::NotFound => "its folder does not exist".to_string(),
            _ => e.to_string(),
        };
        eprintln!("{}: {why}", target.display());
        return usage();
    }
    match copy(source, target_str) {
        Ok(bytes) => {
            println!(
                "backed up {} to {} ({bytes} bytes, integrity ok)",
                source.display(),
                target.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = std::fs::remove_file(target);
            eprintln!("backup of {} failed: {e}", source.display());
            ExitCode::FAILURE
        }
    }
}

#[derive(QueryableByName)]
struct Integrity {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// Copies `source` into the empty file `target` and checks the copy; its size in bytes.
fn copy(source: &Path, target: &str) -> Result<u64, String> {
    let source = source.to_str().ok_or("the database path is not UTF-8")?;
    let mut conn = SqliteConnection::establish(source).map_err(|e| e.to_string())?;
    // The server's writers hold the lock for milliseconds: wait for them as the server does.
    conn.batch_execute("PRAGMA busy_timeout = 5000;")
        .map_err(|e| e.to_string())?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(target)
        .execute(&mut conn)
        .map_err(|e| e.to_string())?;
    let mut copy = SqliteConnection::establish(target).map_err(|e| e.to_string())?;
    let verdict: Vec<Integrity> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut copy)
        .map_err(|e| e.to_string())?;
    match verdict.as_slice() {
        [one] if one.integrity_check == "ok" => {}
        problems => {
            let first = problems.first().map(|p| p.integrity_check.as_str());
            return Err(format!("the copy fails its integrity check: {first:?}"));
        }
    }
    std::fs::metadata(target)
        .map(|m| m.len())
        .map_err(|e| e.to_string())
}
