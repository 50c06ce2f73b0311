## Shared by the consent and device pages.

oauth-signed-in-as = Angemeldet als
oauth-you-are-signed-in-as = Sie sind angemeldet als
oauth-not-you = Nicht Sie? Mit einem anderen Konto anmelden
oauth-asks-to = { $client } möchte:
oauth-admin-warning = Dies umfasst Administratorzugriff: { $client } könnte in den Konten anderer Personen handeln, solange Sie Administrator sind. Erlauben Sie das nur, wenn Sie dieser Anwendung vertrauen.
oauth-allow = Zulassen
oauth-deny = Ablehnen
oauth-take-back = Sie können diesen Zugriff jederzeit auf Ihrer Kontoseite unter „Apps mit Zugriff“ widerrufen.
oauth-continue = Weiter

## What each scope lets an app do (src/auth/scopes.rs in_words and Scope::description, shown
## through tr() on the consent and device pages).

oauth-scope-openid = Sie mit Ihrem Sigil-Konto anmelden
oauth-scope-profile = Ihren Benutzernamen sehen
oauth-scope-email = Ihre E-Mail-Adresse sehen und ob sie bestätigt ist
oauth-scope-offline-access = Verbunden bleiben, während Sie die App nicht verwenden
oauth-scope-profile-read = Ihr Profil lesen (GET /api/users/me)
oauth-scope-posts-read = Beiträge lesen, auch Ihre privaten
oauth-scope-posts-write = Ihre Beiträge schreiben, bearbeiten und löschen (und lesen)
oauth-scope-sessions-read = Ihre Sitzungen und die Aktivität Ihres Kontos auflisten
oauth-scope-admin-read = Benutzer und Ereignisse lesen, solange Sie Administrator sind
oauth-scope-admin-write = Benutzer deaktivieren, aktivieren, abmelden und ihnen Links zum Zurücksetzen senden; ihre Tokens widerrufen; ihre fehlgeschlagenen Anmeldungen zurücksetzen

## templates/oauth/consent.html

oauth-consent-title = { $client } Zugriff auf Ihr Konto erlauben?
# Between the username and the host the browser goes back to, both in bold.
oauth-consent-go-back = . Nach Ihrer Antwort geht es zurück zu
oauth-scope-new = neu

## templates/oauth/continue.html

oauth-continue-title = Weiter zu { $client }
oauth-continue-intro = Sigil leitet Sie weiter, damit Sie sich bei { $client } anmelden können.

## templates/oauth/logout.html

oauth-logout-title = Von Sigil abmelden?
oauth-logout-client-asks = { $client } möchte Sie von Sigil abmelden.
oauth-logout-app-asks = Eine App möchte Sie von Sigil abmelden.
# Follows the username in bold.
oauth-logout-apps-keep = . Apps, denen Sie eine dauerhafte Verbindung erlaubt haben, behalten ihren Zugriff.
oauth-logout-sign-out = Abmelden
oauth-stay-signed-in = Angemeldet bleiben

## templates/oauth/switch.html

oauth-switch-title = { $client } fragt nach einem anderen Konto
# Follows the username in bold.
oauth-switch-intro = , aber { $client } möchte, dass sich jemand anderes anmeldet. Melden Sie sich ab und dann mit dem Konto an, das { $client } erwartet.
oauth-switch-button = Abmelden und erneut anmelden
oauth-switch-stay = Als { $username } angemeldet bleiben

## Pages about an authorization request that cannot go on (src/routes/web/oauth.rs and
## src/routes/web/oauth/logout.rs: the error page, shown through tr()).

