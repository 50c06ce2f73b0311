# Words the Rust code makes that pages show (titles, flash messages, field and error
# messages), for tr(): each English message is exactly the text the code produces.

## src/accounts/events.rs
msg-events-user-not-id = Der Benutzer muss als Benutzer-ID angegeben werden (eine ganze Zahl).

## src/accounts/federation.rs
msg-provider-cancelled = Sie haben die Anmeldung mit { $provider } abgebrochen.
msg-provider-state = Diese Anmeldung hat zu lange gedauert oder wurde in einem anderen Browser begonnen. Versuchen Sie es erneut.
msg-provider-unreachable = { $provider } ist nicht erreichbar. Versuchen Sie es später erneut.
msg-provider-no-email = Die Anmeldung mit { $provider } ist fehlgeschlagen: { $provider } hat keine E-Mail-Adresse übermittelt, die für ein neues Konto erforderlich ist.
msg-provider-registration-closed = Die Anmeldung mit { $provider } ist fehlgeschlagen: Damit ist kein Konto verknüpft, und diese Website legt auf diesem Weg keine neuen Konten an.
msg-provider-linked-elsewhere = Dieses { $provider }-Konto ist mit einem anderen Sigil-Konto verknüpft.
msg-provider-not-confirmed = { $provider } hat nicht bestätigt, dass Sie es gerade eben waren: Melden Sie sich dort erneut an oder wählen Sie einen anderen Weg.
msg-provider-failed = Die Anmeldung mit { $provider } ist fehlgeschlagen.

## src/accounts/federation/identities.rs
msg-last-sign-in-method = Dies ist der einzige Weg in Ihr Konto: Legen Sie ein Passwort fest oder fügen Sie einen Passkey hinzu, bevor Sie die Verknüpfung aufheben.

## src/accounts/invitations.rs
msg-registration-closed-detail = Die Registrierung ist geschlossen: Konten werden von einem Administrator angelegt.
msg-registration-invitation-detail = Registrierung nur mit Einladung: Registrieren Sie sich über den Link in Ihrer Einladung.
msg-invitation-locale = Wählen Sie en, de oder es.

## src/accounts/mfa.rs
msg-reauth-code-needed = Die Zwei-Faktor-Authentifizierung ist aktiv: Geben Sie den Code aus Ihrer Authenticator-App (oder einen Wiederherstellungscode) ein.

## src/accounts/mfa/codes.rs
msg-totp-wrong-code = Dieser Code ist nicht richtig (oder wurde bereits verwendet): Geben Sie den Code ein, den Ihre Authenticator-App jetzt anzeigt.

## src/accounts/mfa/enrolment.rs
msg-totp-already-on = Es ist bereits eine Authenticator-App aktiv. Entfernen Sie sie, bevor Sie eine weitere hinzufügen.
msg-totp-no-enrolment = Es gibt keine Einrichtung, die bestätigt werden kann: Starten Sie zuerst eine (eine bereits aktive Authenticator-App muss nicht bestätigt werden).
msg-recovery-codes-need-totp = Die Zwei-Faktor-Authentifizierung ist nicht aktiv: Wiederherstellungscodes gibt es nur zusammen mit einer Authenticator-App.

## src/accounts/mfa/owner.rs
msg-owner-proof-needed = Geben Sie Ihr Passwort (oder einen Code aus Ihrer Authenticator-App) ein, um zu bestätigen, dass Sie es sind.
msg-owner-proof-both = Geben Sie entweder das Passwort oder einen Code an, nicht beides.

## src/accounts/passkeys.rs
msg-passkeys-too-many = Ein Konto kann höchstens 20 Passkeys haben: Entfernen Sie zuerst einen.
msg-passkeys-unavailable = Passkeys sind hier nicht verfügbar: PUBLIC_URL muss einen Hostnamen nennen (keine IP-Adresse), z. B. http://localhost:8080 in der Entwicklung.
msg-passkey-already-registered = Dieser Passkey ist bereits registriert.

## src/accounts/passkeys/reauth.rs
msg-reauth-no-passkey = Dieses Konto hat keinen Passkey: Bestätigen Sie mit dem Passwort.

## src/accounts/passkeys/sign_in.rs
msg-second-step-no-passkey = Dieses Konto hat keinen Passkey: Verwenden Sie stattdessen einen Code.

