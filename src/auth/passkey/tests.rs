use super::*;

#[test]
fn the_relying_party_is_the_public_urls_host_and_origin() {
    let rp = relying_party("https://id.example.com:8443/sigil", "Sigil").unwrap();
    let origins: Vec<String> = rp
        .get_allowed_origins()
        .iter()
        .map(|o| o.to_string())
        .collect();
    assert_eq!(origins, ["https://id.example.com:8443/"]);
    let (options, _) = rp
        .start_passkey_registration(uuid::Uuid::new_v4(), "alice", "alice", None)
        .unwrap();
    assert_eq!(options.public_key.rp.id, "id.example.com");
    assert_eq!(options.public_key.rp.name, "Sigil");
    assert_eq!(options.public_key.timeout, Some(CEREMONY_SECONDS * 1000));
}

#[test]
fn localhost_serves_but_an_ip_address_does_not() {
    assert!(relying_party("http://localhost:8080", "Sigil").is_ok());
    for ip in ["http://127.0.0.1:8080", "http://[::1]:8080"] {
        let refused = relying_party(ip, "Sigil").unwrap_err();
        assert!(refused.contains("not an IP address"), "{refused}");
        assert!(refused.contains("http://localhost:8080"), "{refused}");
    }
}

#[test]
fn a_responses_challenge_is_found_in_its_client_data() {
    let data = br#"{"type":"webauthn.get","challenge":"AQIDBA","origin":"http://localhost"}"#;
    assert_eq!(challenge_of(data), Some(vec![1, 2, 3, 4]));
    let padded = br#"{"type":"webauthn.get","challenge":"AQIDBA==","origin":"x"}"#;
    assert_eq!(challenge_of(padded), Some(vec![1, 2, 3, 4]));
    for bad in [
        &b"not json"[..],
        br#"{"type":"webauthn.get"}"#,
        br#"{"challenge":"!!!"}"#,
        br#"{"challenge":""}"#,
        br#"{"challenge":12}"#,
    ] {
        assert_eq!(challenge_of(bad), None, "{}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn challenge_hashes_are_hex_sha256() {
    assert_eq!(
        challenge_hash(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn synced_passkeys_are_software_keys() {
    assert_eq!(amr(true), "swk");
    assert_eq!(amr(false), "hwk");
    assert_eq!(credential_key(&[0xfb, 0xff]), "-_8");
}
