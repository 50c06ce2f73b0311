## Shared by the admin pages: the navigation, table headings, badges and roles.

admin-nav-users = Benutzer
admin-nav-events = Sicherheitsereignisse
admin-nav-invitations = Einladungen
admin-nav-clients = OAuth-Clients
admin-next-page = Nächste Seite →
admin-col-id = ID
admin-col-username = Benutzername
admin-col-email = E-Mail-Adresse
admin-col-role = Rolle
admin-col-state = Status
admin-col-created = Erstellt
admin-col-device = Gerät
admin-col-address = Adresse
admin-col-signed-in = Angemeldet
admin-col-last-used = Zuletzt verwendet
admin-col-name = Bezeichnung
admin-col-scopes = Berechtigungen
admin-col-expires = Läuft ab
admin-col-invited-by = Eingeladen von
admin-col-sent = Gesendet
admin-col-action = Aktion
admin-col-client = Anwendung
admin-col-type = Typ
admin-badge-admin = Admin
admin-badge-disabled = deaktiviert
admin-role-admin = Administrator
admin-role-user = Benutzer
# Why an action was refused (src/accounts and src/oidc/clients, shown above the forms through tr()).
admin-refusal-last-admin = Dies ist der letzte aktive Administrator: Machen Sie zuerst einen anderen Benutzer zum Administrator, sonst hätte Sigil keinen mehr.
admin-refusal-has-account = Für diese Adresse gibt es bereits ein Konto.
admin-refusal-client-id-taken = Diese client_id ist bereits registriert; wählen Sie eine andere oder lassen Sie das Feld leer.
admin-refusal-public-no-secret = Ein öffentlicher Client hat kein Geheimnis, das erneuert werden könnte: Er authentifiziert sich nur mit PKCE.

## templates/admin/users.html

admin-users-query = Benutzer nach Benutzername oder E-Mail-Adresse suchen
admin-users-query-hint = Teil eines Namens oder einer Adresse; leer lassen, um alle anzuzeigen.
admin-users-search = Suchen
admin-users-none = Keine passenden Benutzer.
admin-users-fix-search = Korrigieren Sie die Suche, um Benutzer zu sehen.
admin-role-user-short = Benutzer
admin-state-active-short = Aktiv

## templates/admin/user.html

admin-user-profile = Profil
admin-user-you = Sie
admin-user-email-confirmed = bestätigt
admin-user-email-not-confirmed = nicht bestätigt
admin-user-state-disabled = Deaktiviert
admin-user-state-disabled-after = : kann sich nicht anmelden
admin-user-state-active = Aktiv
admin-user-second-factor = Zweiter Faktor
admin-user-second-factor-none = Keiner
# The second factor as src/routes/web/admin.rs names it (shown through tr()).
admin-user-second-factor-totp = Authenticator-App (TOTP)
admin-user-failures = Fehlgeschlagene Anmeldungen
# Followed by the time of the last failed sign-in.
admin-user-failures-count = { $count } in Folge, zuletzt
# $wait: one of the admin-wait-* texts below, already translated.
admin-user-failures-wait = ; Anmeldungen müssen noch { $wait } warten
admin-user-failures-none = Keine
# How long a wait still lasts (src/accounts/throttle.rs wait_in_words, shown through tr()).
admin-wait-a-second = eine Sekunde
admin-wait-seconds = { $count } Sekunden
admin-wait-a-minute = eine Minute
admin-wait-minutes = { $count } Minuten
admin-user-actions = Aktionen
admin-user-enable = Konto aktivieren
admin-user-enable-hint = Die Person kann sich wieder mit ihrem Passwort anmelden.
admin-user-disable = Konto deaktivieren
admin-user-disable-hint = Die Person kann sich nicht mehr anmelden, und alle ihre Sitzungen enden sofort.
admin-user-logout-all = Überall abmelden
admin-user-logout-all-hint = Beendet alle Sitzungen; die Person kann sich erneut anmelden.
admin-user-reset = Link zum Zurücksetzen des Passworts senden
admin-user-reset-hint = Geht per E-Mail an { $email }; Sie sehen oder setzen das Passwort nie.
admin-user-clear-failures = Fehlgeschlagene Anmeldungen zurücksetzen
admin-user-clear-failures-hint = Setzt den Zähler zurück und beendet jede Wartezeit vor der nächsten Anmeldung.
admin-user-change-role = Rolle ändern
admin-user-sessions = Aktive Sitzungen
admin-user-sessions-none = Keine aktiven Sitzungen.
admin-user-tokens = Persönliche Zugriffstokens
admin-user-tokens-none = Keine persönlichen Zugriffstokens.
admin-user-token-expired = abgelaufen
# Around <code>DELETE /api/admin/users/…/tokens</code> and <code>…/tokens/<id></code>.
admin-user-tokens-revoke-before = Widerrufen Sie sie mit
admin-user-tokens-revoke-all = (alle) oder
admin-user-tokens-revoke-after = (einzeln); beim Deaktivieren des Kontos werden alle widerrufen.
admin-user-events = Letzte Sicherheitsereignisse
admin-user-all-events = Alle Ereignisse von { $username }
admin-user-delete = Konto löschen
admin-user-delete-intro = Löscht { $username } samt Beiträgen und Sitzungen. Die Sicherheitsereignisse bleiben erhalten. Dies kann nicht rückgängig gemacht werden.
admin-user-delete-confirm = Geben Sie zur Bestätigung den Benutzernamen ein
admin-user-delete-button = { $username } löschen
# The delete form's error (src/routes/web/admin/actions.rs, shown through tr()).
admin-user-delete-mismatch = Geben Sie den Benutzernamen { $username } ein, um dieses Konto zu löschen.