## src/accounts/password.rs
msg-wrong-password = Das Passwort ist falsch.
msg-wrong-current-password = Das aktuelle Passwort ist falsch.

## src/accounts/pats.rs
msg-field-required = Dieses Feld ist erforderlich.
msg-must-be-string = Muss eine Zeichenkette sein.
msg-pat-admin-scopes = admin:read und admin:write sind Administratoren vorbehalten.
msg-pat-days = Muss eine ganze Zahl von Tagen zwischen 1 und { $max } sein.
msg-pat-scopes-array = Muss eine Liste von Scope-Namen sein.
msg-pat-too-many = Sie haben 50 aktive persönliche Zugriffstoken: Widerrufen Sie zuerst eines, das Sie nicht mehr verwenden.

## src/accounts/refusal.rs
msg-wrong-credentials = Benutzername oder Passwort ist falsch.
msg-account-disabled = Dieses Konto wurde deaktiviert. Wenden Sie sich an einen Administrator.
msg-email-not-verified = Bestätigen Sie zuerst Ihre E-Mail-Adresse: Wir haben einen neuen Link an diese Adresse gesendet.
msg-mfa-expired = Ihre Anmeldung ist abgelaufen oder wurde bereits verwendet (sie gilt fünf Minuten): Melden Sie sich erneut an.
msg-code-fifth-wrong = Dieser Code ist nicht richtig, und es war der fünfte falsche: Melden Sie sich erneut an.
msg-code-wrong-one-left = Dieser Code ist nicht richtig (oder wurde bereits verwendet). Noch 1 Versuch, dann müssen Sie sich erneut anmelden.
msg-code-wrong-tries-left = Dieser Code ist nicht richtig (oder wurde bereits verwendet). Noch { $tries } Versuche, dann müssen Sie sich erneut anmelden.
msg-passkey-fifth-failed = Der Passkey wurde nicht akzeptiert, und das war der fünfte fehlgeschlagene Versuch: Melden Sie sich erneut an.
msg-account-delayed-second = Zu viele fehlgeschlagene Anmeldeversuche bei diesem Konto. Warten Sie eine Sekunde und versuchen Sie es dann erneut, melden Sie sich mit einem Passkey an oder fordern Sie über „Passwort vergessen?“ einen Link zum Zurücksetzen an.
msg-account-delayed-seconds = Zu viele fehlgeschlagene Anmeldeversuche bei diesem Konto. Warten Sie { $seconds } Sekunden und versuchen Sie es dann erneut, melden Sie sich mit einem Passkey an oder fordern Sie über „Passwort vergessen?“ einen Link zum Zurücksetzen an.
msg-account-delayed-minute = Zu viele fehlgeschlagene Anmeldeversuche bei diesem Konto. Warten Sie eine Minute und versuchen Sie es dann erneut, melden Sie sich mit einem Passkey an oder fordern Sie über „Passwort vergessen?“ einen Link zum Zurücksetzen an.
msg-account-delayed-minutes = Zu viele fehlgeschlagene Anmeldeversuche bei diesem Konto. Warten Sie { $minutes } Minuten und versuchen Sie es dann erneut, melden Sie sich mit einem Passkey an oder fordern Sie über „Passwort vergessen?“ einen Link zum Zurücksetzen an.
msg-passkey-no-ceremony = Diese Passkey-Anfrage ist abgelaufen oder wurde bereits verwendet: Fordern Sie neue Optionen an und versuchen Sie es erneut.
msg-passkey-unknown = Dieser Passkey ist hier nicht registriert.
msg-passkey-not-accepted = Der Passkey wurde nicht akzeptiert: { $why }.
msg-passkey-not-accepted-origin = Der Passkey wurde nicht akzeptiert: Der Ursprung ist nicht der dieser Website.
msg-passkey-not-accepted-rp-id = Der Passkey wurde nicht akzeptiert: Er wurde für eine andere vertrauende Partei (RP ID) erstellt.
msg-passkey-not-accepted-not-verified = Der Passkey wurde nicht akzeptiert: Der Authentifikator hat den Benutzer nicht verifiziert.
msg-passkey-not-accepted-not-present = Der Passkey wurde nicht akzeptiert: Der Authentifikator hat die Anwesenheit des Benutzers nicht festgestellt.
msg-passkey-not-accepted-signature = Der Passkey wurde nicht akzeptiert: Die Signatur lässt sich nicht verifizieren.
msg-passkey-not-accepted-challenge = Der Passkey wurde nicht akzeptiert: Er antwortet auf eine andere Challenge.
msg-passkey-not-accepted-client-data = Der Passkey wurde nicht akzeptiert: Die Client-Daten haben den falschen Typ.
msg-passkey-not-accepted-registered = Der Passkey wurde nicht akzeptiert: Dieser Passkey ist bereits registriert.
msg-passkey-not-accepted-no-handle = Der Passkey wurde nicht akzeptiert: Die Antwort nennt kein User-Handle (kein auffindbarer Passkey).
msg-passkey-counter = Dieser Passkey wurde abgelehnt: Sein Signaturzähler ist zurückgegangen, es könnte also eine Kopie davon existieren. Der Kontoinhaber wurde benachrichtigt.

