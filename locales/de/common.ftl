site-name = Sigil
skip-to-content = Zum Inhalt springen
nav-main = Hauptmenü
nav-posts = Beiträge
nav-new-post = Neuer Beitrag
nav-token-inspector = Token-Inspektor
nav-admin = Verwaltung
signed-in-as = Angemeldet als
sign-out = Abmelden
sign-in = Anmelden
register = Registrieren
footer-tagline = Beiträge mit JWT-Authentifizierung
footer-status = Status
footer-api-docs = API-Dokumentation
language-picker = Sprache
language-picker-submit = Sprache ändern
error-title-prefix = Fehler:{" "}
error-summary-title = Bitte korrigieren Sie Folgendes

## templates/errors/error.html (headings and sentences from src/routes/web/errors.rs, through tr())
common-error-not-found-title = Seite nicht gefunden
common-error-not-found = Unter dieser Adresse gibt es nichts.
common-error-forbidden-title = Nicht erlaubt
common-error-forbidden = Dazu sind Sie nicht berechtigt.
common-error-unauthorized-title = Bitte melden Sie sich an
common-error-unauthorized = Sie müssen sich anmelden, um diese Seite zu sehen.
common-error-method-not-allowed = Diese Seite nimmt diese Art von Anfrage nicht an.
common-error-too-large-title = Zu groß
common-error-too-large = Was Sie gesendet haben, ist größer als 128 KiB.
common-error-not-a-form-title = Kein Formular
common-error-not-a-form = Diese Seite nimmt nur Formulare an, die ein Browser sendet.
common-error-slow-down-title = Nicht so schnell
common-error-slow-down = Zu viele Versuche. Warten Sie eine Minute und versuchen Sie es dann erneut.
common-error-server-title = Etwas ist schiefgelaufen
common-error-server = Bei uns ist etwas schiefgelaufen. Der Fehler wurde protokolliert; bitte versuchen Sie es erneut.
common-error-other-title = Das hat nicht funktioniert
common-error-other = Die Anfrage konnte nicht verarbeitet werden.
common-error-back = Zurück zu den Beiträgen

## templates/partials/events.html
common-events-none = Noch keine Sicherheitsereignisse.
common-events-what = Ereignis
common-events-account = Konto
common-events-when = Zeitpunkt
common-events-address = Adresse
common-events-device = Gerät
# From src/routes/web/lines.rs (EventLine), through tr().
common-events-by-an-administrator = durch einen Administrator
common-events-by-administrator = durch Administrator { $name }
common-events-deleted-account = gelöschtes Konto #{ $id }

## templates/partials/providers.html
common-providers-or = oder
common-continue-with = Weiter mit { $provider }

## Words the page's scripts show (static/js), handed to them in data attributes.
common-js-passkey-elsewhere = Passkeys funktionieren nur unter der eigenen Adresse dieser Website: Öffnen Sie { $url } und versuchen Sie es dort.
common-js-passkey-exists = Auf diesem Gerät ist bereits ein Passkey für Ihr Konto gespeichert.
common-js-passkey-cancelled = Es wurde kein Passkey verwendet: Die Anfrage wurde abgebrochen oder ist abgelaufen. Bitte versuchen Sie es erneut.
common-js-copied = Kopiert.
common-js-copy-failed = Kopieren fehlgeschlagen: Markieren Sie den Schlüssel und kopieren Sie ihn selbst.
common-from = von
common-qr-label = QR-Code zum Scannen mit Ihrer Authenticator-App

## src/routes/web/lines.rs: the facts recorded with an event, as the event tables show them.
common-fact-signed-in-with = angemeldet mit { $proofs }
common-fact-key-value = { $key }: { $value }
common-fact-new-device = von einem neuen Gerät
common-fact-name-tried = versuchter Name: { $name }
common-fact-was = vorher { $value }
common-fact-now = jetzt { $value }
common-fact-sessions-ended = beendete Sitzungen: { $count }
common-proof-pwd = Passwort
common-proof-otp = Authenticator-App
common-proof-swk = Passkey
common-proof-hwk = Sicherheitsschlüssel
common-proof-fed = Konto einer anderen Website
common-proof-none = nichts erfasst
common-proofs-and = { $rest } und { $last }

## src/routes/web/lines.rs: recorded codes of events (reasons, steps, methods), in words.
common-fact-step = Schritt
common-fact-method = Methode
common-fact-via = über
common-code-wrong-password = falsches Passwort
common-code-second-factor-failures = fehlgeschlagene zweite Faktoren
common-code-second-factor-failed = zweiter Faktor fehlgeschlagen
common-code-disabled = deaktiviert
common-code-email-not-verified = E-Mail-Adresse nicht bestätigt
common-code-sign-in-delayed = Anmeldung verzögert
common-code-registration-closed = Registrierung geschlossen
common-code-access-denied = Zugriff verweigert
common-code-linked-elsewhere = mit einem anderen Konto verknüpft
common-code-no-email = keine E-Mail-Adresse
common-code-unreachable = nicht erreichbar
common-code-issuer-mismatch = Aussteller stimmt nicht überein
common-code-passkey-unknown = unbekannter Passkey
common-code-passkey-invalid = ungültiger Passkey
common-code-passkey-counter-went-back = Passkey-Zähler ging zurück
common-code-passkey-challenge-unknown = unbekannte Passkey-Anfrage
common-code-refresh-refused = Erneuerung abgelehnt
common-code-mfa-token-unknown = unbekanntes Zwei-Faktor-Token
common-code-replaced = ersetzt
common-code-admin = Administrator
common-code-idle = inaktiv
common-code-reauthenticate = Identität bestätigen
common-code-passkey = Passkey
common-code-fed = anderes Konto
common-code-cli = Kommandozeile
common-code-mfa = zweiter Schritt
common-code-login = Anmeldung
common-code-max-age = Höchstdauer erreicht