oauth-error-expired = Diese Anfrage ist abgelaufen. Kehren Sie zur App zurück und versuchen Sie es erneut.
oauth-error-unreadable-parameters = Die Parameter der Anfrage konnten nicht gelesen werden.
oauth-error-unknown-client = Die Anwendung, die Sie hierher geschickt hat, ist bei Sigil nicht registriert.
oauth-error-choose = Wählen Sie „Zulassen“ oder „Ablehnen“.
oauth-error-redirect-not-uri = Die Weiterleitungs-URI ist keine gültige URI.
oauth-error-unreadable = Die Anfrage konnte nicht gelesen werden.
oauth-error-parameter-too-long = Der Parameter { $name } ist zu lang.
oauth-error-parameter-repeated = Der Parameter { $name } kommt mehrfach vor.
oauth-error-foreign-hint = Der id_token_hint der App ist kein von Sigil signiertes id_token, daher wurde niemand abgemeldet.
oauth-error-hint-other-client = Der id_token_hint wurde für eine andere App ausgestellt als die, die client_id nennt, daher wurde niemand abgemeldet.
oauth-error-unregistered-logout-redirect = Die Adresse, zu der die App nach dem Abmelden zurückkehren möchte, ist für sie nicht registriert, daher wurde niemand abgemeldet.
# The authorization request's own checks (src/oidc/authorize.rs).
oauth-error-missing-parameter = Der Anfrage fehlt { $name }: Die Anwendung, die Sie hierher geschickt hat, hat einen Fehler gemacht.
oauth-error-parameter-twice = Die Anfrage nennt { $name } mehr als einmal: Die Anwendung, die Sie hierher geschickt hat, hat einen Fehler gemacht.
oauth-error-parameter-empty = { $name } ist in der Anfrage leer: Die Anwendung, die Sie hierher geschickt hat, hat einen Fehler gemacht.
oauth-error-request-parameter-too-long = { $name } ist in der Anfrage zu lang.
oauth-error-unregistered-redirect = Die Adresse, zu der diese Anfrage Sie zurückschicken würde, ist für diese Anwendung nicht registriert, daher leitet Sigil Sie nicht dorthin weiter.

## templates/device/entry.html

oauth-device-entry-title = Gerät verbinden
oauth-device-entry-intro = Geben Sie den Code ein, den Ihr Fernseher, Ihre Konsole oder Ihre Befehlszeile anzeigt. Bevor etwas erlaubt wird, sehen Sie, welche App anfragt und was sie tun darf.
oauth-device-code = Gerätecode
oauth-device-code-hint = 8 Buchstaben, z. B. BCDF-GHJK
oauth-device-entry-aside = Sie haben das nicht selbst auf Ihrem eigenen Gerät gestartet? Dann schließen Sie diese Seite: Wer Ihnen einen Code schickt, will auf Ihr Konto zugreifen.
# Under the code field (src/oidc/device.rs, src/accounts/device.rs and src/routes/web/device.rs,
# shown through tr()).
oauth-device-malformed = Geben Sie die 8 Buchstaben ein, die Ihr Gerät anzeigt, z. B. BCDF-GHJK (Bindestriche und Leerzeichen spielen keine Rolle).
oauth-device-unknown = Diesen Code hat Sigil nicht ausgegeben. Vergleichen Sie ihn mit dem Code auf Ihrem Gerät.
oauth-device-expired = Dieser Code ist abgelaufen. Beginnen Sie auf Ihrem Gerät neu, um einen neuen zu erhalten.
oauth-device-used = Dieser Code wurde bereits beantwortet. Beginnen Sie auf Ihrem Gerät neu, wenn Sie einen neuen brauchen.
oauth-device-too-many-a-second = Zu viele Versuche aus Ihrem Netzwerk. Warten Sie eine Sekunde und versuchen Sie es dann erneut.
oauth-device-too-many-seconds = Zu viele Versuche aus Ihrem Netzwerk. Warten Sie { $count } Sekunden und versuchen Sie es dann erneut.
oauth-device-too-many-a-minute = Zu viele Versuche aus Ihrem Netzwerk. Warten Sie eine Minute und versuchen Sie es dann erneut.
oauth-device-too-many-minutes = Zu viele Versuche aus Ihrem Netzwerk. Warten Sie { $count } Minuten und versuchen Sie es dann erneut.

## templates/device/confirm.html

oauth-device-confirm-title = { $client } auf Ihrem Gerät erlauben?
oauth-device-code-label = Der Code
oauth-device-warning-strong = Fahren Sie nur fort, wenn dieser Code auf Ihrem Gerät angezeigt wird.
oauth-device-warning = Wenn Ihnen jemand diesen Code geschickt hat oder Sie nicht gerade selbst eine Anmeldung auf einem Gerät gestartet haben, wählen Sie „Ablehnen“: Wer das Gerät hat, käme sonst in Ihr Konto.

## templates/device/answered.html

oauth-device-allowed-title = Sie können zu Ihrem Gerät zurückkehren
oauth-device-allowed = { $client } ist auf Ihrem Gerät angemeldet. Es kann einige Sekunden dauern, bis das Gerät das bemerkt.
# Around a link to the "Apps with access" part of the account page.
oauth-device-not-you-before = Waren Sie das nicht? Entziehen Sie den Zugriff unter
oauth-device-not-you-link = Apps mit Zugriff
oauth-device-denied-title = Abgelehnt
oauth-device-denied = { $client } wurde nicht zugelassen. Das Gerät erhält nichts, und sein Code funktioniert nicht mehr.