## templates/admin/events.html

admin-events-user = Benutzer
admin-events-user-hint = Ein Benutzername oder eine Benutzer-ID; leer für alle Konten.
admin-events-kind = Art
admin-events-any-kind = Alle Arten
admin-events-filter = Filtern
admin-events-fix-filter = Korrigieren Sie den Filter, um Ereignisse zu sehen.
admin-events-none-match = Keine Sicherheitsereignisse entsprechen diesem Filter.
admin-events-older = Ältere Ereignisse →
# The user field's error (src/routes/web/admin.rs, shown through tr()).
admin-events-unknown-user = Es gibt kein Konto namens „{ $name }“: Geben Sie einen Benutzernamen oder eine Benutzer-ID an.

## templates/admin/invitations.html

admin-invite-title = Jemanden einladen
# Followed by the registration mode in bold: admin-registration-*.
admin-invite-registration-is = Registrierungsmodus:
admin-registration-open = offen
admin-registration-invite = nur mit Einladung
admin-registration-closed = geschlossen
# Follows the registration mode.
admin-invite-intro = . Eine Einladung verschickt per E-Mail einen Link, der einmal und { $days ->
        [one] einen Tag
       *[other] { $days } Tage
    } lang gilt, und legt für die eingeladene Adresse ein bereits bestätigtes Konto an. Eine erneute Einladung an dieselbe Adresse ersetzt die ausstehende.
admin-invite-closed = Die Registrierung ist geschlossen (REGISTRATION=closed): Einladungen können weder gesendet noch verwendet werden.
admin-invite-email = E-Mail-Adresse
admin-invite-locale = Sprache der Einladung
admin-invite-locale-default = Standard
admin-invite-send = Einladung senden
admin-invite-pending = Ausstehende Einladungen
admin-invite-none = Keine ausstehenden Einladungen.
admin-invite-deleted-account = (gelöschtes Konto)
admin-invite-revoke-label = Einladung an { $email } widerrufen
admin-invite-revoke = Widerrufen

## templates/admin/clients.html and templates/admin/client_fields.html

