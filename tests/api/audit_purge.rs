//! The audit purge deletes in batches (each its own short statement, so that on SQLite no
//! sign-in waits behind the whole purge): every event older than the retention goes, however
//! the events are ordered by id and however many share one instant, and nothing else does.

use std::time::Duration;

use serde_json::Value;

use crate::backend_tests;
use crate::helpers::{events, Backend, TestApp};

backend_tests!(the_purge_deletes_every_expired_event_in_batches_and_nothing_else);

const EXPIRED_IP: &str = "192.0.2.1";
const RECENT_IP: &str = "192.0.2.2";

/// 3,000 events: every 50th recent (60), the rest expired (2,940, about three batches): half of
/// those at one instant (more than a batch holds), half a minute apart; then one more expired
/// event with the highest id of all (written late, with an old time).
fn seed_sql(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => {
            "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 3000) \
             INSERT INTO security_events (kind, ip, created_at) \
             SELECT 'sign_in', \
                CASE WHEN n % 50 = 0 THEN '192.0.2.2' ELSE '192.0.2.1' END, \
                CASE WHEN n % 50 = 0 THEN '2999-01-01 00:00:00' \
                     WHEN n % 2 = 0 THEN '2000-01-01 00:00:00' \
                     ELSE datetime('2001-01-01', '+' || n || ' minutes') END \
             FROM s; \
             INSERT INTO security_events (kind, ip, created_at) \
             VALUES ('sign_in', '192.0.2.1', '1999-06-01 12:00:00');"
        }
        Backend::Postgres => {
            "INSERT INTO security_events (kind, ip, created_at) \
             SELECT 'sign_in', \
                CASE WHEN n % 50 = 0 THEN '192.0.2.2' ELSE '192.0.2.1' END, \
                CASE WHEN n % 50 = 0 THEN timestamp '2999-01-01 00:00:00' \
                     WHEN n % 2 = 0 THEN timestamp '2000-01-01 00:00:00' \
                     ELSE timestamp '2001-01-01' + n * interval '1 minute' END \
             FROM generate_series(1, 3000) AS n; \
             INSERT INTO security_events (kind, ip, created_at) \
             VALUES ('sign_in', '192.0.2.1', timestamp '1999-06-01 12:00:00');"
        }
    }
}

fn count(events: &[Value], ip: &str) -> usize {
    events.iter().filter(|e| e["ip"] == ip).count()
}

async fn the_purge_deletes_every_expired_event_in_batches_and_nothing_else(b: Backend) {
    let app = TestApp::spawn_with(b, &[("AUDIT_RETENTION_DAYS", "30")]).await;
    let root = app.admin("root").await;
    let t = &root.access_token;
    app.sql(seed_sql(b));
    let before = events(&app, t, "").await;
    assert_eq!(count(&before, EXPIRED_IP), 2_941);
    assert_eq!(count(&before, RECENT_IP), 60);
    let others: Vec<Value> = before
        .iter()
        .filter(|e| e["ip"] != EXPIRED_IP && e["ip"] != RECENT_IP)
        .cloned()
        .collect();
    assert!(!others.is_empty(), "root's own events are recent too");
    // The purge runs at start-up (then hourly): a new instance purges.
    let _sibling = app.spawn_sibling().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let after = loop {
        let now = events(&app, t, "").await;
        if count(&now, EXPIRED_IP) == 0 {
            break now;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} expired events left",
            count(&now, EXPIRED_IP)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Nothing else went: every recent event, and every event there was besides (the sibling's
    // start may have added none; sign-ins would be newer still).
    assert_eq!(count(&after, RECENT_IP), 60);
    for e in &others {
        assert!(after.contains(e), "{e} was purged");
    }
}
