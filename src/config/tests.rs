//! Every variable parsed, and every bad value refused with a message naming it.

use super::*;
use std::collections::HashMap;

const GOOD_KEY: &str = "k3y-for-unit-tests-0123456789abcdefghijkl";

fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let dir = std::env::temp_dir().join(format!("sigil-config-{}", uuid::Uuid::new_v4()));
    Settings::from_lookup(|k| map.get(k).cloned(), &dir)
}

#[test]
fn defaults_follow_the_contract() {
    let s = settings(&[("SECRET_KEY", GOOD_KEY)]).unwrap();
    assert_eq!(s.database_url, DatabaseUrl::Sqlite("data/sigil.db".into()));
    assert_eq!(s.bind_addr, "127.0.0.1:8080".parse().unwrap());
    assert_eq!(s.algorithm, SigningAlgorithm::HS256);
    assert_eq!(s.access_token_ttl, Duration::from_secs(1800));
    assert_eq!(s.refresh_token_ttl, Duration::from_secs(14 * 86400));
    assert_eq!((s.issuer.as_str(), s.audience.as_str()), ("sigil", "sigil"));
    assert_eq!(s.leeway_seconds, 30);
    assert_eq!(s.refresh_reuse_grace, Duration::from_secs(10));
    assert_eq!(s.login_rate_per_minute, 10);
    assert_eq!(s.bcrypt_cost, 12);
    assert!(
        !s.cookie_secure,
        "loopback binds default to non-secure cookies"
    );
}

#[test]
fn cookie_secure_defaults_on_for_public_binds() {
    let s = settings(&[("SECRET_KEY", GOOD_KEY), ("BIND_ADDR", "0.0.0.0:80")]).unwrap();
    assert!(s.cookie_secure);
}

#[test]
fn bad_values_name_their_variable() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("BCRYPT_COST", "99")], "BCRYPT_COST"),
        (&[("BCRYPT_COST", "ten")], "BCRYPT_COST"),
        (&[("DATABASE_URL", "mysql://x")], "DATABASE_URL"),
        (&[("BIND_ADDR", "localhost")], "BIND_ADDR"),
        (&[("ALGORITHM", "none")], "ALGORITHM"),
        (&[("ALGORITHM", "EdDSA")], "JWT_PRIVATE_KEY_FILE"),
        (&[("COOKIE_SECURE", "maybe")], "COOKIE_SECURE"),
        (
            &[("ACCESS_TOKEN_EXPIRE_MINUTES", "0")],
            "ACCESS_TOKEN_EXPIRE_MINUTES",
        ),
        (&[("APP_ENV", "staging")], "APP_ENV"),
        (
            &[("TRUSTED_PROXIES", "10.0.0.0/8,proxy")],
            "TRUSTED_PROXIES",
        ),
        (&[("TRUSTED_PROXIES", "10.0.0.0/33")], "TRUSTED_PROXIES"),
        (&[("AUDIT_RETENTION_DAYS", "0")], "AUDIT_RETENTION_DAYS"),
        (&[("REAUTH_MINUTES", "0")], "REAUTH_MINUTES"),
        (
            &[(
                "MFA_ISSUER",
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            )],
            "MFA_ISSUER",
        ),
    ];
    for (vars, var) in cases {
        let mut all = vec![("SECRET_KEY", GOOD_KEY)];
        all.extend_from_slice(vars);
        let err = settings(&all).unwrap_err();
        assert_eq!(err.var, *var, "{vars:?} gave {err}");
    }
}

#[test]
fn short_and_published_secrets_are_refused() {
    for key in [
        "0123456789",
        "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ] {
        let err = settings(&[("SECRET_KEY", key)]).unwrap_err();
        assert_eq!(err.var, "SECRET_KEY");
    }
}

#[test]
fn production_needs_a_secret() {
    let err = settings(&[("APP_ENV", "production")]).unwrap_err();
    assert_eq!(err.var, "SECRET_KEY");
}

#[test]
fn development_secret_is_generated_once_with_mode_0600() {
    let dir = std::env::temp_dir().join(format!("sigil-secret-{}", uuid::Uuid::new_v4()));
    // A read-only command finds nothing and writes nothing.
    assert_eq!(development_secret(&dir, KeyFile::ReadOnly).unwrap(), None);
    assert!(!dir.exists());
    let first = development_secret(&dir, KeyFile::Create).unwrap().unwrap();
    let second = development_secret(&dir, KeyFile::Create).unwrap().unwrap();
    assert_eq!(
        development_secret(&dir, KeyFile::ReadOnly)
            .unwrap()
            .as_ref(),
        Some(&first)
    );
    assert_eq!(first, second);
    assert!(first.len() >= MIN_SECRET_BYTES);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.join("secret_key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn secrets_do_not_print() {
    let s = settings(&[("SECRET_KEY", GOOD_KEY)]).unwrap();
    let shown = format!("{s:?}");
    assert!(!shown.contains(GOOD_KEY), "{shown}");
    let pg = DatabaseUrl::parse("postgres://u:hunter2@h/db").unwrap();
    assert!(!format!("{pg:?}").contains("hunter2"));
}

#[test]
fn trusted_proxies_are_networks_or_single_addresses() {
    let s = settings(&[
        ("SECRET_KEY", GOOD_KEY),
        ("TRUSTED_PROXIES", " 10.1.2.3/8 , 192.0.2.7,::1 ,"),
    ])
    .unwrap();
    let nets: Vec<String> = s.trusted_proxies.iter().map(|n| n.to_string()).collect();
    assert_eq!(nets, ["10.0.0.0/8", "192.0.2.7/32", "::1/128"]);
    let none = settings(&[("SECRET_KEY", GOOD_KEY)]).unwrap();
    assert!(none.trusted_proxies.is_empty());
    assert_eq!(none.audit_retention_days, 365);
}

#[test]
fn metrics_token_is_optional_checked_and_never_printed() {
    let s = settings(&[("SECRET_KEY", GOOD_KEY)]).unwrap();
    assert!(s.metrics_token.is_none());
    let s = settings(&[("SECRET_KEY", GOOD_KEY), ("METRICS_TOKEN", "  ")]).unwrap();
    assert!(s.metrics_token.is_none());
    let token = "scrape-me-0123456789abcdef";
    let s = settings(&[("SECRET_KEY", GOOD_KEY), ("METRICS_TOKEN", token)]).unwrap();
    assert_eq!(s.metrics_token.as_ref().unwrap().expose(), token);
    assert!(!format!("{s:?}").contains(token));
    for bad in ["short", "has a space in the middle of it"] {
        let e = settings(&[("SECRET_KEY", GOOD_KEY), ("METRICS_TOKEN", bad)]).unwrap_err();
        assert_eq!(e.var, "METRICS_TOKEN");
    }
}
