//! Sigil as an OpenID Connect provider (API.md part three, section 1): other applications
//! sign their users in through it. Pure rules here and in the submodules; the pages and
//! endpoints are in `routes`, the rows in `db`.

pub mod clients;
pub mod keys;