## src/accounts/search.rs
msg-search-too-long = Der Suchbegriff darf höchstens 100 Zeichen lang sein.

## src/audit.rs
msg-event-kind-unknown = Unbekannte Ereignisart; verwenden Sie eine der folgenden: { $kinds }.

## src/auth/csrf.rs
msg-csrf = Das CSRF-Token fehlt oder passt nicht zu dieser Sitzung. Laden Sie die Seite neu und versuchen Sie es erneut.

## src/auth/scopes.rs
msg-scopes-empty = Wählen Sie mindestens einen Scope: { $scopes }.
msg-scope-unknown = „{ $scope }“ ist kein Scope; verwenden Sie { $scopes }.
msg-scope-oidc = „{ $scope }“ ist ein OpenID-Connect-Scope für Anwendungen, die Benutzer anmelden; ein persönliches Zugriffstoken akzeptiert { $scopes }.

## src/auth/totp.rs
msg-code-format = Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App oder einen Wiederherstellungscode ein.
msg-totp-format = Geben Sie den 6-stelligen Code ein, den Ihre Authenticator-App anzeigt.

## src/config/protection.rs
msg-email-domains = Konten sind auf Adressen bei { $domains } beschränkt.

## src/db/posts.rs
msg-post-not-author = Nur der Autor kann diesen Beitrag ändern.

## src/db/sessions.rs
msg-refresh-unknown = Das Aktualisierungstoken ist unbekannt.
msg-refresh-expired = Das Aktualisierungstoken ist abgelaufen.
msg-refresh-revoked = Die Sitzung des Aktualisierungstokens wurde widerrufen.
msg-refresh-reused = Das Aktualisierungstoken wurde bereits verwendet; seine Sitzung wurde vorsorglich widerrufen.

## src/db/sessions/limits.rs
msg-session-idle = Sitzung wegen Inaktivität abgelaufen
msg-session-max-age = Die Sitzung hat ihre maximale Dauer erreicht; melden Sie sich erneut an

## src/db/users.rs
msg-email-taken = Diese E-Mail-Adresse ist bereits registriert.
msg-username-taken = Dieser Benutzername ist bereits vergeben.

## src/domain/cursor.rs
msg-bad-cursor = Dieser Cursor stammt nicht von diesem Server; beginnen Sie bei der ersten Seite.

## src/domain/page.rs
msg-bad-limit = limit muss eine ganze Zahl von 1 bis 100 sein.

## src/domain/passkeys.rs
msg-passkey-name-blank = Geben Sie dem Passkey einen Namen, um ihn von anderen zu unterscheiden.
msg-name-one-line = Der Name muss aus einer Zeile ohne Steuerzeichen bestehen.
msg-name-max-64 = Der Name darf höchstens 64 Zeichen lang sein.

## src/domain/pats.rs
msg-token-name-blank = Geben Sie dem Token einen Namen, der sagt, wofür es verwendet wird.
msg-name-max-100 = Der Name darf höchstens 100 Zeichen lang sein.

## src/domain/posts.rs
msg-title-blank = Der Titel darf nicht leer sein.
msg-title-one-line = Der Titel muss aus einer Zeile ohne Steuerzeichen bestehen.
msg-title-too-long = Der Titel darf höchstens 200 Zeichen lang sein.
msg-body-blank = Der Text darf nicht leer sein.
msg-body-nul = Der Text darf kein NUL-Zeichen (U+0000) enthalten.
msg-body-too-long = Der Text darf höchstens 20.000 Zeichen lang sein.
msg-visibility = Die Sichtbarkeit muss „public“ oder „private“ sein.

