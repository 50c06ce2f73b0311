//! A registration or a change as a whole: every field parsed, every error named.

use super::*;
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
pub(super) fn given<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    fields.get(name)
}

/// A field that is sent with a value (`Some(Some(_))`) or not (`Some(None)`): `null` counts as
/// left out in a registration, and is refused (`None`, its message recorded) in a change.
pub(super) fn present<'a>(
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
    pub(super) fn apply(&self, row: &mut ClientRow) {
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
pub(super) fn parse_spec(
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
pub struct GraceHours(pub(super) u64);

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
