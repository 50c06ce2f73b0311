//! How fast is one page of posts at a million rows? Seeds a temporary SQLite database through
//! the app's own `Db::connect` and migrations, then times `Post::page` for each kind of page
//! and prints SQLite's plan for it, so a full scan or a sort shows up next to its cost.
//!
//! Run: `cargo bench --bench seed_posts` (the bench profile is the release profile).
//! `SEED_POSTS` (default 1,000,000) and `SEED_RUNS` (default 50) change the sizes;
//! `SEED_DB=/path/x.db` keeps the database there (reused when it already has the posts);
//! `SEED_EXTRA_SQL="CREATE INDEX …"` runs after seeding, to try an index before a migration.
//!
//! The data: 20 authors, 1 user with no posts (`lurker`). Posts are spread over the authors at
//! random, a quarter of them private, except the oldest tenth, an "imported archive" that is
//! all private (authors 2–20): the worst case for a viewer whose page mixes public posts with
//! their own private ones.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::{InstrumentationEvent, SimpleConnection as _};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use sigil::config::DatabaseUrl;
use sigil::db::posts::{PageQuery, Post};
use sigil::db::read::ReadConn;
use sigil::db::{Db, DbConnection};

const AUTHORS: i32 = 20;
const BATCH: i64 = 100_000;
const LIMIT: i64 = 20;

fn env_number(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct PlanRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Integer)]
    parent: i32,
    #[diesel(sql_type = Text)]
    detail: String,
}

fn sqlite(conn: &mut DbConnection) -> &mut diesel::SqliteConnection {
    match conn {
        DbConnection::Sqlite(c) => c,
        DbConnection::Postgresql(_) => unreachable!("the bench opens an SQLite database"),
    }
}

fn count(conn: &mut diesel::SqliteConnection, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Count>(conn)
        .expect("count")
        .n
}