## src/domain/users.rs
msg-username-length = Der Benutzername muss 3 bis 32 Zeichen lang sein.
msg-username-chars = Der Benutzername darf nur Buchstaben, Ziffern, „_“, „.“ und „-“ enthalten.
msg-email-invalid = Geben Sie eine gültige E-Mail-Adresse ein, z. B. name@example.com.
msg-password-max-bytes = Das Passwort darf höchstens 72 Byte lang sein.
msg-password-nul = Das Passwort darf kein NUL-Zeichen enthalten.
msg-password-too-long-chars = Dieses Passwort ist zu lang: Verwenden Sie höchstens 72 Zeichen (Ihres hat { $characters }).
msg-password-too-long-bytes = Dieses Passwort ist zu lang. Die Grenze liegt bei 72 einfachen Buchstaben oder Ziffern; Buchstaben mit Akzent und Symbole zählen jeweils als zwei oder mehr, daher zählen Ihre { $characters } Zeichen als { $bytes }. Kürzen Sie es ein wenig.
msg-role = Die Rolle muss „user“ oder „admin“ sein.

## src/error.rs
msg-unsupported-body = Der Inhalt hat einen Inhaltstyp, den diese Route nicht akzeptiert.
msg-unavailable = Der Dienst ist nicht verfügbar.
msg-auth-required = Eine Anmeldung ist erforderlich.
msg-body-too-large = Der Inhalt der Anfrage ist größer als 128 KiB.
msg-headers-too-large = Die Header der Anfrage sind zu groß.
msg-sign-in-delayed = Zu viele fehlgeschlagene Anmeldeversuche bei diesem Konto: Warten Sie { $seconds } s und versuchen Sie es dann erneut (ein Passkey oder ein Link zum Zurücksetzen funktioniert sofort).
msg-too-many-requests = Zu viele Versuche; versuchen Sie es in { $seconds } s erneut.
msg-status-request-timeout = Zeitüberschreitung der Anfrage.
msg-status-length-required = Längenangabe erforderlich.
msg-status-uri-too-long = URI zu lang.
msg-value-taken = Dieser Wert ist bereits vergeben.

## src/error/fields.rs
msg-body-incomplete = Der Inhalt ist unvollständig.

## src/error/password_reason.rs
msg-password-too-short = Verwenden Sie mindestens 8 Zeichen.
msg-password-too-long = Verwenden Sie höchstens 72 Byte.
msg-password-context = Dieses Passwort ähnelt zu sehr Ihrem Benutzernamen, Ihrer E-Mail-Adresse oder dem Namen dieser Website.
msg-password-common = Dieses Passwort gehört zu den am häufigsten verwendeten; wählen Sie ein anderes.
msg-password-breached = Dieses Passwort ist bei einem Datenleck bekannt geworden; wählen Sie ein anderes.

## src/http/body.rs
msg-form-content-type = Senden Sie das Formular als application/x-www-form-urlencoded.
msg-form-unreadable = Das Formular konnte nicht gelesen werden: { $reason }
msg-invalid-value = Ungültiger Wert: { $reason }.

