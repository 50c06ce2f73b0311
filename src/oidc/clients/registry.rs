//! The flows over the registry: register, list, show, change, delete, rotate.

use super::*;
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
    pub(super) admin_id: Option<i32>,
    pub(super) client: ClientInfo,
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
    pub(super) db: Db,
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
