//! `sigil client create|list|delete|rotate-secret`: the OAuth clients of the OpenID Connect
//! provider from the command line (API.md part three §1, "Clients"). The same rules and flows
//! as the admin API, audited with `{via: "cli"}`. Exit 0, else 2 with the field's message or
//! "unknown client".

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::{json, Map, Value};

use super::exit::{open_migrated_db, usage};
use crate::config::Settings;
use crate::db::clients::ClientRow;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::oidc::clients::{self, ClientView, GraceHours, NewClient, Registrar, UNKNOWN_CLIENT};

#[derive(Subcommand, Debug)]
pub enum ClientCommand {
    /// Register a client; prints its id and (confidential clients) its secret, shown once.
    Create(CreateArgs),
    /// List the registered clients, in id order.
    List {
        /// Print a JSON array of clients.
        #[arg(long)]
        json: bool,
    },
    /// Delete a client: its codes and consents go, its sessions end (no logout tokens).
    Delete { client_id: String },
    /// Give a confidential client a new secret (printed, shown once); the previous one keeps
    /// working for --grace-hours (0 to 168, default 0).
    RotateSecret {
        client_id: String,
        #[arg(long, default_value_t = 0)]
        grace_hours: u64,
    },
}

#[derive(Args, Debug)]
pub struct CreateArgs {
    /// What the consent page calls the client.
    #[arg(long)]
    name: String,
    /// The client id (3 to 64 of A-Z a-z 0-9 . _ -); generated when left out.
    #[arg(long)]
    id: Option<String>,
    /// A public client (native app, SPA, CLI): no secret.
    #[arg(long)]
    public: bool,
    /// A redirect URI; repeat the option for each.
    #[arg(long = "redirect-uri", value_name = "URI")]
    redirect_uris: Vec<String>,
    /// A post-logout redirect URI; repeat the option for each.
    #[arg(long = "post-logout-redirect-uri", value_name = "URI")]
    post_logout_redirect_uris: Vec<String>,
    /// Where back-channel logout tokens go.
    #[arg(long, value_name = "URI")]
    backchannel_logout_uri: Option<String>,
    /// Grant types (authorization_code, refresh_token,
    /// urn:ietf:params:oauth:grant-type:device_code); default the first two.
    #[arg(long = "grant", value_name = "GRANT", num_args = 1..)]
    grants: Vec<String>,
    /// Space-separated scopes the client may ask for.
    #[arg(long)]
    scope: Option<String>,
    /// Skip the consent page.
    #[arg(long)]
    first_party: bool,
    /// Print the client and its secret as JSON.
    #[arg(long)]
    json: bool,
}

impl CreateArgs {
    /// The options as the fields of a registration, parsed by the API's rules.
    fn fields(&self) -> Map<String, Value> {
        let mut fields = Map::new();
        fields.insert("client_name".into(), json!(self.name));
        if let Some(id) = &self.id {
            fields.insert("client_id".into(), json!(id));
        }
        let client_type = if self.public {
            "public"
        } else {
            "confidential"
        };
        fields.insert("type".into(), json!(client_type));
        fields.insert("redirect_uris".into(), json!(self.redirect_uris));
        fields.insert(
            "post_logout_redirect_uris".into(),
            json!(self.post_logout_redirect_uris),
        );
        if let Some(uri) = &self.backchannel_logout_uri {
            fields.insert("backchannel_logout_uri".into(), json!(uri));
        }
        if !self.grants.is_empty() {
            fields.insert("grant_types".into(), json!(self.grants));
        }
        if let Some(scope) = &self.scope {
            fields.insert("scope".into(), json!(scope));
        }
        fields.insert("first_party".into(), json!(self.first_party));
        fields
    }
}

