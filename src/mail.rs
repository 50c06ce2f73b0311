//! E-mail: messages rendered from the templates in `templates/email/`, written to the outbox
//! in the transaction of what they announce, and delivered by a background sender.

pub mod message;
pub mod sender;

pub use message::{when, Context, Mail, Text};
pub use sender::Mailer;

use crate::config::MailSettings;
use crate::db::outbox::NewMessage;
use crate::error::AppError;
use crate::i18n::Locale;

/// What flows need to send mail: the settings (links, lifetimes) and this instance's sender.
#[derive(Clone)]
pub struct Notifier {
    pub settings: MailSettings,
    mailer: Mailer,
}

impl Notifier {
    pub fn new(settings: MailSettings, mailer: Mailer) -> Self {
        Self { settings, mailer }
    }

    /// `PUBLIC_URL/<path>?token=<token>`: a link a message carries.
    pub fn link(&self, path: &str, token: &str) -> String {
        self.link_with(path, "token", token)
    }

    /// [`Notifier::link`] whose token goes in the query parameter `param`.
    pub fn link_with(&self, path: &str, param: &str, token: &str) -> String {
        format!("{}{path}?{param}={token}", self.settings.public_url)
    }

    /// The message's text and HTML parts, for the outbox, in the recipient's language: the
    /// one they chose (`locale`), else `DEFAULT_LOCALE`. Never the language of the request
    /// that sends it: a notice goes to the account's owner, whoever caused it.
    pub fn render(&self, mail: &Mail, locale: Option<Locale>) -> Result<NewMessage, AppError> {
        let locale = locale.unwrap_or(self.settings.default_locale);
        crate::i18n::with_locale(locale, || mail.render(&self.settings.public_url))
            .map_err(AppError::internal)
    }

    /// Tells the sender that the outbox has something new (after the transaction committed).
    pub fn wake(&self) {
        self.mailer.wake();
    }
}
