//! The RS256 key of id_tokens and logout tokens: from a file, or generated once and kept sealed in the database so that every instance shares it.
