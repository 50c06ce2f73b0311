//! HTTP handlers: `api` answers JSON, `web` renders pages. Both share the domain types, the
//! queries on the models and the authentication flows.

pub mod api;
pub mod web;