## src/inspector/encoder.rs
msg-encoder-no-alg = Der Header braucht ein alg, etwa "HS256" oder "RS256".
msg-encoder-alg-unknown = Der Encoder signiert mit HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA oder none, nicht mit { $alg }.
msg-encoder-needs-key-hmac = { $alg } braucht einen Schlüssel: ein HMAC-Secret (Text oder base64url nach base64:).
msg-encoder-needs-key-rsa = { $alg } braucht einen Schlüssel: einen privaten RSA-Schlüssel im PEM-Format (BEGIN PRIVATE KEY oder BEGIN RSA PRIVATE KEY).
msg-encoder-needs-key-ec384 = { $alg } braucht einen Schlüssel: einen privaten EC-P-384-Schlüssel im PEM-Format (BEGIN PRIVATE KEY oder BEGIN EC PRIVATE KEY).
msg-encoder-needs-key-ec256 = { $alg } braucht einen Schlüssel: einen privaten EC-P-256-Schlüssel im PEM-Format (BEGIN PRIVATE KEY oder BEGIN EC PRIVATE KEY).
msg-encoder-needs-key-ed25519 = { $alg } braucht einen Schlüssel: einen privaten Ed25519-Schlüssel im PEM-Format (BEGIN PRIVATE KEY).
msg-encoder-none-key = Mit alg none wird nicht signiert: Lassen Sie den Schlüssel leer.
msg-encoder-cannot-sign-rsa = Mit diesem Schlüssel lässt sich { $alg } nicht signieren: Nötig ist ein privater RSA-Schlüssel im PEM-Format (BEGIN PRIVATE KEY oder BEGIN RSA PRIVATE KEY).
msg-encoder-cannot-sign-ec384 = Mit diesem Schlüssel lässt sich { $alg } nicht signieren: Nötig ist ein privater EC-P-384-Schlüssel im PEM-Format (BEGIN PRIVATE KEY oder BEGIN EC PRIVATE KEY).
msg-encoder-cannot-sign-ec256 = Mit diesem Schlüssel lässt sich { $alg } nicht signieren: Nötig ist ein privater EC-P-256-Schlüssel im PEM-Format (BEGIN PRIVATE KEY oder BEGIN EC PRIVATE KEY).
msg-encoder-cannot-sign-ed25519 = Mit diesem Schlüssel lässt sich { $alg } nicht signieren: Nötig ist ein privater Ed25519-Schlüssel im PEM-Format (BEGIN PRIVATE KEY).
msg-encoder-header-too-large = Der Header ist zu groß (höchstens 65536 Byte).
msg-encoder-payload-too-large = Der Payload ist zu groß (höchstens 65536 Byte).
msg-encoder-header-not-json = Der Header ist kein gültiges JSON: { $error }.
msg-encoder-payload-not-json = Der Payload ist kein gültiges JSON: { $error }.
msg-encoder-hmac-pem = { $alg } braucht ein HMAC-Secret (Text oder base64url nach base64:). Ein PEM-Schlüssel mit einem HMAC-Algorithmus ist genau der Algorithm-Confusion-Angriff.
msg-encoder-base64 = Nach base64: folgt das Secret in base64url; dies ist kein gültiges base64.
msg-encoder-hmac-empty = Das HMAC-Secret ist leer: Nach base64: folgt das Secret.
msg-encoder-wrong-key-rsa = { $alg } braucht einen privaten RSA-Schlüssel im PEM-Format (BEGIN PRIVATE KEY oder BEGIN RSA PRIVATE KEY).
msg-encoder-wrong-key-ec384 = { $alg } braucht einen privaten EC-P-384-Schlüssel im PEM-Format (BEGIN PRIVATE KEY oder BEGIN EC PRIVATE KEY).
msg-encoder-wrong-key-ec256 = { $alg } braucht einen privaten EC-P-256-Schlüssel im PEM-Format (BEGIN PRIVATE KEY oder BEGIN EC PRIVATE KEY).
msg-encoder-wrong-key-ed25519 = { $alg } braucht einen privaten Ed25519-Schlüssel im PEM-Format (BEGIN PRIVATE KEY).

## src/inspector/input.rs
msg-inspector-paste-token = Fügen Sie ein Token ein, um es zu untersuchen.
msg-inspector-token-too-long = Das Token ist zu lang (höchstens 65536 Byte).
msg-inspector-name-too-long = Höchstens 2048 Byte.

## src/inspector/pasted_key.rs
msg-key-too-large = Der Schlüssel ist zu groß ({ $bytes } Byte; höchstens 65536).
msg-key-empty = Der Schlüssel ist leer: Fügen Sie ein Secret, einen öffentlichen PEM-Schlüssel, ein JWK oder ein JWKS ein.
msg-key-base64 = Nach base64: folgt das Secret in base64url (oder base64); dies ist kein gültiges base64.
msg-key-hmac-empty = Das HMAC-Secret ist leer.

## src/inspector/pasted_key/jwk.rs
msg-jwk-unparsable = Der Schlüssel sieht wie JSON aus, lässt sich aber nicht parsen ({ $error }); erwartet wird ein JWK oder ein JWKS.
msg-jwk-expected = Erwartet wird ein JWK (ein Objekt mit kty) oder ein JWKS (ein Objekt mit keys).
msg-jwks-keys-array = Das Feld keys eines JWKS ist eine Liste von JWKs.
msg-jwks-too-many = Das JWKS enthält { $count } Schlüssel; höchstens 100 werden gelesen.
msg-jwks-key-not-object = keys[{ $index }] ist kein JSON-Objekt.
msg-jwks-no-usable-key = Das JWKS enthält keinen RSA-, EC-P-256/P-384-, Ed25519- oder oct-Schlüssel.
msg-jwk-unsupported = Mit diesem kty/crv des JWK verifiziert Sigil nicht; unterstützt werden RSA, EC (P-256, P-384), OKP (Ed25519) und oct.
msg-jwk-member-not-string = { $member } muss eine Zeichenkette sein.
msg-jwk-member-missing = Dem JWK fehlt { $member }.
msg-jwk-member-not-base64url = { $member } ist kein base64url.
msg-jwk-k-empty = k (das Secret) ist leer.
msg-jwk-rsa-positive = n und e müssen positive Zahlen sein.
msg-jwk-ec-size = x und y eines { $curve }-Schlüssels sind jeweils { $size } Byte lang.
msg-jwk-ed25519-size = x eines Ed25519-Schlüssels ist 32 Byte lang.