/// Users with a placeholder hash (nobody logs in here), then posts in batched transactions,
/// generated inside SQLite by a recursive CTE: no per-row round trips.
fn seed(conn: &mut diesel::SqliteConnection, posts: i64) {
    let archive = posts / 10;
    let mut users = String::from("BEGIN;");
    for i in 1..=AUTHORS {
        users.push_str(&format!(
            "INSERT INTO users (email, username, password_hash, created_at, updated_at) \
             VALUES ('author{i}@example.com', 'author{i}', '!', '2020-01-01 00:00:00', \
             '2020-01-01 00:00:00');"
        ));
    }
    users.push_str(
        "INSERT INTO users (email, username, password_hash, created_at, updated_at) \
         VALUES ('lurker@example.com', 'lurker', '!', '2020-01-01 00:00:00', \
         '2020-01-01 00:00:00'); COMMIT;",
    );
    conn.batch_execute(&users).expect("seed users");

    let started = Instant::now();
    let mut from = 1;
    while from <= posts {
        let to = (from + BATCH - 1).min(posts);
        // Archive rows (n <= archive) are private and never by author 1; the rest are a
        // quarter private. Times follow ids, one second apart, so "newest first" agrees.
        let sql = format!(
            "BEGIN;
             WITH RECURSIVE seq(n) AS (SELECT {from} UNION ALL SELECT n + 1 FROM seq WHERE n < {to})
             INSERT INTO posts (author_id, title, body, visibility, created_at, updated_at)
             SELECT
               CASE WHEN n <= {archive} THEN 2 + abs(random()) % ({AUTHORS} - 1)
                    ELSE 1 + abs(random()) % {AUTHORS} END,
               'Post number ' || n,
               'Body of post ' || n || '. ' || printf('%.200c', 'x'),
               CASE WHEN n <= {archive} OR abs(random()) % 4 = 0 THEN 'private' ELSE 'public' END,
               strftime('%Y-%m-%d %H:%M:%f', '2020-01-01', '+' || n || ' seconds'),
               strftime('%Y-%m-%d %H:%M:%f', '2020-01-01', '+' || n || ' seconds')
             FROM seq;
             COMMIT;"
        );
        conn.batch_execute(&sql).expect("seed posts");
        from = to + 1;
    }
    println!(
        "seeded {posts} posts in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// `Post::page` on the blocking connection, as the server's reader runs it.
fn load_page(conn: &mut DbConnection, q: PageQuery) -> Vec<sigil::db::posts::PostWithAuthor> {
    sigil::db::read::finish_query(Post::page(&mut ReadConn::Blocking(conn), q)).expect("page")
}

/// The SQL statements a call sends, caught by Diesel's instrumentation (placeholders,
/// without binds).
fn captured_sql(conn: &mut DbConnection, q: PageQuery) -> Vec<String> {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = Arc::clone(&seen);
    sqlite(conn).set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            if let Ok(mut v) = sink.lock() {
                v.push(query.to_string());
            }
        }
    });
    load_page(conn, q);
    sqlite(conn).set_instrumentation(None::<fn(InstrumentationEvent<'_>)>);
    let statements = seen.lock().expect("lock").clone();
    assert!(
        (1..=2).contains(&statements.len()),
        "one or two queries per page, never one per row: {statements:#?}"
    );
    statements
        .iter()
        .map(|full| {
            full.split(" -- binds:")
                .next()
                .unwrap_or(full)
                .trim()
                .to_string()
        })
        .collect()
}

/// `EXPLAIN QUERY PLAN` of the statement exactly as the app prepares it: plans are made at
/// prepare time, so unbound placeholders give the same plan.
fn plan(conn: &mut DbConnection, sql: &str) -> Vec<String> {
    let rows = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
        .load::<PlanRow>(sqlite(conn))
        .expect("explain");
    let mut depth: Vec<(i32, usize)> = Vec::new();
    rows.into_iter()
        .map(|r| {
            while depth.last().is_some_and(|(id, _)| *id != r.parent) {
                depth.pop();
            }
            let level = depth.last().map_or(0, |(_, l)| l + 1);
            depth.push((r.id, level));
            format!("{}{}", "  ".repeat(level), r.detail)
        })
        .collect()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let posts = env_number("SEED_POSTS", 1_000_000);
    let runs = env_number("SEED_RUNS", 50).max(1) as usize;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = std::env::var("SEED_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| dir.path().join("bench.db"));
    let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display())).expect("url");
    let db = Db::connect(&url, 1).expect("connect");
    db.migrate().expect("migrate");
    let mut conn = db.get().expect("a connection");
    let conn: &mut DbConnection = &mut conn;

    let have = count(sqlite(conn), "SELECT count(*) AS n FROM posts");
    if have == 0 {
        seed(sqlite(conn), posts);
    } else {
        println!("reusing {have} posts in {}", path.display());
    }
    if let Ok(extra) = std::env::var("SEED_EXTRA_SQL") {
        println!("running SEED_EXTRA_SQL: {extra}");
        sqlite(conn).batch_execute(&extra).expect("SEED_EXTRA_SQL");
    }
    let total = count(sqlite(conn), "SELECT count(*) AS n FROM posts");
    let public = count(
        sqlite(conn),
        "SELECT count(*) AS n FROM posts WHERE visibility = 'public'",
    );
    let by_1 = count(
        sqlite(conn),
        "SELECT count(*) AS n FROM posts WHERE author_id = 1",
    );
    let lurker = AUTHORS + 1;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "{total} posts ({public} public), author1 has {by_1}; database {:.0} MiB at {}",
        size as f64 / 1_048_576.0,
        path.display()
    );
    let archive_top = (total / 10) as i32;
    let deep = (total / 5) as i32; // past 80 % of the walk, still above the archive
    let near_end = 1_000.min(archive_top.max(1));

    let q = |viewer: Option<i32>, author_id: Option<i32>, before_id: Option<i32>| PageQuery {
        viewer,
        author_id,
        before_id,
        limit: LIMIT,
    };
    let cases: Vec<(String, PageQuery)> = vec![
        ("anonymous, first page".into(), q(None, None, None)),
        (
            format!("anonymous, deep page (before id {deep})"),
            q(None, None, Some(deep)),
        ),
        (
            format!("anonymous, near the end (before id {near_end}, archive)"),
            q(None, None, Some(near_end)),
        ),
        ("viewer author1, first page".into(), q(Some(1), None, None)),
        (
            format!("viewer author1, deep page (before id {deep})"),
            q(Some(1), None, Some(deep)),
        ),
        (
            "viewer lurker (no posts), first page".into(),
            q(Some(lurker), None, None),
        ),
        (
            format!("viewer lurker, deep page (before id {archive_top}, archive)"),
            q(Some(lurker), None, Some(archive_top)),
        ),
        (
            "author=author2, anonymous, first page".into(),
            q(None, Some(2), None),
        ),
        (
            format!("author=author2, anonymous, deep page (before id {deep})"),
            q(None, Some(2), Some(deep)),
        ),
        (
            format!("author=author2, anonymous, into the archive (before id {archive_top})"),
            q(None, Some(2), Some(archive_top)),
        ),
        (
            "author=author1, viewer author1 (own), first page".into(),
            q(Some(1), Some(1), None),
        ),
        (
            "author=author2, viewer author1, first page".into(),
            q(Some(1), Some(2), None),
        ),
    ];

    println!(
        "\nlimit {LIMIT} (loads {} rows), {runs} runs each\n",
        LIMIT + 1
    );
    let mut table = Vec::new();
    for (name, query) in &cases {
        // One warm-up, as a server's cache would be warm.
        let rows = load_page(conn, *query).len();
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            let page = load_page(conn, *query);
            times.push(t.elapsed());
            std::hint::black_box(page);
        }
        let slowest = *times.iter().max().expect("runs");
        let mid = median(times);
        let statements = captured_sql(conn, *query);
        println!(
            "== {name}: median {:.3} ms, max {:.3} ms, {rows} rows, {} quer{}",
            mid.as_secs_f64() * 1e3,
            slowest.as_secs_f64() * 1e3,
            statements.len(),
            if statements.len() == 1 { "y" } else { "ies" }
        );
        for sql in &statements {
            // The column list is the same everywhere; the clauses after FROM are what differ.
            let tail = sql.find(" FROM ").map_or(sql.as_str(), |i| &sql[i + 1..]);
            println!("   {tail}");
            for line in plan(conn, sql) {
                println!("     plan: {line}");
            }
        }
        println!();
        table.push((name.clone(), mid, rows));
    }
    println!("summary (median of {runs}):");
    for (name, mid, rows) in table {
        println!(
            "  {:>9.3} ms  {rows:>2} rows  {name}",
            mid.as_secs_f64() * 1e3
        );
    }
}
