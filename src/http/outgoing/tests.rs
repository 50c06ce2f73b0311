//! The outgoing rules against stub servers on 127.0.0.1.

use std::time::{Duration, Instant};

use super::{allowed_url, Outgoing, OutgoingError, MAX_BODY, USER_AGENT};
use crate::config::OutboundSettings;
use crate::testing::http_stub::{serve, StubResponse};

fn client(timeout_seconds: u64) -> Outgoing {
    let settings = OutboundSettings {
        timeout: Duration::from_secs(timeout_seconds),
        ca_file: None,
    };
    Outgoing::new(&settings, true).unwrap()
}

fn ok() -> StubResponse {
    StubResponse::json(200, &serde_json::json!({"ok": true}))
}

#[test]
fn https_anywhere_and_http_only_to_loopback_in_development() {
    assert!(allowed_url("https://rp.example/logout", false).is_ok());
    assert!(allowed_url("https://127.0.0.1/logout", false).is_ok());
    for loopback in [
        "http://127.0.0.1:9000/logout",
        "http://[::1]:9000/logout",
        "http://localhost/logout",
    ] {
        assert!(allowed_url(loopback, true).is_ok(), "{loopback}");
        let why = allowed_url(loopback, false).unwrap_err();
        assert!(why.contains("development"), "{loopback}: {why}");
    }
    for refused in [
        "http://rp.example/logout",
        "http://10.0.0.1/logout",
        "ftp://rp.example/",
        "not a url",
    ] {
        assert!(allowed_url(refused, true).is_err(), "{refused}");
    }
}

#[tokio::test]
async fn http_to_a_host_that_is_not_loopback_is_refused_before_any_connection() {
    let e = client(5)
        .get("http://192.0.2.1/x")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, OutgoingError::NotAllowed(_)), "{e}");
    let production = Outgoing::new(&OutboundSettings::default(), false).unwrap();
    let stub = serve(|_| ok()).await;
    let e = production.get(&stub.url).send().await.unwrap_err();
    assert!(matches!(e, OutgoingError::NotAllowed(_)), "{e}");
    assert!(stub.requests().is_empty());
}

#[tokio::test]
async fn sends_its_user_agent_and_reads_json() {
    let stub = serve(|_| ok()).await;
    let value: serde_json::Value = client(5)
        .get_json(&format!("{}/doc", stub.url))
        .await
        .unwrap();
    assert_eq!(value["ok"], true);
    let seen = stub.requests();
    assert_eq!(seen[0].header("user-agent"), Some(USER_AGENT));
    assert_eq!(seen[0].header("accept"), Some("application/json"));
    assert!(USER_AGENT.starts_with("Sigil/"));
    let e = client(5).get_json::<Vec<u8>>(&stub.url).await.unwrap_err();
    assert!(matches!(e, OutgoingError::BadJson(_)), "{e}");
}

#[tokio::test]
async fn a_body_over_256_kib_fails_with_or_without_a_length() {
    let big = vec![b'a'; MAX_BODY + 1];
    for streamed in [false, true] {
        let body = big.clone();
        let stub = serve(move |_| {
            let r = StubResponse {
                status: 200,
                headers: Vec::new(),
                body: body.clone(),
                delay: Duration::ZERO,
            };
            match streamed {
                true => r.header("X-Stub-No-Length", "1"),
                false => r,
            }
        })
        .await;
        let e = client(5).get(&stub.url).send().await.unwrap_err();
        assert_eq!(e, OutgoingError::TooLarge, "streamed: {streamed}");
    }
    let exact = vec![b'a'; MAX_BODY];
    let stub = serve(move |_| StubResponse {
        status: 200,
        headers: vec![("X-Stub-No-Length".into(), "1".into())],
        body: exact.clone(),
        delay: Duration::ZERO,
    })
    .await;
    assert_eq!(
        client(5).get(&stub.url).send().await.unwrap().body.len(),
        MAX_BODY
    );
}

