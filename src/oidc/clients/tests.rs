use serde_json::json;

use super::*;

fn fields(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("an object"),
    }
}

fn refused(v: Value) -> FieldErrors {
    NewClient::parse(&fields(v)).expect_err("refused")
}

fn uri_error(uri: &str, client_type: &str) -> Option<String> {
    let body = json!({"client_name": "App", "type": client_type, "redirect_uris": [uri]});
    NewClient::parse(&fields(body))
        .err()
        .and_then(|e| e.first("redirect_uris").map(String::from))
}

#[test]
fn client_ids_are_given_in_their_alphabet_or_generated_as_22_base62() {
    for good in ["abc", "my-app.v2_x", &"a".repeat(64)] {
        assert!(ClientId::parse(good).is_ok(), "{good}");
    }
    for bad in [
        "ab",
        "",
        "has space",
        "slash/",
        "é-app",
        &"a".repeat(65),
        "a:b",
    ] {
        assert!(ClientId::parse(bad).is_err(), "{bad}");
    }
    let (a, b) = (ClientId::generate(), ClientId::generate());
    assert_ne!(a, b);
    assert_eq!(a.as_str().len(), 22);
    assert!(a.as_str().bytes().all(|c| c.is_ascii_alphanumeric()));
    assert!(ClientId::parse(a.as_str()).is_ok());
}

