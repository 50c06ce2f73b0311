//! Registering OAuth clients (API.md part three, section 1, "Clients"): every field parsed into
//! what the contract allows (a bad one is a `422` naming it), and the flows that create, list,
//! show, change and delete a client and rotate its secret. The admin API, the admin pages and
//! the CLI all go through here; each change is an audit event.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};
use url::{Host, Url};
use utoipa::ToSchema;

use crate::audit::{self, Event, EventKind};
use crate::auth::checksummed::{self, CLIENT_SECRET};
use crate::auth::scopes::{Scope, OIDC_SCOPES};
use crate::db::clients::{ClientRow, AUTHORIZATION_CODE, DEVICE_CODE, REFRESH_TOKEN};
use crate::db::users::User;
use crate::db::{write_transaction, Db, DbConnection};
use crate::domain::{cursor, Keyset};
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;

/// The grant types a client may register, in the order they are stored and shown.
pub const GRANT_TYPES: [&str; 3] = [AUTHORIZATION_CODE, REFRESH_TOKEN, DEVICE_CODE];
/// What a client gets when it names no grant types.
pub const DEFAULT_GRANT_TYPES: [&str; 2] = [AUTHORIZATION_CODE, REFRESH_TOKEN];
/// What a client may ask for when it names no scope.
pub const DEFAULT_SCOPE: &str =
    "openid profile email offline_access profile:read posts:read posts:write";
/// The most redirect URIs (and post-logout redirect URIs) a client registers.
pub const MAX_URIS: usize = 20;
/// The longest URI a client registers, in characters.
pub const MAX_URI_LEN: usize = 2000;
/// The longest grace for the previous secret after a rotation, in hours.
pub const MAX_GRACE_HOURS: u64 = 168;
/// The `409` of a `client_id` that is taken.
pub const TAKEN: &str = "That client_id is already registered; choose another or leave it out.";
/// The `409` of a rotation on a public client.
pub const PUBLIC_HAS_NO_SECRET: &str =
    "A public client has no secret to rotate: it authenticates with PKCE alone.";
/// What the command line says for a client that does not exist.
pub const UNKNOWN_CLIENT: &str = "unknown client";

const NOT_TEXT: &str = "Must be a string.";
const REQUIRED: &str = "This field is required.";
const NOT_NULL: &str = "Must not be null; leave the field out to keep it.";
const FIXED: &str = "Fixed at registration: it cannot be changed.";
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A client's id: given (`[A-Za-z0-9._-]`, 3 to 64 characters) or generated (22 base62
/// characters, about 131 random bits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientId(String);

impl ClientId {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let ok = (3..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        match ok {
            true => Ok(Self(raw.to_string())),
            false => {
                Err("Use 3 to 64 characters of A–Z, a–z, 0–9, dot, underscore and hyphen.".into())
            }
        }
    }

    /// 22 base62 characters from the operating system's generator (uniform, by rejection).
    pub fn generate() -> Self {
        let mut id = String::with_capacity(22);
        let mut buf = [0u8; 32];
        while id.len() < 22 {
            rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut buf);
            for b in buf.iter().filter(|b| **b < 248) {
                if id.len() == 22 {
                    break;
                }
                id.push(BASE62[(*b % 62) as usize] as char);
            }
        }
        Self(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the consent page calls the client: one line, 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientName(String);

impl ClientName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        if value.is_empty() {
            return Err("Give the client a name: the consent page shows it.".into());
        }
        if value.chars().any(char::is_control) {
            return Err("The name must be one line without control characters.".into());
        }
        if value.chars().count() > 100 {
            return Err("The name must be at most 100 characters.".into());
        }
        Ok(Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a client has a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientType {
    /// A server-side application that keeps a secret.
    Confidential,
    /// A native app, single-page app or CLI: no secret, PKCE alone.
    Public,
}

impl ClientType {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "confidential" => Ok(Self::Confidential),
            "public" => Ok(Self::Public),
            _ => Err(
                "Choose confidential (has a secret) or public (native apps, SPAs, CLIs).".into(),
            ),
        }
    }

    pub fn of(row: &ClientRow) -> Self {
        match row.confidential {
            true => Self::Confidential,
            false => Self::Public,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confidential => "confidential",
            Self::Public => "public",
        }
    }
}

/// Checks the parts of a URI every registered URI shares: not blank, at most 2,000
/// characters, no spaces, control characters, `*` or fragment, and absolute.
fn absolute_uri(raw: &str) -> Result<Url, String> {
    if raw.is_empty() {
        return Err("A URI must not be blank.".into());
    }
    if raw.chars().count() > MAX_URI_LEN {
        return Err(format!("A URI must be at most {MAX_URI_LEN} characters."));
    }
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("A URI must not contain spaces or control characters.".into());
    }
    if raw.contains('*') {
        return Err("Wildcards (*) are not allowed: register each URI exactly.".into());
    }
    if raw.contains('#') {
        return Err("A URI must not have a fragment (#…).".into());
    }
    Url::parse(raw).map_err(|_| "Must be an absolute URI, with its scheme (https://…).".to_string())
}

