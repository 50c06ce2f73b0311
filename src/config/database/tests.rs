use super::*;

fn postgres(raw: &str) -> Result<String, String> {
    match DatabaseUrl::parse(raw)? {
        DatabaseUrl::Postgres(url) => Ok(url.expose().clone()),
        other => panic!("{raw} parsed as {other:?}"),
    }
}

fn ca_file() -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(
        &mut f,
        b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    f
}

#[test]
fn every_libpq_sslmode_is_accepted_as_written() {
    for mode in SSL_MODES.iter().filter(|m| !m.starts_with("verify")) {
        let url = format!("postgres://u:p@db.example.com:5432/app?sslmode={mode}");
        assert_eq!(postgres(&url).unwrap(), url);
    }
    let ca = ca_file();
    for mode in ["verify-ca", "verify-full"] {
        let url = format!(
            "postgresql://u@db/app?sslmode={mode}&sslrootcert={}&application_name=sigil",
            ca.path().display()
        );
        assert_eq!(postgres(&url).unwrap(), url);
    }
}

#[test]
fn a_misspelt_sslmode_is_refused_with_the_choices() {
    for mode in ["requires", "REQUIRE", "verify_full", "", "true"] {
        let err = postgres(&format!("postgres://u@h/db?sslmode={mode}")).unwrap_err();
        assert!(err.contains("sslmode"), "{err}");
        assert!(err.contains("verify-full"), "{err}");
    }
}

