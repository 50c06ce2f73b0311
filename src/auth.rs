//! Authentication: tokens, passwords, the one credential path, CSRF, cookies and login limits.

pub mod checksummed;
pub mod cookies;
pub mod credentials;
pub mod csrf;
pub mod extract;
pub mod jwt;
pub mod keys;
pub mod passkey;
pub mod password;
pub mod pat;
pub mod rate_limit;
pub mod refresh;
pub mod scoped;
pub mod scopes;
pub mod tokens;
pub mod totp;
pub mod verified;