admin-clients-registered = Registrierte Clients
admin-clients-none = Es ist noch kein Client registriert.
admin-client-first-party-badge = eigene App
# The client types as words; the protocol values stay "confidential" and "public".
admin-client-type-confidential = vertraulich
admin-client-type-public = öffentlich
admin-clients-register-title = Client registrieren
admin-clients-register-intro = Eine Anwendung, die ihre Benutzer über Sigil anmeldet. Ein vertraulicher Client (eine serverseitige Anwendung) erhält ein Geheimnis, das einmal angezeigt wird; ein öffentlicher Client (eine native App, eine Single-Page-App, ein Befehlszeilenprogramm) hat keines und verwendet nur PKCE.
admin-client-name = Anzeigename
admin-client-name-hint = Wird auf der Zustimmungsseite angezeigt.
admin-clients-id-optional = Client-ID (optional)
admin-clients-id-hint = 3 bis 64 Zeichen aus A–Z, a–z, 0–9, Punkt, Unterstrich und Bindestrich; wird erzeugt, wenn das Feld leer bleibt. Sie lässt sich später nicht ändern.
admin-clients-type-confidential = Vertraulich (mit Geheimnis)
admin-clients-type-public = Öffentlich (native App, Single-Page-App, Befehlszeile)
admin-clients-register = Client registrieren
admin-client-redirect-uris = Weiterleitungs-URIs
admin-client-redirect-uris-hint = Eine pro Zeile, höchstens 20: https, oder http zu 127.0.0.1, [::1] oder localhost; ein öffentlicher Client darf ein privates Schema wie com.example.app:/callback verwenden. Erforderlich für den Autorisierungscode-Grant.
admin-client-post-logout-uris = Weiterleitungs-URIs nach dem Abmelden
admin-client-post-logout-uris-hint = Eine pro Zeile; es gelten dieselben Regeln.
admin-client-backchannel-optional = Back-Channel-Logout-URI (optional)
admin-client-grant-types = Grant-Typen
admin-client-grant-authorization-code = Autorisierungscode
admin-client-grant-refresh-token = Aktualisierungstoken
admin-client-grant-device-code = Gerätecode (Fernseher, Befehlszeilenprogramme)
admin-client-scope = Berechtigungen (Scope)
admin-client-scope-hint = Durch Leerzeichen getrennt: openid, profile, email, offline_access, profile:read, posts:read, posts:write, sessions:read, admin:read, admin:write.
admin-client-first-party = Eigene App: Zustimmungsseite überspringen (nie die Gerätebestätigung)

## templates/admin/client.html

# What was just done, above the page (src/routes/web/admin/clients.rs, shown through tr()).
admin-client-registered = Client „{ $name }“ registriert.
admin-client-rotated-now = Neues Geheimnis erstellt; das bisherige funktioniert nicht mehr.
admin-client-rotated-grace = Neues Geheimnis erstellt; das bisherige funktioniert noch { $hours ->
        [one] eine Stunde
       *[other] { $hours } Stunden
    }.
admin-client-secret-title = Client-Geheimnis
admin-client-secret-copy = Kopieren Sie das Geheimnis jetzt:
admin-client-secret-copy-after = Es wird nur dieses eine Mal angezeigt, und Sigil speichert nur einen Hash davon.
admin-client-secret-of = Geheimnis von { $id }
admin-client-details = Angaben
admin-client-id = Client-ID
admin-client-confidential-detail = Vertraulich: hat ein Geheimnis
admin-client-public-detail = Öffentlich: kein Geheimnis, nur PKCE
# No redirect URIs.
admin-client-none = Keine
admin-client-backchannel = Back-Channel-Logout-URI
# No back-channel logout URI.
admin-client-none-single = Keine
admin-client-registered-at = Registriert
admin-client-rotated = Geheimnis erneuert
admin-client-never = Nie
admin-client-live-sessions = Aktive Sitzungen
admin-client-users = Benutzer
admin-client-edit = Bearbeiten
admin-client-edit-intro = Client-ID und Typ lassen sich nicht ändern.
admin-client-save = Änderungen speichern
admin-client-rotate-title = Geheimnis erneuern
admin-client-grace-hours = Stunden, die das aktuelle Geheimnis noch gilt
admin-client-grace-hours-hint = 0 bis 168; 0 beendet es sofort.
admin-client-rotate = Neues Geheimnis erstellen
admin-client-delete-title = Löschen
admin-client-delete = Diesen Client löschen
admin-client-delete-hint = Seine Codes und Zustimmungen werden gelöscht, und { $count ->
        [one] seine aktive Sitzung endet
       *[other] seine { $count } aktiven Sitzungen enden
    } sofort; es werden keine Logout-Tokens gesendet.
