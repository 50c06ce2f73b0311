use diesel::prelude::*;
use diesel::sql_types::Text;

use super::DbConnection;

/// A fresh in-memory SQLite database with every migration applied.
pub(crate) fn migrated_sqlite() -> DbConnection {
    let mut conn = DbConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap());
    super::migrate(&mut conn).unwrap();
    conn
}

#[derive(QueryableByName)]
struct CompileOption {
    #[diesel(sql_type = Text)]
    compile_options: String,
}

/// `.cargo/config.toml` builds SQLite with its planner stability guarantee: without it every
/// query with a bound LIMIT (`.first()`, every page) is parsed again each time it runs.
#[test]
fn sqlite_is_built_with_the_query_planner_stability_guarantee() {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    let options: Vec<CompileOption> = diesel::sql_query("PRAGMA compile_options")
        .load(&mut conn)
        .unwrap();
    assert!(
        options.iter().any(|o| o.compile_options == "ENABLE_QPSG"),
        "LIBSQLITE3_FLAGS=SQLITE_ENABLE_QPSG did not reach libsqlite3-sys: {:?}",
        options
            .iter()
            .map(|o| &o.compile_options)
            .collect::<Vec<_>>()
    );
}

#[test]
fn only_what_no_wait_can_mend_is_a_setting() {
    use super::ConnectError;
    let setting = |m: &str| matches!(ConnectError::classify(m), ConnectError::Setting(_));
    for m in [
        "connection to server at \"h\" (10.0.0.1), port 5432 failed: FATAL:  password authentication failed for user \"u\"",
        "connection to server at \"h\", port 5432 failed: FATAL:  database \"x\" does not exist",
        "connection to server at \"h\", port 5432 failed: server certificate for \"a\" does not match host name \"h\"",
        "connection to server at \"h\", port 5432 failed: SSL error: certificate verify failed",
        "could not translate host name \"dbb\" to address: Name or service not known",
        "unable to open database file",
    ] {
        assert!(setting(m), "{m}");
    }
    for m in [
        "connection to server at \"h\", port 5432 failed: Connection refused\n\tIs the server running?",
        "connection to server on socket \"/run/postgresql/.s.PGSQL.5432\" failed: No such file or directory",
        "connection to server at \"h\", port 5432 failed: Connection timed out",
        "connection to server at \"h\", port 5432 failed: FATAL:  the database system is not yet accepting connections",
        "connection to server at \"h\", port 5432 failed: FATAL:  remaining connection slots are reserved",
        "could not translate host name \"db\" to address: Temporary failure in name resolution",
        "database is locked",
    ] {
        assert!(!setting(m), "{m}");
    }
}
