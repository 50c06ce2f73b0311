// @generated automatically by Diesel CLI.

diesel::table! {
    email_tokens (token_hash) {
        token_hash -> Text,
        user_id -> Int4,
        purpose -> Text,
        email -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    federation_flows (state_hash) {
        state_hash -> Text,
        provider -> Text,
        nonce -> Text,
        verifier -> Text,
        purpose -> Text,
        user_id -> Nullable<Int4>,
        session_id -> Nullable<Text>,
        next -> Text,
        invitation -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    federation_pending (token_hash) {
        token_hash -> Text,
        purpose -> Text,
        provider -> Text,
        issuer -> Text,
        subject -> Text,
        email -> Nullable<Text>,
        email_verified -> Bool,
        username_hint -> Nullable<Text>,
        invitation -> Nullable<Text>,
        next -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    invitations (id) {
        id -> Int4,
        email -> Text,
        token_hash -> Text,
        invited_by -> Nullable<Int4>,
        locale -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        used_by -> Nullable<Int4>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sign_in_failures (subject) {
        subject -> Text,
        user_id -> Nullable<Int4>,
        failures -> Int4,
        first_failed_at -> Timestamp,
        last_failed_at -> Timestamp,
        retry_at -> Nullable<Timestamp>,
        notified_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    known_devices (user_id, device_hash) {
        user_id -> Int4,
        device_hash -> Text,
        first_seen_at -> Timestamp,
    }
}

diesel::table! {
    logout_deliveries (id) {
        id -> Int4,
        client_id -> Text,
        uri -> Text,
        sub -> Text,
        sid -> Text,
        jti -> Text,
        status -> Text,
        attempts -> Int4,
        created_at -> Timestamp,
        next_attempt_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    mfa_challenges (token_hash) {
        token_hash -> Text,
        user_id -> Int4,
        amr -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        failures -> Int4,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    oauth_clients (client_id) {
        client_id -> Text,
        client_name -> Text,
        confidential -> Bool,
        secret_hash -> Nullable<Text>,
        previous_secret_hash -> Nullable<Text>,
        previous_secret_expires_at -> Nullable<Timestamp>,
        redirect_uris -> Text,
        post_logout_redirect_uris -> Text,
        backchannel_logout_uri -> Nullable<Text>,
        grant_types -> Text,
        scope -> Text,
        first_party -> Bool,
        created_at -> Timestamp,
        secret_rotated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    oauth_codes (code_hash) {
        code_hash -> Text,
        client_id -> Text,
        user_id -> Int4,
        redirect_uri -> Text,
        code_challenge -> Text,
        nonce -> Nullable<Text>,
        scope -> Text,
        browser_sid -> Text,
        auth_time -> Timestamp,
        amr -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        session_id -> Nullable<Text>,
    }
}

diesel::table! {
    oauth_consents (user_id, client_id) {
        user_id -> Int4,
        client_id -> Text,
        scope -> Text,
        consented_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    oauth_device_codes (device_code_hash) {
        device_code_hash -> Text,
        user_code -> Nullable<Text>,
        client_id -> Text,
        scope -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        interval_seconds -> Int4,
        last_poll_ms -> Nullable<Int8>,
        decision -> Text,
        user_id -> Nullable<Int4>,
        auth_time -> Nullable<Timestamp>,
        amr -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        exchanged_at -> Nullable<Timestamp>,
        session_id -> Nullable<Text>,
    }
}

diesel::table! {
    oauth_requests (id) {
        id -> Text,
        client_id -> Text,
        params -> Text,
        user_id -> Nullable<Int4>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    oidc_signing_keys (seal_id) {
        seal_id -> Text,
        kid -> Text,
        sealed_key -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> Int4,
        recipient -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        kind -> Text,
        status -> Text,
        attempts -> Int4,
        created_at -> Timestamp,
        next_attempt_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        locale -> Nullable<Text>,
    }
}

diesel::table! {
    passkeys (id) {
        id -> Int4,
        user_id -> Int4,
        credential_id -> Text,
        user_handle -> Text,
        name -> Text,
        credential -> Text,
        sign_count -> Int8,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    personal_access_tokens (id) {
        id -> Int4,
        user_id -> Int4,
        token_hash -> Text,
        hint -> Text,
        name -> Text,
        scopes -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        last_used_ip -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<Text>,
    }
}

diesel::table! {
    posts (id) {
        id -> Int4,
        author_id -> Int4,
        title -> Text,
        body -> Text,
        visibility -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    posts_version (id) {
        id -> Int4,
        version -> Int8,
    }
}

diesel::table! {
    recovery_codes (code_hash) {
        code_hash -> Text,
        user_id -> Int4,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    revoked_tokens (jti) {
        jti -> Text,
        user_id -> Int4,
        revoked_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    security_events (id) {
        id -> Int4,
        kind -> Text,
        user_id -> Nullable<Int4>,
        actor_id -> Nullable<Int4>,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        detail -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Int4,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        expires_at -> Timestamp,
        user_agent -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
        ip -> Nullable<Text>,
        auth_time -> Nullable<Timestamp>,
        amr -> Text,
        client_id -> Nullable<Text>,
        scope -> Nullable<Text>,
        browser_sid -> Nullable<Text>,
    }
}

diesel::table! {
    totp_credentials (user_id) {
        user_id -> Int4,
        secret -> Text,
        created_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        last_step -> Int8,
    }
}

diesel::table! {
    user_identities (id) {
        id -> Int4,
        user_id -> Int4,
        provider -> Text,
        issuer -> Text,
        subject -> Text,
        email -> Nullable<Text>,
        linked_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    users (id) {
        id -> Int4,
        email -> Text,
        username -> Text,
        password_hash -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        email_verified -> Bool,
        role -> Text,
        disabled -> Bool,
        locale -> Nullable<Text>,
    }
}

diesel::table! {
    webauthn_challenges (challenge_hash) {
        challenge_hash -> Text,
        purpose -> Text,
        user_id -> Nullable<Int4>,
        binding_hash -> Nullable<Text>,
        state -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(email_tokens -> users (user_id));
diesel::joinable!(federation_flows -> users (user_id));
diesel::joinable!(known_devices -> users (user_id));
diesel::joinable!(logout_deliveries -> oauth_clients (client_id));
diesel::joinable!(mfa_challenges -> users (user_id));
diesel::joinable!(oauth_codes -> oauth_clients (client_id));
diesel::joinable!(oauth_codes -> users (user_id));
diesel::joinable!(oauth_consents -> oauth_clients (client_id));
diesel::joinable!(oauth_consents -> users (user_id));
diesel::joinable!(oauth_device_codes -> oauth_clients (client_id));
diesel::joinable!(oauth_device_codes -> users (user_id));
diesel::joinable!(oauth_requests -> oauth_clients (client_id));
diesel::joinable!(oauth_requests -> users (user_id));
diesel::joinable!(passkeys -> users (user_id));
diesel::joinable!(personal_access_tokens -> users (user_id));
diesel::joinable!(posts -> users (author_id));
diesel::joinable!(recovery_codes -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(revoked_tokens -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(sign_in_failures -> users (user_id));
diesel::joinable!(totp_credentials -> users (user_id));
diesel::joinable!(user_identities -> users (user_id));
diesel::joinable!(webauthn_challenges -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    email_tokens,
    federation_flows,
    federation_pending,
    invitations,
    known_devices,
    logout_deliveries,
    mfa_challenges,
    oauth_clients,
    oauth_codes,
    oauth_consents,
    oauth_device_codes,
    oauth_requests,
    oidc_signing_keys,
    outbox,
    passkeys,
    personal_access_tokens,
    posts,
    posts_version,
    recovery_codes,
    refresh_tokens,
    revoked_tokens,
    security_events,
    sessions,
    sign_in_failures,
    totp_credentials,
    user_identities,
    users,
    webauthn_challenges,
);
