## The account pages: /account, its activity, deleting it, two-step sign-in.

# Words that come from Rust come first: tr() takes the first message with the same English,
# and the event label "Signed in" must win over the column heading "Signed in".

## Words from Rust shown on /account (through tr()): src/routes/web/account.rs, account/*.rs,
## lines.rs, src/auth/scopes.rs

account-rust-never = nie
account-rust-never-asked = nie gefragt (eine Erstanbieter-App)
account-rust-error-current-password = Geben Sie Ihr aktuelles Passwort ein.
account-rust-error-passwords-differ = Die beiden Passwörter stimmen nicht überein.
account-rust-error-same-address = Das ist bereits Ihre Adresse.
account-rust-error-removal-password = Geben Sie Ihr Passwort ein, um zu bestätigen, dass Sie es sind.
account-rust-passkey-added = Passkey „{ $name }“ hinzugefügt: Sie können sich jetzt damit anmelden.
account-rust-passkey-removed = Passkey entfernt: Sie können sich damit nicht mehr anmelden.

# The create-a-token form's scope descriptions (Scope::description).
account-scope-profile-read = Ihr Profil lesen (GET /api/users/me)
account-scope-posts-read = Beiträge lesen, auch Ihre privaten
account-scope-posts-write = Ihre Beiträge schreiben, bearbeiten und löschen (und lesen)
account-scope-sessions-read = Ihre Sitzungen und die Aktivität Ihres Kontos auflisten
account-scope-admin-read = Benutzer und Ereignisse lesen, solange Sie Administrator sind
account-scope-admin-write = Benutzer deaktivieren, aktivieren, abmelden und ihnen Links zum Zurücksetzen senden; ihre Tokens widerrufen; ihre fehlgeschlagenen Anmeldungen zurücksetzen

# "Apps with access": each scope in words, then its name (apps_access::describe).
account-app-scope-openid = Sie mit Ihrem Sigil-Konto anmelden (openid)
account-app-scope-profile = Ihren Benutzernamen sehen (profile)
account-app-scope-email = Ihre E-Mail-Adresse sehen und ob sie bestätigt ist (email)
account-app-scope-offline-access = Verbunden bleiben, während Sie die App nicht verwenden (offline_access)
account-app-scope-profile-read = Ihr Profil lesen (GET /api/users/me) (profile:read)
account-app-scope-posts-read = Beiträge lesen, auch Ihre privaten (posts:read)
account-app-scope-posts-write = Ihre Beiträge schreiben, bearbeiten und löschen (und lesen) (posts:write)
account-app-scope-sessions-read = Ihre Sitzungen und die Aktivität Ihres Kontos auflisten (sessions:read)
account-app-scope-admin-read = Benutzer und Ereignisse lesen, solange Sie Administrator sind (admin:read)
account-app-scope-admin-write = Benutzer deaktivieren, aktivieren, abmelden und ihnen Links zum Zurücksetzen senden; ihre Tokens widerrufen; ihre fehlgeschlagenen Anmeldungen zurücksetzen (admin:write)

# Device labels (src/http/client.rs, Device): "Firefox 132 on Windows".
account-device-on = { $browser } unter { $os }
account-device-unknown = Unbekannter Client

## templates/partials/events.html: the event labels (src/audit.rs, EventKind::label), every kind,
## through tr(). (The partial's own words and "by an administrator" are in common.ftl.)

