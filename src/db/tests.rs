use diesel::prelude::*;
use diesel::sql_types::Text;

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
