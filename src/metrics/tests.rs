use std::net::IpAddr;

use super::{may_scrape, Metrics, Snapshot};

const TOKEN: &str = "a-long-metrics-token-0123456789";

fn ip(s: &str) -> Option<IpAddr> {
    Some(s.parse().unwrap())
}

#[test]
fn loopback_peers_need_no_token() {
    for peer in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"] {
        assert!(may_scrape(ip(peer), false, None, None), "{peer}");
        assert!(may_scrape(ip(peer), false, None, Some(TOKEN)), "{peer}");
    }
}

#[test]
fn other_peers_need_the_right_token() {
    let bearer = format!("Bearer {TOKEN}");
    for peer in ["10.0.0.5", "192.168.1.1", "2001:db8::1", "::ffff:10.0.0.1"] {
        assert!(
            may_scrape(ip(peer), false, Some(&bearer), Some(TOKEN)),
            "{peer}"
        );
        // Missing, wrong, a prefix of it, another scheme.
        assert!(!may_scrape(ip(peer), false, None, Some(TOKEN)), "{peer}");
        assert!(!may_scrape(
            ip(peer),
            false,
            Some("Bearer nope"),
            Some(TOKEN)
        ));
        let prefix = format!("Bearer {}", &TOKEN[..10]);
        assert!(!may_scrape(ip(peer), false, Some(&prefix), Some(TOKEN)));
        assert!(!may_scrape(ip(peer), false, Some(TOKEN), Some(TOKEN)));
        assert!(!may_scrape(ip(peer), false, Some("Bearer "), Some(TOKEN)));
    }
}

#[test]
fn without_a_configured_token_only_loopback_gets_in() {
    assert!(!may_scrape(ip("10.0.0.5"), false, None, None));
    assert!(!may_scrape(ip("10.0.0.5"), false, Some("Bearer "), None));
    assert!(!may_scrape(ip("10.0.0.5"), false, Some("Bearer x"), None));
    assert!(!may_scrape(None, false, None, None));
}

#[test]
fn a_forwarded_request_from_loopback_is_not_loopback() {
    // A reverse proxy on this host relays outside clients from 127.0.0.1.
    assert!(!may_scrape(ip("127.0.0.1"), true, None, None));
    assert!(!may_scrape(ip("127.0.0.1"), true, None, Some(TOKEN)));
    let bearer = format!("Bearer {TOKEN}");
    assert!(may_scrape(
        ip("127.0.0.1"),
        true,
        Some(&bearer),
        Some(TOKEN)
    ));
}

#[test]
fn labels_stay_bounded() {
    let m = Metrics::new();
    for i in 0..50 {
        m.observe_request(None, &format!("X{i}"), 404, 0.001);
    }
    m.observe_request(Some("/api/posts/{id}"), "GET", 200, 0.002);
    let text = String::from_utf8(m.render(&Snapshot::default()).unwrap()).unwrap();
    assert!(text.contains(
        r#"sigil_http_requests_total{method="other",route="unmatched",status="404"} 50"#
    ));
    assert!(text.contains(r#"route="/api/posts/{id}""#));
    assert!(!text.contains("X1"));
    assert!(text.contains(r#"sigil_mail_outbox_messages{status="pending"} 0"#));
}

#[test]
fn an_outbox_status_no_message_has_any_more_reads_zero() {
    let m = Metrics::new();
    let with = |outbox: &[(&str, i64)]| Snapshot {
        outbox: Some(outbox.iter().map(|(s, n)| (s.to_string(), *n)).collect()),
        ..Snapshot::default()
    };
    m.render(&with(&[("sending", 1), ("sent", 4)])).unwrap();
    // The message went out: the outbox query no longer has a `sending` group.
    let text = String::from_utf8(m.render(&with(&[("sent", 5)])).unwrap()).unwrap();
    assert!(
        text.contains(r#"sigil_mail_outbox_messages{status="sending"} 0"#),
        "{text}"
    );
    assert!(text.contains(r#"sigil_mail_outbox_messages{status="sent"} 5"#));
    assert!(text.contains(r#"sigil_mail_outbox_messages{status="failed"} 0"#));
    // A failed count leaves the last values rather than claiming an empty outbox.
    let text = String::from_utf8(m.render(&Snapshot::default()).unwrap()).unwrap();
    assert!(text.contains(r#"sigil_mail_outbox_messages{status="sent"} 5"#));
}