pub fn run(settings: &Settings, command: ClientCommand) -> ExitCode {
    // Bad options are reported before the database is opened.
    let grace = match &command {
        ClientCommand::RotateSecret { grace_hours, .. } => {
            match GraceHours::parse(Some(&json!(grace_hours))) {
                Ok(grace) => grace,
                Err(m) => {
                    eprintln!("--grace-hours: {m}");
                    return usage();
                }
            }
        }
        _ => GraceHours::default(),
    };
    let new = match &command {
        ClientCommand::Create(args) => match NewClient::parse(&args.fields()) {
            Ok(new) => Some(new),
            Err(errors) => return failed(AppError::Validation(errors)),
        },
        _ => None,
    };
    let db = match open_migrated_db(settings) {
        Ok(db) => db,
        Err(code) => return code,
    };
    let mut conn = match db.get() {
        Ok(conn) => conn,
        Err(e) => {
            e.log_if_internal();
            eprintln!("cannot reach the database");
            return ExitCode::FAILURE;
        }
    };
    let by = Registrar::cli();
    let done = match (command, new) {
        (ClientCommand::Create(args), Some(new)) => {
            clients::register_in(&mut conn, new, &by).map(|registered| {
                if args.json {
                    let mut body = json!(ClientView::from(&registered.row));
                    if let Some(secret) = &registered.secret {
                        body["client_secret"] = json!(secret);
                    }
                    println!("{body}");
                } else {
                    println!("client_id: {}", registered.row.client_id);
                    if let Some(secret) = &registered.secret {
                        println!("client_secret: {secret}");
                    }
                }
            })
        }
        (ClientCommand::List { json }, _) => all(&mut conn).map(|rows| print_list(&rows, json)),
        (ClientCommand::Delete { client_id }, _) => clients::delete_in(&mut conn, &client_id, &by)
            .map(|()| println!("client {client_id} deleted")),
        (ClientCommand::RotateSecret { client_id, .. }, _) => {
            clients::rotate_in(&mut conn, &client_id, grace, &by).map(|secret| println!("{secret}"))
        }
        (ClientCommand::Create(_), None) => Ok(()),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => failed(e),
    }
}

/// Every client, in id order.
fn all(conn: &mut DbConnection) -> Result<Vec<ClientRow>, AppError> {
    let mut rows: Vec<ClientRow> = Vec::new();
    loop {
        let after = rows.last().map(|r| r.client_id.clone());
        let page = ClientRow::page(conn, after.as_deref(), 100)?;
        let more = page.len() == 100;
        rows.extend(page);
        if !more {
            return Ok(rows);
        }
    }
}

fn print_list(rows: &[ClientRow], as_json: bool) {
    if as_json {
        let views: Vec<ClientView> = rows.iter().map(ClientView::from).collect();
        println!("{}", json!(views));
        return;
    }
    if rows.is_empty() {
        println!("no clients");
    }
    for row in rows {
        let view = ClientView::from(row);
        println!(
            "{}\t{}\t{}\t{}",
            view.client_id,
            view.client_type,
            view.client_name,
            view.redirect_uris.join(" ")
        );
    }
}

/// The option a field of the registration came from.
fn option_of(field: &str) -> &str {
    match field {
        "client_name" => "--name",
        "client_id" => "--id",
        "type" => "--public",
        "redirect_uris" => "--redirect-uri",
        "post_logout_redirect_uris" => "--post-logout-redirect-uri",
        "backchannel_logout_uri" => "--backchannel-logout-uri",
        "grant_types" => "--grant",
        "scope" => "--scope",
        "first_party" => "--first-party",
        other => other,
    }
}

/// Says why, and exits 2: each bad option with its message, "unknown client", or the
/// refusal (a taken id, a public client's secret).
fn failed(e: AppError) -> ExitCode {
    match e {
        AppError::Validation(errors) => {
            for (field, messages) in errors.iter() {
                for m in messages {
                    eprintln!("{}: {m}", option_of(field));
                }
            }
        }
        AppError::NotFound => eprintln!("{UNKNOWN_CLIENT}"),
        other => {
            other.log_if_internal();
            eprintln!("{}", other.public_detail());
        }
    }
    usage()
}