## src/inspector/pasted_key/pem_key.rs
msg-pem-unparsable = Der PEM-Text lässt sich nicht parsen (prüfen Sie die BEGIN-/END-Zeilen und das base64 dazwischen); erwartet wird ein öffentlicher PEM-Schlüssel (-----BEGIN PUBLIC KEY-----), ein RSA PUBLIC KEY, ein CERTIFICATE oder ein PRIVATE KEY vom Typ RSA, EC P-256/P-384 oder Ed25519.
msg-pem-no-usable-key = Der Block { $block } enthält keinen Schlüssel, den Sigil verwenden kann; erwartet wird ein öffentlicher PEM-Schlüssel (-----BEGIN PUBLIC KEY-----), ein RSA PUBLIC KEY, ein CERTIFICATE oder ein PRIVATE KEY vom Typ RSA, EC P-256/P-384 oder Ed25519.
msg-pem-private-unparsable = Der Block { $block } lässt sich nicht als RSA-, EC-P-256/P-384- oder Ed25519-Schlüssel lesen.
msg-pem-encrypted = Der private Schlüssel ist verschlüsselt: Fügen Sie stattdessen den öffentlichen Schlüssel ein (openssl pkey -in key.pem -pubout).
msg-pem-not-a-key = Ein PEM-Block vom Typ { $block } ist kein Schlüssel; erwartet wird ein öffentlicher PEM-Schlüssel (-----BEGIN PUBLIC KEY-----), ein RSA PUBLIC KEY, ein CERTIFICATE oder ein PRIVATE KEY vom Typ RSA, EC P-256/P-384 oder Ed25519.

## src/oidc/clients.rs
msg-not-null = Darf nicht null sein; lassen Sie das Feld weg, um den Wert beizubehalten.
msg-fixed-at-registration = Bei der Registrierung festgelegt: Dies lässt sich nicht ändern.

