/// What a user calls a passkey ("Laptop", "YubiKey 5"), to tell them apart in the list: one
/// line, not blank, at most 64 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyName(String);

impl PasskeyName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        if value.chars().all(super::posts::is_invisible) {
            return Err("Give the passkey a name, to tell it from others.".into());
        }
        if value.chars().any(char::is_control) {
            return Err("The name must be one line without control characters.".into());
        }
        if value.chars().count() > 64 {
            return Err("The name must be at most 64 characters.".into());
        }
        Ok(Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::PasskeyName;

    #[test]
    fn names_are_one_trimmed_line_of_at_most_64_characters() {
        assert_eq!(PasskeyName::parse("  Laptop ").unwrap().as_str(), "Laptop");
        assert!(PasskeyName::parse(&"é".repeat(64)).is_ok());
        for bad in ["", "   ", "\u{200b}", "a\nb", &"x".repeat(65)] {
            assert!(PasskeyName::parse(bad).is_err(), "{bad:?}");
        }
    }
}
