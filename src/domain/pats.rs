/// What a user calls a personal access token ("deploy script", "backup cron"): one line, not
/// blank, 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        if value.chars().all(super::posts::is_invisible) {
            return Err("Give the token a name that says what uses it.".into());
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

#[cfg(test)]
mod tests {
    use super::TokenName;

    #[test]
    fn names_are_one_trimmed_line_of_1_to_100_characters() {
        assert_eq!(TokenName::parse(" deploy ").unwrap().as_str(), "deploy");
        assert!(TokenName::parse(&"é".repeat(100)).is_ok());
        for bad in ["", "  ", "\u{200b}", "a\nb", "a\tb", &"x".repeat(101)] {
            assert!(TokenName::parse(bad).is_err(), "{bad:?}");
        }
    }
}