## src/oidc/clients/fields.rs
msg-client-id-format = Verwenden Sie 3 bis 64 Zeichen aus A–Z, a–z, 0–9, Punkt, Unterstrich und Bindestrich.
msg-client-name-blank = Geben Sie dem Client einen Namen: Er wird auf der Zustimmungsseite angezeigt.
msg-client-type = Wählen Sie confidential (mit Secret) oder public (native Apps, SPAs, CLIs).
msg-uri-blank = Ein URI darf nicht leer sein.
msg-uri-too-long = Ein URI darf höchstens 2000 Zeichen lang sein.
msg-uri-spaces = Ein URI darf keine Leerzeichen oder Steuerzeichen enthalten.
msg-uri-wildcard = Platzhalter (*) sind nicht erlaubt: Registrieren Sie jeden URI exakt.
msg-uri-fragment = Ein URI darf kein Fragment (#…) haben.
msg-uri-absolute = Muss ein absoluter URI mit Schema sein (https://…).
msg-uri-userinfo = Ein URI darf keinen Benutzernamen und kein Passwort enthalten (userinfo).
msg-uri-http = http ist nur für 127.0.0.1, [::1] oder localhost erlaubt; verwenden Sie https.
msg-uri-private-scheme = Ein Schema zur privaten Nutzung ({ $scheme }:) ist nur für öffentliche Clients erlaubt (RFC 8252).
msg-uri-scheme = Verwenden Sie https, http zu einem Loopback-Host oder (bei einem öffentlichen Client) ein Schema zur privaten Nutzung mit Punkt, etwa com.example.app:/callback.
msg-uris-array = Muss eine Liste von URIs sein.
msg-uris-too-many = Höchstens 20 URIs.
msg-uris-strings = Muss eine Liste von URIs (Zeichenketten) sein.
msg-uri-named-too-long = „{ $uri }“: Ein URI darf höchstens 2000 Zeichen lang sein.
msg-uri-named-spaces = „{ $uri }“: Ein URI darf keine Leerzeichen oder Steuerzeichen enthalten.
msg-uri-named-wildcard = „{ $uri }“: Platzhalter (*) sind nicht erlaubt: Registrieren Sie jeden URI exakt.
msg-uri-named-fragment = „{ $uri }“: Ein URI darf kein Fragment (#…) haben.
msg-uri-named-absolute = „{ $uri }“: Muss ein absoluter URI mit Schema sein (https://…).
msg-uri-named-userinfo = „{ $uri }“: Ein URI darf keinen Benutzernamen und kein Passwort enthalten (userinfo).
msg-uri-named-http = „{ $uri }“: http ist nur für 127.0.0.1, [::1] oder localhost erlaubt; verwenden Sie https.
msg-uri-named-private-scheme = „{ $uri }“: Ein Schema zur privaten Nutzung ({ $scheme }:) ist nur für öffentliche Clients erlaubt (RFC 8252).
msg-uri-named-scheme = „{ $uri }“: Verwenden Sie https, http zu einem Loopback-Host oder (bei einem öffentlichen Client) ein Schema zur privaten Nutzung mit Punkt, etwa com.example.app:/callback.
msg-logout-uri-scheme = Verwenden Sie https (oder in der Entwicklung http zu 127.0.0.1, [::1] oder localhost).
msg-grant-types-array = Muss eine Liste von Grant-Typen sein: { $types }.
msg-grant-type-unknown = „{ $grant }“ ist kein Grant-Typ; verwenden Sie { $types }.
msg-grant-types-empty = Wählen Sie mindestens einen Grant-Typ: { $types }.
msg-client-scope-string = Muss eine durch Leerzeichen getrennte Folge von Scope-Namen sein.

## src/oidc/clients/spec.rs
msg-true-or-false = Muss true oder false sein.
msg-code-grant-needs-redirect = Der Grant authorization_code braucht mindestens einen Weiterleitungs-URI.
msg-grace-hours = Muss eine ganze Zahl von Stunden zwischen 0 und 168 sein.

## src/routes/web/account.rs
msg-password-changed = Passwort geändert. Alle anderen Sitzungen wurden abgemeldet.
msg-this-session-revoked = Diese Sitzung wurde widerrufen; Sie sind abgemeldet.
msg-session-revoked = Sitzung widerrufen.
msg-signed-out-everywhere = Sie wurden überall abgemeldet.
msg-email-change-link-sent = Wir haben einen Link an { $email } gesendet. Ihre Adresse ändert sich, sobald Sie ihm folgen.
msg-verification-resent = Wir haben einen neuen Link an { $email } gesendet.

## src/routes/web/account/apps.rs
msg-app-access-revoked = Zugriff widerrufen: „{ $app }“ ist abgemeldet und wird Sie erneut um Erlaubnis bitten.

## src/routes/web/account/delete.rs
msg-account-deleted = Ihr Konto { $username } wurde mitsamt seinen Beiträgen und Sitzungen gelöscht. Auf Wiedersehen.

## src/routes/web/account/identities.rs
msg-provider-unlinked = Verknüpfung aufgehoben: Über diesen Anbieter ist keine Anmeldung bei diesem Konto mehr möglich.
msg-set-password-link-sent = Wir haben einen Link an { $email } gesendet: Folgen Sie ihm, um Ihr Passwort festzulegen.
msg-set-password-too-many = Wir haben in der letzten Stunde bereits mehrere Links gesendet: Verwenden Sie den neuesten oder versuchen Sie es später erneut.

## src/routes/web/account/mfa.rs
msg-totp-turned-off = Die Zwei-Faktor-Authentifizierung ist deaktiviert: Die Authenticator-App und die Wiederherstellungscodes wurden entfernt.

## src/routes/web/account/tokens.rs
msg-token-revoked = Token widerrufen: Skripte, die es verwenden, erhalten jetzt 401.

## src/routes/web/admin.rs
msg-title-user = Benutzer { $username }

## src/routes/web/admin/actions.rs
msg-admin-user-disabled = Das Konto von { $username } ist deaktiviert: Eine Anmeldung ist nicht mehr möglich, und alle Sitzungen wurden beendet.
msg-admin-user-enabled = Das Konto von { $username } ist aktiviert: Eine Anmeldung ist wieder möglich.
msg-admin-user-signed-out = { $username } wurde überall abgemeldet.
msg-admin-reset-link-sent = Ein Link zum Zurücksetzen des Passworts ist an die E-Mail-Adresse des Benutzers unterwegs.
msg-admin-failures-cleared = Fehlgeschlagene Anmeldungen zurückgesetzt: Die nächste Anmeldung muss nicht warten.
msg-admin-now-admin = { $username } ist jetzt Administrator.
msg-admin-now-user = { $username } ist jetzt normaler Benutzer (kein Administrator).
msg-admin-account-deleted = Das Konto { $username } wurde gelöscht; seine Sicherheitsereignisse bleiben erhalten.

## src/routes/web/admin/clients.rs
msg-title-client = OAuth-Client { $name }
msg-client-saved = Client „{ $name }“ gespeichert.
msg-client-deleted = Client { $client } gelöscht; seine Sitzungen wurden beendet.

## src/routes/web/admin/invitations.rs
msg-invitation-sent =
    { $days ->
        [one] Einladung an { $email } gesendet. Der Link funktioniert einmal, einen Tag lang.
       *[other] Einladung an { $email } gesendet. Der Link funktioniert einmal, { $days } Tage lang.
    }
msg-invitation-revoked = Die Einladung an { $email } wurde widerrufen.

## src/routes/web/auth.rs
msg-welcome-back = Willkommen zurück, { $username }.
msg-change-your-password = Passwort ändern
msg-password-flagged = Ihr Passwort steht inzwischen auf einer Liste häufig verwendeter oder durch Datenlecks bekannter Passwörter, die Angreifer zuerst ausprobieren. Wählen Sie ein neues.
msg-welcome-ready = Willkommen bei Sigil, { $username }! Ihr Konto ist bereit.
msg-welcome-confirm = Willkommen bei Sigil, { $username }! Bestätigen Sie Ihre Adresse über den Link, den wir an { $email } gesendet haben, und melden Sie sich dann an.
msg-welcome-ready-link-sent = Willkommen bei Sigil, { $username }! Ihr Konto ist bereit. Wir haben einen Link an { $email } gesendet, um Ihre Adresse zu bestätigen.
msg-signed-out = Sie wurden abgemeldet.
msg-no-refresh-cookie = Es gibt kein Aktualisierungs-Cookie; melden Sie sich erneut an.

## src/routes/web/auth/provider.rs
msg-provider-linked = Ihr { $provider }-Konto ist verknüpft: Sie können sich jetzt damit anmelden.
msg-confirmed-its-you = Bestätigt: Sie sind es.
msg-welcome-confirm-provider = Willkommen bei Sigil, { $username }! Bestätigen Sie Ihre Adresse über den Link, den wir an { $email } gesendet haben, und melden Sie sich dann mit { $provider } an.
msg-provider-cannot-confirm = { $provider } kann keine aktuelle Anmeldung bestätigen: Verwenden Sie Ihr Passwort oder einen Passkey.

## src/routes/web/auth/recovery.rs
msg-password-reset-done = Ihr Passwort wurde geändert. Melden Sie sich damit an.

## src/routes/web/device.rs
msg-title-allow-device = Dieses Gerät zulassen?
msg-title-device-allowed = Gerät zugelassen

## src/routes/web/locale.rs
msg-locale-unknown = { $locale } ist keine Sprache, die Sigil spricht: Wählen Sie en, de oder es.

## src/routes/web/oauth.rs
msg-title-another-account = Anderes Konto
msg-title-allow-access = Zugriff erlauben?

## src/routes/web/oauth/logout.rs
msg-you-are-signed-out = Sie sind abgemeldet.

## src/routes/web/posts.rs
msg-post-created = Beitrag erstellt.
msg-post-updated = Beitrag aktualisiert.
msg-post-deleted = Beitrag gelöscht.

## src/routes/web/recent.rs
msg-admin-pages-only = Diese Seiten sind Administratoren vorbehalten.
msg-confirmed-email-link-sent = Bestätigt: Sie sind es. Wir haben einen Link an { $email } gesendet. Ihre Adresse ändert sich, sobald Sie ihm folgen.
msg-confirmed-send-again = Bestätigt: Sie sind es. Senden Sie das Formular jetzt erneut.
