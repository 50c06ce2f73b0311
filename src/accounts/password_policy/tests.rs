use super::*;
use crate::error::FieldErrors;

const ADA: Owner<'static> = Owner {
    username: "ada_l",
    email: "Ada.Lovelace@Example.com",
};

fn check(password: &str) -> Result<(), Reason> {
    PasswordPolicy::offline("Acme Corp").check_local(password, ADA)
}

#[test]
fn the_rules_come_in_order_and_the_first_failure_is_named() {
    assert_eq!(check("short"), Err(Reason::TooShort));
    assert_eq!(check(&"x".repeat(73)), Err(Reason::TooLong));
    // Both context and common: context comes first.
    assert_eq!(check("sigil123"), Err(Reason::Context));
    assert_eq!(check("password"), Err(Reason::Common));
    assert_eq!(check("a quiet lighthouse at dusk"), Ok(()));
}

#[test]
fn length_counts_characters_below_and_bytes_above() {
    // Eight characters of two bytes each: long enough.
    assert_eq!(length("éééééééé"), Ok(()));
    assert_eq!(length("ééééééé"), Err(Reason::TooShort));
    assert_eq!(length(&"x".repeat(72)), Ok(()));
    // 25 characters, 75 bytes: too long, never truncated.
    assert_eq!(length(&"€".repeat(25)), Err(Reason::TooLong));
    assert_eq!(Reason::TooShort.message(), "Use at least 8 characters.");
    assert_eq!(Reason::TooLong.message(), "Use at most 72 bytes.");
}

#[test]
fn the_domain_type_gives_the_contract_messages_and_they_name_the_reason() {
    let short = Password::parse("short").err().unwrap();
    let long = Password::parse(&"x".repeat(73)).err().unwrap();
    assert_eq!(short, Reason::TooShort.message());
    assert_eq!(long, Reason::TooLong.message());
    assert_eq!(
        reason_in(&FieldErrors::single("new_password", long)),
        Some("too_long")
    );
    assert_eq!(
        reason_in(&FieldErrors::single("password", short)),
        Some("too_short")
    );
    assert_eq!(
        reason_in(&FieldErrors::single("password", "This field is required.")),
        None
    );
    assert_eq!(
        reason_in(&FieldErrors::single("title", Reason::TooShort.message())),
        None
    );
}

#[test]
fn context_catches_names_and_their_small_variations() {
    let site = "Acme Corp";
    let close = |p: &str| too_close(p, ADA, site);
    // Equal, whatever the case: the username, the address, its local part.
    assert!(close("ada.lovelace@example.com"));
    assert!(close("ADA.LOVELACE"));
    // Holding a name with fewer than 8 characters left.
    assert!(close("ada_l2024"));
    assert!(close("Ada.Lovelace!1"));
    assert!(close("MySigil2024"));
    assert!(close("acme corp 1"));
    // Holding it, but with 8 or more characters besides: allowed.
    assert!(!close("ada_l likes engines"));
    assert!(!close("sigil is a nice word"));
    // Under 4 characters, a name counts only when equal.
    let short = Owner {
        username: "bob",
        email: "bo@example.com",
    };
    assert!(!too_close("bob12345", short, site));
    assert!(!too_close("bo123456", short, site));
    // A one-letter site name does not refuse every password with that letter.
    assert!(!too_close("abcdefgh", ADA, "A"));
}

#[test]
fn common_is_case_insensitive_and_the_list_is_big_enough() {
    assert!(common_count() >= 10_000, "{}", common_count());
    assert!(is_common("password"));
    assert!(is_common("PassWord"));
    assert!(is_common("12345678"));
    assert!(is_common("iloveyou"));
    assert!(!is_common("correct horse battery staple"));
    // The header is not a password; the first entry after it is.
    let mut lines = COMMON_LIST.lines();
    assert!(!is_common(lines.next().unwrap()));
    assert!(is_common(lines.find(|l| !l.starts_with("# ")).unwrap()));
}

#[test]
fn spaces_and_any_unicode_are_allowed_and_nothing_is_normalised() {
    for password in [
        "correct horse battery staple",
        "        ",
        "пароль для входа",
        "密码是一个秘密的东西",
        "🐙🦑🦀🐚🐠🐡🦈🐬",
        " leading and trailing ",
    ] {
        assert_eq!(check(password), Ok(()), "{password:?}");
        let parsed = Password::parse(password).unwrap();
        // Exactly what was typed is what gets hashed.
        assert_eq!(parsed.expose(), password);
    }
    // "Å" as one code point and as A + ring: two different passwords, neither changed.
    let (composed, decomposed) = ("\u{c5}ngstr\u{f6}m-9a", "A\u{30a}ngstro\u{308}m-9a");
    assert_eq!(Password::parse(composed).unwrap().expose(), composed);
    assert_eq!(Password::parse(decomposed).unwrap().expose(), decomposed);
    assert_ne!(sha1_hex(composed), sha1_hex(decomposed));
}

#[test]
fn sha1_is_upper_case_hex() {
    assert_eq!(
        &sha1_hex("password"),
        b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8"
    );
}

#[test]
fn the_async_check_adds_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pwned.txt");
    let mut hashes = [
        sha1_hex("a quiet lighthouse at dusk"),
        sha1_hex("zz top rules 4ever"),
    ];
    hashes.sort();
    let body: String = hashes
        .iter()
        .map(|h| format!("{}:7\r\n", std::str::from_utf8(h).unwrap()))
        .collect();
    std::fs::write(&path, body).unwrap();
    let policy = PasswordPolicy {
        site_name: "Sigil".into(),
        file: Some(Arc::new(BreachedFile::open(&path).unwrap())),
        range: None,
    };
    actix_web::rt::System::new().block_on(async {
        assert_eq!(
            policy.check("a quiet lighthouse at dusk", ADA).await,
            Err(Reason::Breached)
        );
        assert_eq!(policy.check("another quiet lighthouse", ADA).await, Ok(()));
        assert_eq!(policy.check("password", ADA).await, Err(Reason::Common));
        assert!(policy.flags("zz top rules 4ever", false).await);
        assert!(policy.flags("PASSWORD", false).await);
        assert!(!policy.flags("another quiet lighthouse", false).await);
    });
}
