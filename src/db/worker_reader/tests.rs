use diesel::connection::SimpleConnection as _;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::try_read;
use crate::config::DatabaseUrl;
use crate::db::{Db, DbConnection};
use crate::error::AppError;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut DbConnection) -> Result<i64, AppError> {
    let DbConnection::Sqlite(c) = conn else {
        unreachable!("SQLite only")
    };
    let rows: Vec<Count> = diesel::sql_query("SELECT count(*) AS n FROM t").load(c)?;
    Ok(rows[0].n)
}

fn database() -> (tempfile::TempDir, String, Db) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let db = Db::connect(&DatabaseUrl::Sqlite(path.clone()), 2).unwrap();
    let mut conn = db.get().unwrap();
    conn.batch_execute("CREATE TABLE t (x INTEGER)").unwrap();
    (dir, path.to_str().unwrap().to_string(), db)
}

/// What the pool commits, the next read on the worker sees (no cache of answers: revocation
/// stays exact).
#[test]
fn a_worker_read_sees_every_committed_write() {
    let (_dir, path, db) = database();
    for expected in 0..3 {
        let got = try_read(db.id, &path, &count).expect("answered on the worker");
        assert_eq!(got.unwrap(), expected);
        db.get()
            .unwrap()
            .batch_execute("INSERT INTO t VALUES (1)")
            .unwrap();
    }
}

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = BigInt)]
    value: i64,
}

/// A pragma's value, by the name of its result column.
fn pragma(
    name: &'static str,
    column: &'static str,
) -> impl Fn(&mut DbConnection) -> Result<i64, AppError> {
    move |conn| {
        let DbConnection::Sqlite(c) = conn else {
            unreachable!()
        };
        let rows: Vec<Setting> =
            diesel::sql_query(format!("SELECT {column} AS value FROM pragma_{name}")).load(c)?;
        Ok(rows[0].value)
    }
}

/// The worker's connection never waits for a lock (a busy database answers SQLITE_BUSY at
/// once) and is in WAL mode, where a reader does not wait for a writer.
#[test]
fn a_worker_connection_never_waits() {
    let (_dir, path, db) = database();
    let timeout = try_read(db.id, &path, &pragma("busy_timeout", "timeout")).unwrap();
    assert_eq!(timeout.unwrap(), 0);
    let DbConnection::Sqlite(c) = &mut *db.get().unwrap() else {
        unreachable!()
    };
    let mode: Vec<Count> = diesel::sql_query(
        "SELECT count(*) AS n FROM pragma_journal_mode WHERE journal_mode = 'wal'",
    )
    .load(c)
    .unwrap();
    assert_eq!(mode[0].n, 1, "WAL");
}

/// An error that is not an answer (busy, broken, anything internal) leaves the read to the
/// pool, and the next read opens a new connection.
#[test]
fn an_internal_error_is_left_to_the_pool() {
    let (_dir, path, db) = database();
    let missing = |conn: &mut DbConnection| -> Result<i64, AppError> {
        let DbConnection::Sqlite(c) = conn else {
            unreachable!()
        };
        let rows: Vec<Count> = diesel::sql_query("SELECT count(*) AS n FROM missing").load(c)?;
        Ok(rows[0].n)
    };
    assert!(try_read(db.id, &path, &missing).is_none());
    assert_eq!(try_read(db.id, &path, &count).unwrap().unwrap(), 0);
    let not_found = |_: &mut DbConnection| -> Result<i64, AppError> { Err(AppError::NotFound) };
    assert!(matches!(
        try_read(db.id, &path, &not_found),
        Some(Err(AppError::NotFound))
    ));
}

/// The worker's connection reads only.
#[test]
fn a_worker_connection_cannot_write() {
    let (_dir, path, db) = database();
    let write = |conn: &mut DbConnection| -> Result<(), AppError> {
        let DbConnection::Sqlite(c) = conn else {
            unreachable!()
        };
        c.batch_execute("INSERT INTO t VALUES (1)")?;
        Ok(())
    };
    assert!(try_read(db.id, &path, &write).is_none());
    assert_eq!(
        try_read(db.id, &path, &pragma("query_only", "query_only"))
            .unwrap()
            .unwrap(),
        1
    );
    assert_eq!(try_read(db.id, &path, &count).unwrap().unwrap(), 0);
}
