//! Client registration: the rules of each field, secrets, and the flows behind the admin API, the pages and `sigil client`.
