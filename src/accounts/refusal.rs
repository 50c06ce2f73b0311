//! Why a passkey's answer was refused: the second step, a passkey sign-in and re-authentication
//! all give these, and the faces map them once.

/// Why a passkey response was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasskeyRefusal {
    /// No ceremony waits for its challenge: never started, used, expired, or for another
    /// purpose (or another user's, or another `mfa_token`'s).
    NoCeremony,
    /// The credential is not registered here (or not to this user).
    UnknownCredential,
    /// The verification failed: signature, origin, RP ID, flags (user verification), type.
    Invalid(String),
    /// The signature counter did not go up: a copy of the key may exist.
    CounterWentBack,
}

impl PasskeyRefusal {
    pub(crate) fn reason(&self) -> &'static str {
        match self {
            Self::NoCeremony => "passkey_challenge_unknown",
            Self::UnknownCredential => "passkey_unknown",
            Self::Invalid(_) => "passkey_invalid",
            Self::CounterWentBack => "passkey_counter_went_back",
        }
    }

    /// What the person (or client developer) reads.
    pub fn detail(&self) -> String {
        match self {
            Self::NoCeremony => "This passkey request expired or was already used: ask for new options and try again.".into(),
            Self::UnknownCredential => "This passkey is not registered here.".into(),
            Self::Invalid(why) => format!("The passkey was not accepted: {why}."),
            Self::CounterWentBack => "This passkey was refused: its signature counter went backwards, so a copy of it may exist. The account's owner has been told.".into(),
        }
    }
}
