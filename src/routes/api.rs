//! The JSON API.

pub mod admin;
pub mod apps;
pub mod auth;
pub mod client_auth;
pub mod clients;
pub mod device;
pub mod discovery;
pub mod email;
pub mod events;
pub mod health;
pub mod identities;
pub mod invitations;
pub mod keys;
pub mod metrics;
pub mod mfa;
pub mod oauth;
pub mod openapi;
pub mod passkeys;
pub mod pats;
pub mod posts;
pub mod responses;
pub mod sessions;
pub mod token;
pub mod userinfo;
pub mod users;