account-event-sign-in = Angemeldet
account-event-sign-in-failed = Fehlgeschlagene Anmeldung
account-event-sign-out = Abgemeldet
account-event-logout-all = Überall abgemeldet
account-event-session-revoked = Sitzung widerrufen
account-event-refresh-token-reuse = Aktualisierungstoken erneut verwendet: Sitzung beendet
account-event-password-changed = Passwort geändert
account-event-password-reset-requested = Zurücksetzen des Passworts angefordert
account-event-password-reset = Passwort über einen per E-Mail gesendeten Link zurückgesetzt
account-event-email-change-requested = Änderung der E-Mail-Adresse angefordert
account-event-email-changed = E-Mail-Adresse geändert
account-event-email-verified = E-Mail-Adresse bestätigt
account-event-rate-limited = Zu viele Anmeldeversuche
account-event-user-disabled = Konto von einem Administrator deaktiviert
account-event-user-enabled = Konto von einem Administrator aktiviert
account-event-admin-logout-all = Von einem Administrator überall abgemeldet
account-event-admin-password-reset = Link zum Zurücksetzen von einem Administrator gesendet
account-event-role-changed = Rolle von einem Administrator geändert
account-event-user-deleted = Konto von einem Administrator gelöscht
account-event-second-factor-failed = Falscher Code für den zweiten Faktor
account-event-totp-enabled = Authenticator-App hinzugefügt
account-event-totp-disabled = Authenticator-App entfernt
account-event-recovery-codes-regenerated = Neue Wiederherstellungscodes erstellt
account-event-recovery-code-used = Wiederherstellungscode verwendet
account-event-reauthenticated = Identität bestätigt
account-event-account-deleted = Konto gelöscht
account-event-token-revoked = Token von einem Client widerrufen
account-event-passkey-added = Passkey hinzugefügt
account-event-passkey-removed = Passkey entfernt
account-event-passkey-used = Passkey verwendet
account-event-passkey-clone-suspected = Passkey abgelehnt: Sein Zähler ist zurückgegangen
account-event-password-check-failed = Falsches aktuelles Passwort
account-event-pat-created = Persönliches Zugriffstoken erstellt
account-event-pat-revoked = Persönliches Zugriffstoken widerrufen
account-event-sign-in-delayed = Anmeldungen nach Fehlversuchen verzögert
account-event-sign-in-failures-cleared = Fehlgeschlagene Anmeldungen zurückgesetzt
account-event-session-expired = Sitzung abgelaufen
account-event-invitation-created = Einladung gesendet
account-event-invitation-revoked = Einladung widerrufen
account-event-invitation-accepted = Einladung angenommen
account-event-consent-granted = Zugriff für eine App gewährt
account-event-consent-denied = Zugriff für eine App verweigert
account-event-consent-revoked = Zugriff einer App widerrufen
account-event-oauth-grant = Tokens an eine App ausgegeben
account-event-oauth-code-reuse = Autorisierungscode zweimal verwendet
account-event-client-created = OAuth-Client registriert
account-event-client-updated = OAuth-Client geändert
account-event-client-deleted = OAuth-Client gelöscht
account-event-client-secret-rotated = Geheimnis des OAuth-Clients erneuert
account-event-backchannel-logout-failed = Eine App wurde nicht über eine Abmeldung informiert
account-event-provider-sign-in-failed = Fehlgeschlagene Anmeldung über einen anderen Anbieter
account-event-identity-linked = Anmeldeanbieter verknüpft
account-event-identity-unlinked = Verknüpfung mit Anmeldeanbieter aufgehoben
# An administrator reads the admin actions' labels with the administrator's name
# (lines.rs replaces "by an administrator" with "by administrator <name>").
account-event-user-disabled-by = Konto von Administrator { $name } deaktiviert
account-event-user-enabled-by = Konto von Administrator { $name } aktiviert
account-event-admin-logout-all-by = Von Administrator { $name } überall abgemeldet
account-event-admin-password-reset-by = Link zum Zurücksetzen von Administrator { $name } gesendet
account-event-role-changed-by = Rolle von Administrator { $name } geändert
account-event-user-deleted-by = Konto von Administrator { $name } gelöscht

## templates/account/index.html

account-title = Ihr Konto
account-profile-title = Profil
account-profile-username = Benutzername
account-profile-email = E-Mail-Adresse
account-profile-confirmed = bestätigt
account-profile-not-confirmed = nicht bestätigt
account-profile-member-since = Mitglied seit
account-profile-confirm-hint = Bestätigen Sie, dass diese Adresse Ihnen gehört: An sie senden wir Sicherheitshinweise und den Link, mit dem Sie ein neues Passwort wählen, falls Sie es vergessen.
account-profile-resend = Link erneut senden

account-email-title = E-Mail-Adresse ändern
account-email-new = Neue E-Mail-Adresse
account-email-current-password = Aktuelles Passwort
account-email-confirm-hint = Wenn Sie das Formular absenden, bitten wir Sie einmal zu bestätigen, dass Sie es sind: Dann ändert sich die Adresse.
account-email-submit = Link an die neue Adresse senden
account-email-hint = Die Adresse ändert sich, wenn Sie dem Link folgen, den wir dorthin senden; Ihre aktuelle Adresse wird benachrichtigt.

