//! Micro-benchmarks of the hot paths: token issue and verify (HS256, EdDSA), the credential
//! path of a request, cursor encoding, and an inspection. Run: `cargo bench --bench hot_paths`.

use std::hint::black_box;

use actix_web::test::TestRequest;
use criterion::{criterion_group, criterion_main, Criterion};
use sigil::auth::jwt::{self, Subject};
use sigil::auth::keys::TokenKeys;
use sigil::config::SigningAlgorithm;
use sigil::testing::policy;

const NOW: i64 = 1_800_000_000;

fn subject() -> Subject<'static> {
    Subject {
        user_id: 42,
        username: "benchmark-user",
        session_id: "6f1c2b7e-3a52-4c8e-9d51-0b7f3e2a9c10",
        auth_time: NOW,
        amr: &[],
    }
}

/// EdDSA keys made with the same code path as `sigil gen-keys`.
fn eddsa_keys() -> TokenKeys {
    let dir = std::env::temp_dir().join(format!("sigil-bench-{}", uuid::Uuid::new_v4()));
    let (private, public) = sigil::auth::keys::generate(SigningAlgorithm::EdDSA, &dir).unwrap();
    let settings = sigil::config::Settings::from_lookup(
        |k| match k {
            "SECRET_KEY" => Some("bench-secret-0123456789-abcdefghijklmnopq".into()),
            "ALGORITHM" => Some("EdDSA".into()),
            "JWT_PRIVATE_KEY_FILE" => Some(private.display().to_string()),
            "JWT_PUBLIC_KEY_FILE" => Some(public.display().to_string()),
            _ => None,
        },
        &dir,
    )
    .unwrap();
    let keys = sigil::auth::keys::load(&settings).unwrap();
    std::fs::remove_dir_all(dir).ok();
    keys
}

fn tokens(c: &mut Criterion) {
    let policy = policy();
    for (name, keys) in [
        (
            "HS256",
            TokenKeys::hmac(b"bench-secret-0123456789-abcdefghijklmnopq"),
        ),
        ("EdDSA", eddsa_keys()),
    ] {
        let (token, _) = jwt::issue(&keys, &policy, &subject(), NOW).unwrap();
        c.bench_function(&format!("issue {name}"), |b| {
            b.iter(|| jwt::issue(&keys, &policy, black_box(&subject()), NOW).unwrap())
        });
        c.bench_function(&format!("verify {name}"), |b| {
            b.iter(|| jwt::verify(&keys, &policy, black_box(&token), NOW).unwrap())
        });
        c.bench_function(&format!("inspect {name}"), |b| {
            b.iter(|| {
                sigil::inspector::inspect(
                    &keys,
                    &policy,
                    black_box(&token),
                    &Default::default(),
                    NOW,
                )
            })
        });
    }
}

fn credential_path(c: &mut Criterion) {
    let keys = TokenKeys::hmac(b"bench-secret-0123456789-abcdefghijklmnopq");
    let policy = policy();
    let (token, _) = jwt::issue(&keys, &policy, &subject(), NOW).unwrap();
    let bearer = TestRequest::default()
        .insert_header(("Authorization", format!("Bearer {token}")))
        .to_http_request();
    let cookie = TestRequest::default()
        .cookie(actix_web::cookie::Cookie::new(
            "access_token",
            token.clone(),
        ))
        .to_http_request();
    for (name, req) in [("bearer", bearer), ("cookie", cookie)] {
        c.bench_function(&format!("find + verify credential ({name})"), |b| {
            b.iter(|| {
                let credential = sigil::auth::credentials::find(black_box(&req)).unwrap();
                jwt::verify(&keys, &policy, &credential.token, NOW).unwrap()
            })
        });
    }
}

fn cursors(c: &mut Criterion) {
    let key = [7u8; 32];
    let cursor = sigil::domain::cursor::encode(&key, 123_456);
    c.bench_function("cursor encode", |b| {
        b.iter(|| sigil::domain::cursor::encode(&key, black_box(123_456)))
    });
    c.bench_function("cursor decode", |b| {
        b.iter(|| sigil::domain::cursor::decode(&key, black_box(&cursor)).unwrap())
    });
}

criterion_group!(benches, tokens, credential_path, cursors);
criterion_main!(benches);