#[test]
fn certificate_files_must_be_readable() {
    let err = postgres("postgres://u@h/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem")
        .unwrap_err();
    assert!(
        err.starts_with("sslrootcert \"/nonexistent/ca.pem\" cannot be read"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let err = postgres(&format!(
        "postgres://u@h/db?sslmode=require&sslrootcert={}",
        dir.path().display()
    ))
    .unwrap_err();
    assert!(
        err.contains("cannot be read"),
        "a folder is no certificate: {err}"
    );
    let err = postgres("postgres://u@h/db?sslcert=/nonexistent/c.pem").unwrap_err();
    assert!(err.starts_with("sslcert "), "{err}");
    let err = postgres("postgres://u@h/db?sslkey=/nonexistent/k.pem").unwrap_err();
    assert!(err.starts_with("sslkey "), "{err}");
}

#[test]
fn a_root_certificate_must_be_pem() {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut f, &[0x30, 0x82, 0x01, 0x0a]).unwrap();
    let err = postgres(&format!(
        "postgres://u@h/db?sslmode=verify-full&sslrootcert={}",
        f.path().display()
    ))
    .unwrap_err();
    assert!(err.contains("no PEM certificate"), "{err}");
}

#[test]
fn verifying_needs_a_root_certificate() {
    if default_root_exists() {
        eprintln!("skipped: ~/.postgresql/root.crt exists, libpq would use it");
        return;
    }
    for mode in ["verify-ca", "verify-full"] {
        let err = postgres(&format!("postgres://u@h/db?sslmode={mode}")).unwrap_err();
        assert!(err.contains("needs sslrootcert=PATH"), "{err}");
    }
}

#[test]
fn percent_encoded_parameters_are_decoded_like_libpq() {
    let ca = ca_file();
    let path = ca.path().display().to_string().replace('/', "%2F");
    let url = format!("postgres://u@h/db?ssl%6Dode=verify-full&sslrootcert={path}");
    assert_eq!(postgres(&url).unwrap(), url, "kept as written for libpq");
    let err = postgres("postgres://u@h/db?sslmode=verify%2Dfulll").unwrap_err();
    assert!(err.contains("\"verify-fulll\""), "{err}");
    let err = postgres("postgres://u@h/db?sslmode=%FF").unwrap_err();
    assert!(err.contains("UTF-8"), "{err}");
    let err = postgres("postgres://u@h/db?password=hunter%FF2").unwrap_err();
    assert!(err.contains("password") && !err.contains("hunter"), "{err}");
}

#[test]
fn sslrootcert_system_names_the_bundle_and_keeps_verify_full() {
    let Some(bundle) = SYSTEM_CA_BUNDLES.iter().find(|p| Path::new(p).is_file()) else {
        eprintln!("skipped: no system CA bundle on this machine");
        return;
    };
    assert_eq!(
        postgres("postgres://u:p@db.example.com/app?sslrootcert=system&connect_timeout=5").unwrap(),
        format!(
            "postgres://u:p@db.example.com/app?sslrootcert={bundle}&connect_timeout=5\
             &sslmode=verify-full"
        )
    );
    assert_eq!(
        postgres("postgres://u@h/app?sslmode=verify-full&sslrootcert=system").unwrap(),
        format!("postgres://u@h/app?sslmode=verify-full&sslrootcert={bundle}")
    );
    let err = postgres("postgres://u@h/app?sslmode=require&sslrootcert=system").unwrap_err();
    assert!(err.contains("needs sslmode=verify-full"), "{err}");
}

#[test]
fn urls_without_a_query_and_odd_hosts_pass_through() {
    for url in [
        "postgres://postgres@127.0.0.1:5432/test",
        "postgresql://u@h1:5432,h2:5433/db",
        "postgres:///db?host=/var/run/postgresql",
        "postgres://u@h/db?",
    ] {
        assert_eq!(postgres(url).unwrap(), url);
    }
}

#[test]
fn a_question_mark_in_the_password_is_not_the_query() {
    // libpq reads the user and password up to the first `@` before any `/`.
    let err = postgres("postgres://u:a?b@h/db?sslmode=requires").unwrap_err();
    assert!(err.contains("\"requires\""), "{err}");
    let url = "postgres://u:a?sslmode=bogus@h/db";
    assert_eq!(
        postgres(url).unwrap(),
        url,
        "no query at all: the ? is the password's"
    );
}

#[test]
fn the_last_of_a_repeated_parameter_counts_as_in_libpq() {
    // A provider's URL with a stricter mode appended is valid.
    if let Some(bundle) = SYSTEM_CA_BUNDLES.iter().find(|p| Path::new(p).is_file()) {
        let url =
            postgres("postgres://u@h/db?sslmode=require&sslmode=verify-full&sslrootcert=system")
                .unwrap();
        assert!(url.ends_with(&format!("sslrootcert={bundle}")), "{url}");
    }
    // A weaker one appended is what libpq would use: checked as such.
    let err = postgres("postgres://u@h/db?sslmode=verify-full&sslrootcert=system&sslmode=require")
        .unwrap_err();
    assert!(err.contains("needs sslmode=verify-full"), "{err}");
}

#[test]
fn errors_never_show_what_may_be_a_password() {
    for raw in [
        "host=db user=u password=hunter2",
        "postgres:/u:hunter2@h/db",
    ] {
        let err = DatabaseUrl::parse(raw).unwrap_err();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(err.contains("not a URL"), "{err}");
    }
    let err = DatabaseUrl::parse("mysql://u:hunter2@h/db").unwrap_err();
    assert!(
        err.contains("\"mysql\"") && !err.contains("hunter2"),
        "{err}"
    );
}

#[test]
fn the_tls_parameters_are_taken_out_for_the_async_client_and_the_rest_kept() {
    let ca = ca_file();
    let root = ca.path().display().to_string();
    let url = format!(
        "postgres://u:p%40ss@db.example:5433/app?application_name=sigil&sslmode=require\
         &sslrootcert={root}&connect_timeout=5&sslmode=verify-full"
    );
    let (rest, tls) = split_postgres_tls(&url);
    assert_eq!(
        rest,
        "postgres://u:p%40ss@db.example:5433/app?application_name=sigil&connect_timeout=5"
    );
    // The last of a repeated parameter, as libpq reads it.
    assert_eq!(tls.mode.as_deref(), Some("verify-full"));
    assert_eq!(tls.root.as_deref(), Some(ca.path()));
    assert!(!tls.crl);

    let (rest, tls) = split_postgres_tls("postgres://u@h/db?sslmode=disable&sslcrl=/x.crl");
    assert_eq!(rest, "postgres://u@h/db");
    assert_eq!(tls.mode.as_deref(), Some("disable"));
    assert!(
        tls.crl,
        "a revocation list is noticed, so the async client can decline"
    );

    // A raw `?` in the password is not the query (libpq's reading, as in the checks).
    let (rest, tls) = split_postgres_tls("postgres://u:a?b@h/db");
    assert_eq!(rest, "postgres://u:a?b@h/db");
    assert_eq!(tls.mode, None);
}