#[tokio::test]
async fn a_slow_server_is_unreachable_past_the_timeout() {
    let stub = serve(|_| StubResponse {
        delay: Duration::from_secs(5),
        ..ok()
    })
    .await;
    let started = Instant::now();
    let e = client(1).get(&stub.url).send().await.unwrap_err();
    assert!(matches!(e, OutgoingError::Unreachable(_)), "{e}");
    assert!(started.elapsed() < Duration::from_secs(3));
    // A shorter limit of the caller's applies too.
    let started = Instant::now();
    let e = client(10)
        .get(&stub.url)
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, OutgoingError::Unreachable(_)), "{e}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_5xx_is_unreachable_and_a_4xx_keeps_its_body() {
    let stub = serve(|r| match r.path() {
        "/down" => StubResponse::json(503, &serde_json::json!({})),
        _ => StubResponse::json(400, &serde_json::json!({"error": "invalid_grant"})),
    })
    .await;
    let c = client(5);
    let e = c
        .get(&format!("{}/down", stub.url))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, OutgoingError::Unreachable(_)), "{e}");
    match c
        .get(&format!("{}/bad", stub.url))
        .send()
        .await
        .unwrap_err()
    {
        OutgoingError::Status { status, body } => {
            assert_eq!(status, 400);
            assert!(body.contains("invalid_grant"));
        }
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn a_get_follows_three_redirects_on_the_same_origin_and_no_more() {
    let stub = serve(|r| {
        let n: u32 = r.path().trim_start_matches("/r").parse().unwrap_or(0);
        match n {
            0 => ok(),
            n => StubResponse::redirect(&format!("/r{}", n - 1)),
        }
    })
    .await;
    let c = client(5);
    assert_eq!(
        c.get(&format!("{}/r3", stub.url))
            .send()
            .await
            .unwrap()
            .status,
        200
    );
    let e = c.get(&format!("{}/r4", stub.url)).send().await.unwrap_err();
    assert!(matches!(e, OutgoingError::Redirect(_)), "{e}");
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_refused() {
    let elsewhere = serve(|_| ok()).await;
    let target = format!("{}/doc", elsewhere.url);
    let stub = serve(move |_| StubResponse::redirect(&target)).await;
    let e = client(5).get(&stub.url).send().await.unwrap_err();
    assert!(matches!(e, OutgoingError::Redirect(_)), "{e}");
    assert!(elsewhere.requests().is_empty());
    // The same host on another port is another origin too.
    let localhost = stub.url.replace("127.0.0.1", "localhost");
    let stub = serve(move |_| StubResponse::redirect(&localhost)).await;
    assert!(client(5).get(&stub.url).send().await.is_err());
}

#[tokio::test]
async fn a_post_follows_no_redirect_and_sends_basic_auth_and_the_form() {
    let stub = serve(|r| match r.path() {
        "/moved" => StubResponse::redirect("/token"),
        _ => ok(),
    })
    .await;
    let c = client(5);
    let e = c
        .post_form(&format!("{}/moved", stub.url), &[("a", "1")])
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(e, OutgoingError::Status { status: 302, .. }),
        "{e}"
    );
    assert_eq!(stub.requests().len(), 1, "the redirect was not followed");
    c.post_form(&format!("{}/token", stub.url), &[("code", "a b&c")])
        .basic("client:1", "s3cret")
        .send()
        .await
        .unwrap();
    let seen = &stub.requests()[1];
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.body, "code=a+b%26c");
    assert_eq!(seen.header("accept"), Some("application/json"));
    // client%3A1:s3cret in base64: RFC 6749 §2.3.1 form-encodes each part.
    assert_eq!(
        seen.header("authorization"),
        Some("Basic Y2xpZW50JTNBMTpzM2NyZXQ=")
    );
}

/// A self-signed CA certificate in PEM, made with the OpenSSL already built for libpq.
fn ca_pem() -> Vec<u8> {
    use openssl::{asn1, bn, ec, hash, nid, pkey, x509};
    let group = ec::EcGroup::from_curve_name(nid::Nid::X9_62_PRIME256V1).unwrap();
    let key = pkey::PKey::from_ec_key(ec::EcKey::generate(&group).unwrap()).unwrap();
    let mut name = x509::X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "Sigil test CA").unwrap();
    let name = name.build();
    let mut cert = x509::X509Builder::new().unwrap();
    cert.set_version(2).unwrap();
    let serial = bn::BigNum::from_u32(1).unwrap().to_asn1_integer().unwrap();
    cert.set_serial_number(&serial).unwrap();
    cert.set_subject_name(&name).unwrap();
    cert.set_issuer_name(&name).unwrap();
    cert.set_pubkey(&key).unwrap();
    cert.set_not_before(&asn1::Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    cert.set_not_after(&asn1::Asn1Time::days_from_now(1).unwrap())
        .unwrap();
    let ca = x509::extension::BasicConstraints::new()
        .critical()
        .ca()
        .build()
        .unwrap();
    cert.append_extension(ca).unwrap();
    cert.sign(&key, hash::MessageDigest::sha256()).unwrap();
    cert.build().to_pem().unwrap()
}

#[test]
fn a_ca_file_is_trusted_and_a_broken_one_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("ca.pem");
    std::fs::write(&good, ca_pem()).unwrap();
    let settings = |path: &std::path::Path| OutboundSettings {
        timeout: Duration::from_secs(10),
        ca_file: Some(path.to_path_buf()),
    };
    assert!(Outgoing::new(&settings(&good), false).is_ok());
    let broken = dir.path().join("broken.pem");
    std::fs::write(
        &broken,
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    assert!(Outgoing::new(&settings(&broken), false).is_err());
}

/// A server that counts its connections and answers every request on a kept-alive one.
async fn counting_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let connections = std::sync::Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                // One request per read: these are small GETs without a body.
                while let Ok(n) = socket.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    let answer = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
                    if socket.write_all(answer.as_bytes()).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (url, connections)
}

#[tokio::test]
async fn an_idle_connection_is_not_reused_past_the_servers_keep_alive() {
    use std::sync::atomic::Ordering;
    let (url, connections) = counting_server().await;
    let outgoing = client(5);
    // Back to back (a trip's token, keys and userinfo): one connection.
    for _ in 0..2 {
        assert_eq!(outgoing.get(&url).send().await.unwrap().status, 200);
    }
    assert_eq!(connections.load(Ordering::SeqCst), 1);
    // Idle past POOL_IDLE (under Node's and actix-web's 5 s): a new connection, never one the
    // server may be closing at that moment.
    tokio::time::sleep(super::POOL_IDLE + Duration::from_millis(500)).await;
    assert_eq!(outgoing.get(&url).send().await.unwrap().status, 200);
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}