account-password-title = Passwort ändern
account-password-current = Aktuelles Passwort
account-password-new = Neues Passwort
account-password-new-hint = Mindestens 8 Zeichen. Höchstens 72 einfache Buchstaben oder Ziffern: Buchstaben mit Akzent und Sonderzeichen zählen als zwei oder mehr Zeichen.
account-password-confirm = Neues Passwort bestätigen
account-password-submit = Passwort ändern
account-password-hint = Wenn Sie Ihr Passwort ändern, werden alle anderen Sitzungen abgemeldet.
account-password-set-title = Passwort festlegen
account-password-set-intro = Ihr Konto hat kein Passwort: Sie melden sich über einen Anbieter an. Mit einem Passwort haben Sie einen weiteren Zugang.
account-password-set-intro-passkeys = Ihr Konto hat kein Passwort: Sie melden sich über einen Anbieter oder mit einem Passkey an. Mit einem Passwort haben Sie einen weiteren Zugang.
account-password-set-submit = Link zum Festlegen eines Passworts per E-Mail senden

account-providers-title = Anmeldeanbieter
account-providers-none = Noch kein Anbieter meldet Sie bei diesem Konto an.
account-providers-caption = Mit diesem Konto verknüpfte Anbieter
account-providers-col-provider = Anbieter
account-providers-col-account = Konto
account-providers-col-linked = Verknüpft
account-providers-col-last-used = Zuletzt verwendet
account-providers-col-action = Aktion
account-providers-unlink = Trennen
account-providers-link = { $provider } verknüpfen

account-mfa-title = Zwei-Faktor-Authentifizierung
account-mfa-on = an
account-mfa-on-text = Bei der Anmeldung wird nach Ihrem Passwort ein Code aus Ihrer Authenticator-App abgefragt.
account-mfa-codes-left =
    { $count ->
        [one] { $count } Wiederherstellungscode übrig.
       *[other] { $count } Wiederherstellungscodes übrig.
    }
account-mfa-codes-low = Erstellen Sie neue, bevor sie Ihnen ausgehen.
account-mfa-new-codes = Neue Wiederherstellungscodes
account-mfa-remove-password = Ihr Passwort, um die Authenticator-App zu entfernen
account-mfa-remove = Authenticator-App entfernen
account-mfa-on-hint = Neue Codes ersetzen die alten, die dann nicht mehr funktionieren. Wenn Sie die App entfernen, wird die Zwei-Faktor-Authentifizierung ausgeschaltet.
account-mfa-off-text = Aus. Mit einer Authenticator-App (etwa Google Authenticator, Aegis oder 1Password) wird bei der Anmeldung zusätzlich ein 6-stelliger Code von Ihrem Telefon abgefragt, sodass ein gestohlenes Passwort nicht ausreicht.
account-mfa-add = Authenticator-App hinzufügen

account-passkeys-title = Ihre Passkeys
account-passkeys-errors-title = Der Passkey wurde nicht hinzugefügt
account-passkeys-intro = Mit einem Passkey melden Sie sich statt mit Ihrem Passwort über die Bildschirmsperre Ihres Geräts oder einen Sicherheitsschlüssel an. Er kann nicht durch Phishing erbeutet werden: Er funktioniert nur auf dieser Website.
account-passkeys-intro-mfa = Mit einem Passkey melden Sie sich statt mit Ihrem Passwort über die Bildschirmsperre Ihres Geräts oder einen Sicherheitsschlüssel an, oder Sie bestätigen damit eine Anmeldung anstelle eines Codes aus Ihrer App. Er kann nicht durch Phishing erbeutet werden: Er funktioniert nur auf dieser Website.
account-passkeys-none = Noch keine Passkeys.
account-passkeys-col-name = Bezeichnung
account-passkeys-col-added = Hinzugefügt
account-passkeys-col-last-used = Zuletzt verwendet
account-passkeys-col-actions = Aktionen
account-passkeys-remove-password = Ihr Passwort, um { $name } zu entfernen
account-passkeys-password-placeholder = Ihr Passwort
account-passkeys-remove = Entfernen
account-passkeys-name = Bezeichnung für den neuen Passkey
account-passkeys-name-hint = Zur Unterscheidung von anderen, etwa „Laptop“ oder „YubiKey“.
account-passkeys-add = Passkey hinzufügen
account-passkeys-needs-js = Zum Hinzufügen eines Passkeys wird JavaScript benötigt: Der Browser erstellt ihn.