/// `127.0.0.1`, `[::1]` or `localhost`: the hosts `http` may name.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Whether the authority of `raw` carries userinfo (`user@`, or a bare `@`, which the parser
/// reads as an empty user name).
fn has_userinfo(url: &Url, raw: &str) -> bool {
    let authority = raw
        .split_once("//")
        .map(|(_, rest)| rest.split(['/', '?']).next().unwrap_or(rest))
        .unwrap_or_default();
    !url.username().is_empty() || url.password().is_some() || authority.contains('@')
}

/// A redirect URI (or post-logout redirect URI) as registered: `https`, `http` to a loopback
/// host, or, for a public client, a private-use scheme with a dot (RFC 8252 §7.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectUri(String);

impl RedirectUri {
    pub fn parse(raw: &str, client_type: ClientType) -> Result<Self, String> {
        let url = absolute_uri(raw)?;
        if has_userinfo(&url, raw) {
            return Err("A URI must not carry a user name or password (userinfo).".into());
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(
                    "http is only allowed to 127.0.0.1, [::1] or localhost; use https.".into(),
                )
            }
            scheme if scheme.contains('.') => {
                if client_type == ClientType::Confidential {
                    return Err(format!(
                        "A private-use scheme ({scheme}:) is for public clients only (RFC 8252)."
                    ));
                }
            }
            _ => {
                return Err(
                    "Use https, http to a loopback host, or (for a public client) a \
                            private-use scheme with a dot, like com.example.app:/callback."
                        .into(),
                )
            }
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A client's list of redirect URIs (or post-logout ones): at most 20, each exactly once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedirectUris(Vec<RedirectUri>);

impl RedirectUris {
    /// An array of URI strings; every bad URI is named in the message.
    pub fn parse(value: &Value, client_type: ClientType) -> Result<Self, String> {
        let Value::Array(items) = value else {
            return Err("Must be an array of URIs.".into());
        };
        if items.len() > MAX_URIS {
            return Err(format!("At most {MAX_URIS} URIs."));
        }
        let mut uris: Vec<RedirectUri> = Vec::new();
        let mut problems = Vec::new();
        for item in items {
            let Some(raw) = item.as_str() else {
                return Err("Must be an array of URIs (strings).".into());
            };
            match RedirectUri::parse(raw, client_type) {
                Ok(uri) if !uris.contains(&uri) => uris.push(uri),
                Ok(_) => {}
                Err(m) => problems.push(format!("\u{201c}{}\u{201d}: {m}", shorten(raw))),
            }
        }
        match problems.is_empty() {
            true => Ok(Self(uris)),
            false => Err(problems.join(" ")),
        }
    }

    /// The stored list, trusted as it was checked when stored.
    pub fn from_stored(uris: Vec<String>) -> Self {
        Self(uris.into_iter().map(RedirectUri).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn strings(&self) -> Vec<String> {
        self.0.iter().map(|u| u.0.clone()).collect()
    }

    /// The stored form: a JSON array of strings.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.strings()).unwrap_or_else(|_| "[]".into())
    }
}

/// A URI as an error message shows it: at most 80 characters.
fn shorten(raw: &str) -> String {
    match raw.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &raw[..i]),
        None => raw.to_string(),
    }
}

/// Where back-channel logout tokens go: `https`, or `http` to a loopback host (development),
/// without a fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutUri(String);

impl LogoutUri {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = absolute_uri(raw)?;
        match url.scheme() {
            "https" => Ok(Self(raw.to_string())),
            "http" if is_loopback(&url) => Ok(Self(raw.to_string())),
            _ => Err("Use https (or http to 127.0.0.1, [::1] or localhost in development).".into()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The grants a client may use: a non-empty set of [`GRANT_TYPES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantTypes(Vec<&'static str>);

impl Default for GrantTypes {
    fn default() -> Self {
        Self(DEFAULT_GRANT_TYPES.to_vec())
    }
}

impl GrantTypes {
    pub fn parse(value: &Value) -> Result<Self, String> {
        let known = || GRANT_TYPES.join(", ");
        let Value::Array(items) = value else {
            return Err(format!("Must be an array of grant types: {}.", known()));
        };
        let mut chosen = BTreeSet::new();
        for item in items {
            let name = item.as_str().unwrap_or_default();
            match GRANT_TYPES.iter().position(|g| *g == name) {
                Some(i) => chosen.insert(i),
                None => {
                    return Err(format!(
                        "\u{201c}{}\u{201d} is not a grant type; use {}.",
                        shorten(&item.as_str().map_or_else(|| item.to_string(), String::from)),
                        known()
                    ))
                }
            };
        }
        if chosen.is_empty() {
            return Err(format!("Choose at least one grant type: {}.", known()));
        }
        Ok(Self(chosen.into_iter().map(|i| GRANT_TYPES[i]).collect()))
    }

    pub fn from_stored(stored: &str) -> Self {
        Self(
            GRANT_TYPES
                .into_iter()
                .filter(|g| stored.split(' ').any(|s| s == *g))
                .collect(),
        )
    }

    pub fn contains(&self, grant: &str) -> bool {
        self.0.contains(&grant)
    }

    pub fn names(&self) -> &[&'static str] {
        &self.0
    }

    /// The stored form: space-separated.
    pub fn to_stored(&self) -> String {
        self.0.join(" ")
    }
}

/// What a client may ask for: known scopes (the OpenID Connect ones and section 3's), at
/// least one, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientScope(Vec<&'static str>);

impl Default for ClientScope {
    fn default() -> Self {
        Self::from_stored(DEFAULT_SCOPE)
    }
}

impl ClientScope {
    /// Every scope a client may hold, in the order they are stored.
    fn known() -> impl Iterator<Item = &'static str> {
        OIDC_SCOPES
            .into_iter()
            .chain(Scope::ALL.into_iter().map(Scope::as_str))
    }

    /// A space-separated string (RFC 7591), or an array of names.
    pub fn parse(value: &Value) -> Result<Self, String> {
        let names: Vec<&str> = match value {
            Value::String(s) => s.split_whitespace().collect(),
            Value::Array(items) => items
                .iter()
                .map(Value::as_str)
                .collect::<Option<Vec<_>>>()
                .ok_or("Must be a space-separated string of scope names.")?,
            _ => return Err("Must be a space-separated string of scope names.".into()),
        };
        let all: Vec<&str> = Self::known().collect();
        for name in &names {
            if !all.contains(name) {
                return Err(format!(
                    "\u{201c}{}\u{201d} is not a scope; use {}.",
                    shorten(name),
                    all.join(", ")
                ));
            }
        }
        if names.is_empty() {
            return Err(format!("Choose at least one scope: {}.", all.join(", ")));
        }
        Ok(Self(Self::known().filter(|k| names.contains(k)).collect()))
    }

    pub fn from_stored(stored: &str) -> Self {
        Self(
            Self::known()
                .filter(|k| stored.split(' ').any(|s| s == *k))
                .collect(),
        )
    }

    /// The stored and shown form: space-separated.
    pub fn to_stored(&self) -> String {
        self.0.join(" ")
    }
}

/// Every field of a client but its id, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSpec {
    pub client_name: ClientName,
    pub client_type: ClientType,
    pub redirect_uris: RedirectUris,
    pub post_logout_redirect_uris: RedirectUris,
    pub backchannel_logout_uri: Option<LogoutUri>,
    pub grant_types: GrantTypes,
    pub scope: ClientScope,
    pub first_party: bool,
}

/// A client to register: its id when one was given (else one is generated) and its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClient {
    pub client_id: Option<ClientId>,
    pub spec: ClientSpec,
}

/// The fields a change may name, in the order the events list them.
pub const CHANGEABLE: [&str; 7] = [
    "client_name",
    "redirect_uris",
    "post_logout_redirect_uris",
    "backchannel_logout_uri",
    "grant_types",
    "scope",
    "first_party",
];

/// A field as sent: left out, `null`, or a value.
fn given<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    fields.get(name)
}

/// A field that is sent with a value (`Some(Some(_))`) or not (`Some(None)`): `null` counts as
/// left out in a registration, and is refused (`None`, its message recorded) in a change.
fn present<'a>(
    fields: &'a Map<String, Value>,
    name: &str,
    changing: bool,
    errors: &mut FieldErrors,
) -> Option<Option<&'a Value>> {
    match given(fields, name) {
        None => Some(None),
        Some(Value::Null) if changing => {
            errors.add(name, NOT_NULL);
            None
        }
        Some(Value::Null) => Some(None),
        Some(v) => Some(Some(v)),
    }
}

impl NewClient {
    /// A registration's fields (a JSON object, or the form's and the CLI's fields made into
    /// one). Every bad field is named at once.
    pub fn parse(fields: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let client_id = match given(fields, "client_id") {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(s)) => errors.take("client_id", ClientId::parse(s)).map(Some),
            Some(_) => {
                errors.add("client_id", NOT_TEXT);
                None
            }
        };
        let spec = parse_spec(fields, None, &mut errors);
        errors.finish(|| {
            Some(Self {
                client_id: client_id?,
                spec: spec?,
            })
        })
    }
}

impl ClientSpec {
    /// A partial change of `row`: the fields named replace the stored ones, the others stay;
    /// `client_id` and `type` are fixed (`422`). The whole client is checked again, so a
    /// change cannot leave the code grant without a redirect URI.
    pub fn change(row: &ClientRow, fields: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        for fixed in ["client_id", "type"] {
            if fields.contains_key(fixed) {
                errors.add(fixed, FIXED);
            }
        }
        let spec = parse_spec(fields, Some(row), &mut errors);
        errors.finish(|| spec)
    }

    /// The names of the fields that differ from `row`'s.
    pub fn changed_from(&self, row: &ClientRow) -> Vec<&'static str> {
        let before = ClientSpec::from_row(row);
        let mut changed = Vec::new();
        let pairs: [(&str, bool); 7] = [
            ("client_name", before.client_name != self.client_name),
            ("redirect_uris", before.redirect_uris != self.redirect_uris),
            (
                "post_logout_redirect_uris",
                before.post_logout_redirect_uris != self.post_logout_redirect_uris,
            ),
            (
                "backchannel_logout_uri",
                before.backchannel_logout_uri != self.backchannel_logout_uri,
            ),
            ("grant_types", before.grant_types != self.grant_types),
            ("scope", before.scope != self.scope),
            ("first_party", before.first_party != self.first_party),
        ];
        for (name, differs) in pairs {
            if differs {
                changed.push(name);
            }
        }
        changed
    }

    /// The stored client, trusted as it was checked when stored.
    pub fn from_row(row: &ClientRow) -> Self {
        Self {
            client_name: ClientName(row.client_name.clone()),
            client_type: ClientType::of(row),
            redirect_uris: RedirectUris::from_stored(row.redirect_uris()),
            post_logout_redirect_uris: RedirectUris::from_stored(row.post_logout_redirect_uris()),
            backchannel_logout_uri: row.backchannel_logout_uri.clone().map(LogoutUri),
            grant_types: GrantTypes::from_stored(&row.grant_types),
            scope: ClientScope::from_stored(&row.scope),
            first_party: row.first_party,
        }
    }

    /// Writes the fields into `row` (its id, type, secrets and times stay).
    fn apply(&self, row: &mut ClientRow) {
        row.client_name = self.client_name.as_str().to_string();
        row.redirect_uris = self.redirect_uris.to_json();
        row.post_logout_redirect_uris = self.post_logout_redirect_uris.to_json();
        row.backchannel_logout_uri = self
            .backchannel_logout_uri
            .as_ref()
            .map(|u| u.as_str().to_string());
        row.grant_types = self.grant_types.to_stored();
        row.scope = self.scope.to_stored();
        row.first_party = self.first_party;
    }
}

/// Parses the fields of a client: for a registration (`base` `None`, a field left out takes
/// its default) or a change of `base` (a field left out keeps its stored value, and `null`
/// is refused but for `backchannel_logout_uri`, where it removes the URI).
fn parse_spec(
    fields: &Map<String, Value>,
    base: Option<&ClientRow>,
    errors: &mut FieldErrors,
) -> Option<ClientSpec> {
    let stored = base.map(ClientSpec::from_row);
    let changing = stored.is_some();
    let value = |name: &str, errors: &mut FieldErrors| present(fields, name, changing, errors);

    let client_type = match &stored {
        Some(s) => Some(s.client_type),
        None => match given(fields, "type") {
            None | Some(Value::Null) => Some(ClientType::Confidential),
            Some(Value::String(s)) => errors.take("type", ClientType::parse(s)),
            Some(_) => {
                errors.add("type", NOT_TEXT);
                None
            }
        },
    };
    // A bad type is reported on its own; the URIs are then read as a public client's, so
    // they are not refused a second time for it.
    let uri_type = client_type.unwrap_or(ClientType::Public);

    let client_name = match (value("client_name", errors), &stored) {
        (None, _) => None,
        (Some(Some(Value::String(s))), _) => errors.take("client_name", ClientName::parse(s)),
        (Some(Some(_)), _) => {
            errors.add("client_name", NOT_TEXT);
            None
        }
        (Some(None), Some(s)) => Some(s.client_name.clone()),
        (Some(None), None) => {
            errors.add("client_name", REQUIRED);
            None
        }
    };
    let uris = |name: &str, kept: Option<&RedirectUris>, errors: &mut FieldErrors| match value(
        name, errors,
    )? {
        Some(v) => errors.take(name, RedirectUris::parse(v, uri_type)),
        None => Some(kept.cloned().unwrap_or_default()),
    };
    let redirect_uris = uris(
        "redirect_uris",
        stored.as_ref().map(|s| &s.redirect_uris),
        errors,
    );
    let post_logout_redirect_uris = uris(
        "post_logout_redirect_uris",
        stored.as_ref().map(|s| &s.post_logout_redirect_uris),
        errors,
    );
    let backchannel_logout_uri = match given(fields, "backchannel_logout_uri") {
        None => Some(
            stored
                .as_ref()
                .and_then(|s| s.backchannel_logout_uri.clone()),
        ),
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) if s.trim().is_empty() => Some(None),
        Some(Value::String(s)) => errors
            .take("backchannel_logout_uri", LogoutUri::parse(s))
            .map(Some),
        Some(_) => {
            errors.add("backchannel_logout_uri", NOT_TEXT);
            None
        }
    };
    let grant_types = match value("grant_types", errors) {
        None => None,
        Some(Some(v)) => errors.take("grant_types", GrantTypes::parse(v)),
        Some(None) => Some(
            stored
                .as_ref()
                .map_or_else(GrantTypes::default, |s| s.grant_types.clone()),
        ),
    };
    let scope = match value("scope", errors) {
        None => None,
        Some(Some(v)) => errors.take("scope", ClientScope::parse(v)),
        Some(None) => Some(
            stored
                .as_ref()
                .map_or_else(ClientScope::default, |s| s.scope.clone()),
        ),
    };
    let first_party = match value("first_party", errors) {
        None => None,
        Some(Some(Value::Bool(b))) => Some(*b),
        Some(Some(_)) => {
            errors.add("first_party", "Must be true or false.");
            None
        }
        Some(None) => Some(stored.as_ref().is_some_and(|s| s.first_party)),
    };
    if let (Some(grants), Some(uris)) = (&grant_types, &redirect_uris) {
        if grants.contains(AUTHORIZATION_CODE) && uris.is_empty() {
            errors.add(
                "redirect_uris",
                "The authorization_code grant needs at least one redirect URI.",
            );
        }
    }
    Some(ClientSpec {
        client_name: client_name?,
        client_type: client_type?,
        redirect_uris: redirect_uris?,
        post_logout_redirect_uris: post_logout_redirect_uris?,
        backchannel_logout_uri: backchannel_logout_uri?,
        grant_types: grant_types?,
        scope: scope?,
        first_party: first_party?,
    })
}

/// How long the previous secret keeps working after a rotation: 0 to 168 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GraceHours(u64);

impl GraceHours {
    /// Left out or `null`: none.
    pub fn parse(value: Option<&Value>) -> Result<Self, String> {
        match value {
            None | Some(Value::Null) => Ok(Self(0)),
            Some(v) => v
                .as_u64()
                .filter(|h| *h <= MAX_GRACE_HOURS)
                .map(Self)
                .ok_or_else(|| {
                    format!("Must be a whole number of hours from 0 to {MAX_GRACE_HOURS}.")
                }),
        }
    }

    pub fn hours(self) -> u64 {
        self.0
    }
}

/// `?limit=&cursor=` of the client list.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientListParams {
    /// Page size, 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A page of the client list: its size, and the last `client_id` of the page before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPageRequest {
    pub limit: i64,
    pub after: Option<String>,
}

impl ClientListParams {
    pub fn parse(&self, cursor_key: &[u8; 32]) -> Result<ClientPageRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        let limit =
            Keyset::parse(self.limit.as_deref(), None, cursor_key, &mut errors).map(|k| k.limit);
        let after = match self.cursor.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(raw) => errors
                .take("cursor", cursor::decode_text(cursor_key, raw))
                .map(Some),
        };
        errors.finish(|| {
            Some(ClientPageRequest {
                limit: limit?,
                after: after?,
            })
        })
    }
}

/// A client as the API and the CLI show it (RFC 7591's names): never a secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClientView {
    #[schema(example = "nightly-report")]
    pub client_id: String,
    #[schema(example = "Nightly report")]
    pub client_name: String,
    /// `confidential` (has a secret) or `public`.
    #[serde(rename = "type")]
    #[schema(example = "confidential")]
    pub client_type: &'static str,
    #[schema(example = json!(["https://reports.example.com/callback"]))]
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub backchannel_logout_uri: Option<String>,
    #[schema(example = json!(["authorization_code", "refresh_token"]))]
    pub grant_types: Vec<&'static str>,
    /// Space-separated: what the client may ask for.
    #[schema(example = "openid profile email")]
    pub scope: String,
    /// Skips the consent page (never the device confirmation).
    pub first_party: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The last rotation of the secret; null when it never was.
    #[serde(with = "time::serde::rfc3339::option")]
    pub secret_rotated_at: Option<OffsetDateTime>,
}

impl From<&ClientRow> for ClientView {
    fn from(row: &ClientRow) -> Self {
        Self {
            client_id: row.client_id.clone(),
            client_name: row.client_name.clone(),
            client_type: ClientType::of(row).as_str(),
            redirect_uris: row.redirect_uris(),
            post_logout_redirect_uris: row.post_logout_redirect_uris(),
            backchannel_logout_uri: row.backchannel_logout_uri.clone(),
            grant_types: GrantTypes::from_stored(&row.grant_types).0,
            scope: ClientScope::from_stored(&row.scope).to_stored(),
            first_party: row.first_party,
            created_at: crate::db::to_utc(row.created_at),
            secret_rotated_at: row.secret_rotated_at.map(crate::db::to_utc),
        }
    }
}

/// Who changes the registry: an administrator (the event's actor), or the command line
/// (`{via: "cli"}`).
#[derive(Debug, Clone)]
pub struct Registrar {
    admin_id: Option<i32>,
    client: ClientInfo,
}

impl Registrar {
    pub fn admin(admin: &User, client: &ClientInfo) -> Self {
        Self {
            admin_id: Some(admin.id),
            client: client.clone(),
        }
    }

    pub fn cli() -> Self {
        Self {
            admin_id: None,
            client: ClientInfo::default(),
        }
    }

    fn event(&self, kind: EventKind, client_id: &str) -> Event {
        let event = Event::new(kind, &self.client).detail("client_id", client_id);
        match self.admin_id {
            Some(id) => event.actor(id),
            None => event.detail("via", "cli"),
        }
    }
}

/// A client just registered, and its secret (confidential clients), which is never shown
/// again.
#[derive(Debug)]
pub struct Registered {
    pub row: ClientRow,
    pub secret: Option<String>,
}

/// One client with how much it is used.
#[derive(Debug)]
pub struct ClientDetail {
    pub row: ClientRow,
    /// Its sessions neither revoked nor expired.
    pub live_sessions: i64,
    /// The distinct users with a consent to it or a live session with it.
    pub users: i64,
}

/// A page of clients, in `client_id` order.
#[derive(Debug)]
pub struct ClientList {
    pub items: Vec<ClientRow>,
    pub next_cursor: Option<String>,
}

/// Registers a client: `409` when its id is taken; a confidential client gets a secret,
/// stored as SHA-256.
pub fn register_in(
    conn: &mut DbConnection,
    new: NewClient,
    by: &Registrar,
) -> Result<Registered, AppError> {
    let client_id = new.client_id.unwrap_or_else(ClientId::generate);
    let spec = new.spec;
    let secret = (spec.client_type == ClientType::Confidential).then(|| CLIENT_SECRET.generate());
    let mut row = ClientRow {
        client_id: client_id.as_str().to_string(),
        client_name: String::new(),
        confidential: spec.client_type == ClientType::Confidential,
        secret_hash: secret.as_deref().map(checksummed::hash),
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
    spec.apply(&mut row);
    let event = by
        .event(EventKind::ClientCreated, &row.client_id)
        .detail("client_name", row.client_name.clone())
        .detail("type", spec.client_type.as_str());
    let row = write_transaction(conn, |conn| {
        if ClientRow::find(conn, &row.client_id)?.is_some() {
            return Err(AppError::Conflict(TAKEN.into()));
        }
        ClientRow::insert(conn, &row).map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::Conflict(TAKEN.into()),
            other => other,
        })?;
        audit::record_in(conn, &event);
        Ok(row)
    })?;
    Ok(Registered { row, secret })
}

/// One page of clients.
pub fn list_in(
    conn: &mut DbConnection,
    page: &ClientPageRequest,
    cursor_key: &[u8; 32],
) -> Result<ClientList, AppError> {
    let mut items = ClientRow::page(conn, page.after.as_deref(), page.limit + 1)?;
    let next_cursor = match items.len() as i64 > page.limit {
        true => {
            items.truncate(page.limit as usize);
            items
                .last()
                .map(|last| cursor::encode_text(cursor_key, &last.client_id))
        }
        false => None,
    };
    Ok(ClientList { items, next_cursor })
}

/// One client and its use; `404` for an unknown id.
pub fn detail_in(conn: &mut DbConnection, client_id: &str) -> Result<ClientDetail, AppError> {
    let row = ClientRow::find(conn, client_id)?.ok_or(AppError::NotFound)?;
    let live_sessions = ClientRow::live_sessions(conn, client_id)?;
    let users = ClientRow::user_count(conn, client_id)?;
    Ok(ClientDetail {
        row,
        live_sessions,
        users,
    })
}

/// Changes the fields `fields` names (a partial update); `404`, or `422` naming each bad
/// field. The event lists the fields that changed; a change that changes nothing writes
/// nothing.
pub fn update_in(
    conn: &mut DbConnection,
    client_id: &str,
    fields: &Map<String, Value>,
    by: &Registrar,
) -> Result<ClientRow, AppError> {
    write_transaction(conn, |conn| {
        let mut row = ClientRow::find(conn, client_id)?.ok_or(AppError::NotFound)?;
        let spec = ClientSpec::change(&row, fields)?;
        let changed = spec.changed_from(&row);
        if changed.is_empty() {
            return Ok(row);
        }
        spec.apply(&mut row);
        ClientRow::save(conn, &row)?;
        let event = by
            .event(EventKind::ClientUpdated, client_id)
            .detail("fields", changed);
        audit::record_in(conn, &event);
        Ok(row)
    })
}

/// Deletes a client in one transaction: its codes, consents and requests go, its sessions
/// are revoked ("client deleted"; no logout tokens are sent), then the row. `404` for an
/// unknown id.
pub fn delete_in(conn: &mut DbConnection, client_id: &str, by: &Registrar) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        let ended = ClientRow::delete_with_grants(conn, client_id, crate::db::now())?
            .ok_or(AppError::NotFound)?;
        let event = by
            .event(EventKind::ClientDeleted, client_id)
            .detail("sessions_revoked", ended);
        audit::record_in(conn, &event);
        Ok(())
    })
}

/// Gives a confidential client a new secret; the previous one keeps working for `grace`
/// (kept as its hash until then), or stops now. `404`; `409` for a public client.
pub fn rotate_in(
    conn: &mut DbConnection,
    client_id: &str,
    grace: GraceHours,
    by: &Registrar,
) -> Result<String, AppError> {
    let secret = CLIENT_SECRET.generate();
    let hash = checksummed::hash(&secret);
    write_transaction(conn, |conn| {
        let mut row = ClientRow::find(conn, client_id)?.ok_or(AppError::NotFound)?;
        if !row.confidential {
            return Err(AppError::Conflict(PUBLIC_HAS_NO_SECRET.into()));
        }
        let now = crate::db::now();
        let hours = i64::try_from(grace.hours()).unwrap_or(0);
        (row.previous_secret_hash, row.previous_secret_expires_at) = match hours {
            0 => (None, None),
            h => (row.secret_hash.take(), Some(now + Duration::hours(h))),
        };
        row.secret_hash = Some(hash);
        row.secret_rotated_at = Some(now);
        ClientRow::save(conn, &row)?;
        let event = by
            .event(EventKind::ClientSecretRotated, client_id)
            .detail("grace_hours", grace.hours());
        audit::record_in(conn, &event);
        Ok(())
    })?;
    Ok(secret)
}

/// The flows above, each on a pooled connection off the async workers.
#[derive(Clone)]
pub struct Registry {
    db: Db,
}

impl Registry {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    pub async fn register(&self, new: NewClient, by: Registrar) -> Result<Registered, AppError> {
        self.db.run(move |conn| register_in(conn, new, &by)).await
    }

    pub async fn list(
        &self,
        page: ClientPageRequest,
        cursor_key: &[u8; 32],
    ) -> Result<ClientList, AppError> {
        let key = *cursor_key;
        self.db.run(move |conn| list_in(conn, &page, &key)).await
    }

    pub async fn detail(&self, client_id: String) -> Result<ClientDetail, AppError> {
        self.db.run(move |conn| detail_in(conn, &client_id)).await
    }

    pub async fn update(
        &self,
        client_id: String,
        fields: Map<String, Value>,
        by: Registrar,
    ) -> Result<ClientRow, AppError> {
        self.db
            .run(move |conn| update_in(conn, &client_id, &fields, &by))
            .await
    }

    pub async fn delete(&self, client_id: String, by: Registrar) -> Result<(), AppError> {
        self.db
            .run(move |conn| delete_in(conn, &client_id, &by))
            .await
    }

    pub async fn rotate_secret(
        &self,
        client_id: String,
        grace: GraceHours,
        by: Registrar,
    ) -> Result<String, AppError> {
        self.db
            .run(move |conn| rotate_in(conn, &client_id, grace, &by))
            .await
    }
}

#[cfg(test)]
mod tests;