#[test]
fn names_are_one_line_of_1_to_100_characters() {
    assert_eq!(ClientName::parse(" App ").unwrap().as_str(), "App");
    assert!(ClientName::parse(&"é".repeat(100)).is_ok());
    for bad in ["", "   ", "a\nb", "a\u{7}", &"x".repeat(101)] {
        assert!(ClientName::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn redirect_uris_follow_every_rule_of_the_table() {
    for good in [
        "https://app.example.com/callback",
        "https://app.example.com:8443/cb?x=1",
        "http://127.0.0.1:8080/cb",
        "http://[::1]/cb",
        "http://localhost:3000/cb",
    ] {
        assert_eq!(uri_error(good, "confidential"), None, "{good}");
    }
    let bad = [
        ("https://app.example.com/cb#frag", "fragment"),
        ("https://app.example.com/cb#", "fragment"),
        ("https://user:pw@app.example.com/cb", "userinfo"),
        ("https://user@app.example.com/cb", "userinfo"),
        ("https://@app.example.com/cb", "userinfo"),
        ("https://*.example.com/cb", "Wildcards"),
        ("https://app.example.com/*", "Wildcards"),
        ("http://app.example.com/cb", "http is only"),
        ("http://127.0.0.1.evil.com/cb", "http is only"),
        ("http://10.0.0.1/cb", "http is only"),
        ("/relative/cb", "absolute"),
        ("app.example.com/cb", "absolute"),
        ("javascript:alert(1)", "private-use"),
        ("https://app.example.com/ cb", "spaces"),
        ("", "blank"),
    ];
    for (uri, why) in bad {
        let message = uri_error(uri, "public").unwrap_or_else(|| panic!("{uri} accepted"));
        assert!(message.contains(why), "{uri}: {message}");
    }
    let long = format!("https://app.example.com/{}", "a".repeat(2000));
    assert!(uri_error(&long, "public").unwrap().contains("2000"));
    // A private-use scheme with a dot: public clients only.
    assert_eq!(uri_error("com.example.app:/callback", "public"), None);
    assert!(uri_error("com.example.app:/callback", "confidential")
        .unwrap()
        .contains("public clients only"));
    assert!(uri_error("myapp:/callback", "public").is_some());
}

#[test]
fn at_most_20_uris_and_the_code_grant_needs_one() {
    let uris: Vec<String> = (0..21).map(|i| format!("https://a.example/{i}")).collect();
    let e = refused(json!({"client_name": "A", "redirect_uris": uris}));
    assert!(e.first("redirect_uris").unwrap().contains("20"));
    let e = refused(
        json!({"client_name": "A", "post_logout_redirect_uris": uris[..20], "redirect_uris": "https://a.example/"}),
    );
    assert!(e.first("redirect_uris").is_some());
    assert!(e.first("post_logout_redirect_uris").is_none());
    let e = refused(json!({"client_name": "A"}));
    assert!(e
        .first("redirect_uris")
        .unwrap()
        .contains("authorization_code"));
    // A device-only client needs none.
    let device = NewClient::parse(&fields(json!({
        "client_name": "TV", "type": "public",
        "grant_types": ["urn:ietf:params:oauth:grant-type:device_code"]
    })))
    .unwrap();
    assert!(device.spec.redirect_uris.is_empty());
    assert_eq!(device.spec.grant_types.names(), [DEVICE_CODE]);
}

#[test]
fn defaults_fill_what_is_left_out() {
    let new = NewClient::parse(&fields(json!({
        "client_name": "App", "redirect_uris": ["https://a.example/cb", "https://a.example/cb"]
    })))
    .unwrap();
    assert_eq!(new.client_id, None);
    assert_eq!(new.spec.client_type, ClientType::Confidential);
    assert_eq!(new.spec.grant_types.names(), DEFAULT_GRANT_TYPES);
    assert_eq!(new.spec.scope.to_stored(), DEFAULT_SCOPE);
    assert!(!new.spec.first_party);
    assert_eq!(new.spec.backchannel_logout_uri, None);
    assert_eq!(new.spec.redirect_uris.strings(), ["https://a.example/cb"]);
}

#[test]
fn every_bad_field_is_named_at_once() {
    let e = refused(json!({
        "client_id": "x",
        "client_name": 5,
        "type": "secret",
        "redirect_uris": "https://a.example/cb",
        "post_logout_redirect_uris": [1],
        "backchannel_logout_uri": "http://rp.example/logout",
        "grant_types": ["password"],
        "scope": "openid admin:everything",
        "first_party": "yes"
    }));
    for field in [
        "client_id",
        "client_name",
        "type",
        "redirect_uris",
        "post_logout_redirect_uris",
        "backchannel_logout_uri",
        "grant_types",
        "scope",
        "first_party",
    ] {
        assert!(e.first(field).is_some(), "{field}: {e:?}");
    }
    assert!(refused(json!({})).first("client_name").is_some());
    let e = refused(json!({"client_name": "A", "grant_types": [], "scope": ""}));
    assert!(e.first("grant_types").is_some() && e.first("scope").is_some());
}

#[test]
fn scopes_are_known_ones_in_a_fixed_order() {
    let s = ClientScope::parse(&json!("posts:read openid openid email")).unwrap();
    assert_eq!(s.to_stored(), "openid email posts:read");
    let s = ClientScope::parse(&json!(["admin:read", "offline_access"])).unwrap();
    assert_eq!(s.to_stored(), "offline_access admin:read");
    assert!(ClientScope::parse(&json!("openid posts:delete")).is_err());
    assert!(ClientScope::parse(&json!(7)).is_err());
}

#[test]
fn the_backchannel_uri_is_https_or_loopback_http_without_fragment() {
    assert!(LogoutUri::parse("https://rp.example/logout").is_ok());
    assert!(LogoutUri::parse("http://localhost:9000/logout").is_ok());
    for bad in [
        "http://rp.example/logout",
        "https://rp.example/logout#x",
        "/logout",
        "com.example.app:/logout",
    ] {
        assert!(LogoutUri::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_change_keeps_what_it_does_not_name_and_refuses_the_fixed_fields() {
    let new = NewClient::parse(&fields(json!({
        "client_name": "App", "redirect_uris": ["https://a.example/cb"],
        "backchannel_logout_uri": "https://a.example/logout"
    })))
    .unwrap();
    let mut row = ClientRow {
        client_id: "app".into(),
        client_name: String::new(),
        confidential: true,
        secret_hash: None,
        previous_secret_hash: None,
        previous_secret_expires_at: None,
        redirect_uris: String::new(),
        post_logout_redirect_uris: String::new(),
        backchannel_logout_uri: None,
        grant_types: String::new(),
        scope: String::new(),
        first_party: false,
        created_at: crate::db::now(),
        secret_rotated_at: None,
    };
    new.spec.apply(&mut row);
    assert_eq!(ClientSpec::from_row(&row), new.spec);

    let changed = ClientSpec::change(&row, &fields(json!({"client_name": "New name"}))).unwrap();
    assert_eq!(changed.client_name.as_str(), "New name");
    assert_eq!(changed.redirect_uris, new.spec.redirect_uris);
    assert_eq!(changed.changed_from(&row), ["client_name"]);

    let cleared =
        ClientSpec::change(&row, &fields(json!({"backchannel_logout_uri": null}))).unwrap();
    assert_eq!(cleared.backchannel_logout_uri, None);

    for fixed in ["client_id", "type"] {
        let mut named = Map::new();
        named.insert(fixed.to_string(), json!("x"));
        let e = ClientSpec::change(&row, &named).unwrap_err();
        assert!(e.first(fixed).is_some(), "{fixed}");
    }
    let e = ClientSpec::change(&row, &fields(json!({"client_name": null}))).unwrap_err();
    assert!(e.first("client_name").is_some());
    // Emptying the redirect URIs of a code-grant client is refused…
    let e = ClientSpec::change(&row, &fields(json!({"redirect_uris": []}))).unwrap_err();
    assert!(e.first("redirect_uris").is_some());
    // …and a confidential client cannot take a private-use scheme.
    let e = ClientSpec::change(
        &row,
        &fields(json!({"redirect_uris": ["com.example.app:/cb"]})),
    )
    .unwrap_err();
    assert!(e.first("redirect_uris").unwrap().contains("public"));
}

#[test]
fn grace_is_0_to_168_hours() {
    assert_eq!(GraceHours::parse(None), Ok(GraceHours(0)));
    assert_eq!(GraceHours::parse(Some(&Value::Null)), Ok(GraceHours(0)));
    assert_eq!(GraceHours::parse(Some(&json!(168))).unwrap().hours(), 168);
    for bad in [json!(169), json!(-1), json!(1.5), json!("2")] {
        assert!(GraceHours::parse(Some(&bad)).is_err(), "{bad}");
    }
}