account-tokens-title = Persönliche Zugriffstoken
account-tokens-intro-before = Mit einem persönlichen Zugriffstoken kann ein Skript die API in Ihrem Namen aufrufen, nur mit den von Ihnen gewählten Berechtigungen und bis es abläuft oder Sie es widerrufen. Senden Sie es als
account-tokens-intro-after = . Wenn Sie sich überall abmelden oder Ihr Passwort ändern, bleiben Tokens gültig: Widerrufen Sie sie hier.
account-tokens-new-title = Ihr neues Token „{ $name }“.
account-tokens-new-text = Kopieren Sie es jetzt: Es wird nur dieses eine Mal angezeigt, und Sigil speichert nur einen Hash davon.
account-tokens-new-label = Ihr Token
account-tokens-example = Zum Beispiel:
account-tokens-none = Noch keine Tokens.
account-tokens-col-name = Bezeichnung
account-tokens-col-scopes = Berechtigungen
account-tokens-col-expires = Läuft ab
account-tokens-col-last-used = Zuletzt verwendet
account-tokens-col-actions = Aktionen
account-tokens-expired = abgelaufen
account-tokens-revoke-label = { $name } widerrufen
account-tokens-revoke = Widerrufen
account-tokens-create-title = Token erstellen
account-tokens-name = Token-Bezeichnung
account-tokens-name-hint = Wofür es verwendet wird, etwa „Deploy-Skript“ oder „Backup-Cronjob“.
account-tokens-scopes = Berechtigungen
account-tokens-expires = Läuft ab
account-tokens-expires-in-days = in { $days } Tagen
account-tokens-expires-on-date = an einem Datum
account-tokens-expiry-date = Ablaufdatum
account-tokens-create = Token erstellen

account-sessions-title = Aktive Sitzungen
account-sessions-col-device = Gerät
account-sessions-col-address = Adresse
account-sessions-col-signed-in = Angemeldet
account-sessions-col-last-used = Zuletzt verwendet
account-sessions-col-actions = Aktionen
account-sessions-this-browser = dieser Browser
account-sessions-revoke = Widerrufen
account-sessions-logout-all = Überall abmelden

account-apps-title = Apps mit Zugriff
account-apps-intro = Apps, die Sie mit Ihrem Sigil-Konto anmelden lassen, und was jede davon tun darf. Wenn Sie einer App den Zugriff entziehen, wird sie sofort abgemeldet; beim nächsten Mal fragt sie Sie erneut.
account-apps-none = Keine App hat Zugriff auf Ihr Konto.
account-apps-col-app = Anwendung
account-apps-col-may = Darf
account-apps-col-allowed = Erlaubt
account-apps-col-last-used = Zuletzt verwendet
account-apps-col-signed-in = Angemeldet
account-apps-col-actions = Aktionen
account-apps-not-signed-in = nicht angemeldet
account-apps-sessions =
    { $count ->
        [one] { $count } Sitzung
       *[other] { $count } Sitzungen
    }
account-apps-revoke-label = Zugriff für { $name } widerrufen
account-apps-revoke = Widerrufen

account-activity-section-title = Letzte Sicherheitsaktivitäten
account-activity-older = Ältere Aktivitäten

account-delete-section-title = Konto löschen
account-delete-section-text = Ihr Konto, Ihre Beiträge und Ihre Sitzungen werden endgültig gelöscht.
account-delete-section-link = Mein Konto löschen…

## templates/account/activity.html

account-activity-title = Sicherheitsaktivitäten
account-activity-lead = Jede Anmeldung, Abmeldung und Änderung an der Sicherheit Ihres Kontos, die neuesten zuerst. Kommt Ihnen etwas unbekannt vor? Dann ändern Sie Ihr Passwort und melden Sie sich überall ab, in
account-activity-lead-link = Ihrem Konto

## templates/account/delete.html

account-delete-title = Ihr Konto löschen
account-delete-intro = Damit wird endgültig gelöscht:
account-delete-item-account = Ihr Konto
account-delete-item-posts = jeder Beitrag, den Sie geschrieben haben, öffentlich oder privat,
account-delete-item-sessions = Ihre Sitzungen auf allen Geräten (sie werden abgemeldet),
account-delete-item-mfa = Ihre Authenticator-App und Ihre Wiederherstellungscodes, falls Sie die Zwei-Faktor-Authentifizierung verwenden.
account-delete-hint = Das Sicherheitsprotokoll behält seine Einträge darüber, was mit dem Konto geschehen ist (mit seiner Nummer, nicht mit Ihrem Passwort oder Ihren Codes), wie es für Prüfprotokolle vorgeschrieben ist. Wir senden eine letzte Nachricht an { $email }.
account-delete-password = Ihr Passwort
account-delete-confirm-legend = Bestätigung
account-delete-confirm = Mir ist bewusst, dass mein Konto und meine Beiträge gelöscht werden und nicht wiederhergestellt werden können.
account-delete-submit = Mein Konto löschen
account-delete-keep = Mein Konto behalten
account-rust-error-enter-password = Geben Sie Ihr Passwort ein.
account-rust-error-tick-box = Setzen Sie das Häkchen, um zu bestätigen, dass sich dies nicht rückgängig machen lässt.

## templates/account/mfa_enrol.html

account-enrol-title = Authenticator-App hinzufügen
account-enrol-qr-label = QR-Code: der unter Schritt 2 angezeigte Schlüssel, für Ihre Authenticator-App
account-enrol-step-scan = 1. Diesen QR-Code scannen
account-enrol-scan-text = Öffnen Sie Ihre Authenticator-App (Google Authenticator, Aegis, 1Password, Authy…), wählen Sie, dass Sie ein Konto hinzufügen möchten, und scannen Sie den Code.
account-enrol-step-type = 2. Oder den Schlüssel eingeben
account-enrol-type-text = Wenn Sie nicht scannen können, geben Sie diesen Schlüssel in der App ein (zeitbasiert, 6 Ziffern):
account-enrol-key-label = Schlüssel
account-enrol-copy = Schlüssel kopieren
account-enrol-key-length = Ein Klick markiert den ganzen Schlüssel ({ $count } Zeichen).
account-enrol-on-phone = Auf diesem Telefon?
account-enrol-open-link = Schlüssel in Ihrer Authenticator-App öffnen
account-enrol-step-code = 3. Den Code eingeben, den die App anzeigt
account-enrol-code = 6-stelliger Code
account-enrol-submit = Zwei-Faktor-Authentifizierung einschalten
account-enrol-hint = Die Zwei-Faktor-Authentifizierung bleibt ausgeschaltet, bis hier ein Code aus der App bestätigt wird.

## templates/account/recovery_codes.html

account-codes-shown-title = Ihre Wiederherstellungscodes wurden bereits angezeigt
account-codes-shown-text = Zu Ihrer Sicherheit werden neue Wiederherstellungscodes nur in den zehn Minuten nach ihrer Erstellung angezeigt, und Sigil speichert sie nur in einer unkenntlich gemachten Form, die sich nicht erneut anzeigen lässt.
account-codes-shown-next = Wenn Sie sie gespeichert haben, ist nichts weiter zu tun. Wenn nicht, erstellen Sie neue: Die alten funktionieren dann nicht mehr.
account-codes-make-new = Neue Wiederherstellungscodes erstellen
account-codes-back = Zurück zu meinem Konto
account-codes-title = Ihre Wiederherstellungscodes
account-codes-intro = Wenn Sie Ihr Telefon verlieren, meldet Sie jeder dieser Codes einmal an, anstelle eines Codes aus der App.
account-codes-only-once = Sie werden nur dieses eine Mal angezeigt:
account-codes-save = Speichern Sie sie jetzt, an einem anderen Ort als Ihr Telefon.
account-codes-download = Als Textdatei herunterladen
account-codes-saved = Ich habe sie gespeichert: zurück zu meinem Konto
# The headline over the codes (src/routes/web/account/mfa.rs), shown through tr().
account-rust-codes-headline-on = Die Zwei-Faktor-Authentifizierung ist eingeschaltet. Ab jetzt wird bei der Anmeldung ein Code aus Ihrer App abgefragt.
account-rust-codes-headline-new = Neue Wiederherstellungscodes. Die alten funktionieren nicht mehr.
account-rust-codes-bad-download = Das sind keine Wiederherstellungscodes: Erstellen Sie auf Ihrer Kontoseite neue.

## src/routes/web/account/mfa.rs: the downloaded recovery codes file.
account-codes-file-title = Sigil-Wiederherstellungscodes für { $username }
account-codes-file-saved = Gespeichert am { $when }
account-codes-file-each = Jeder Code meldet Sie einmal an, anstelle eines Codes aus Ihrer Authenticator-App.
account-codes-file-keep = Bewahren Sie sie an einem sicheren Ort auf, getrennt von Ihrem Smartphone.
