## The token inspector and encoder (templates/token/*.html), and the English the inspector
## builds in Rust, shown through tr(): every message below whose comment names a Rust file
## must say exactly what that code produces.

## templates/token/index.html
token-inspector-title = Token-Inspektor
token-tools = Token-Werkzeuge
token-tab-decode = Dekodieren
token-tab-encode = Kodieren
token-inspector-lead = Dekodiert jedes JWT. Die eigenen Token von Sigil werden so geprüft, wie Sigil es tut (festgelegter Algorithmus, Signatur, Aussteller und Empfänger, Zeitangaben, Widerruf); Token anderer Aussteller werden mit dem Schlüssel geprüft, den Sie angeben. Nichts Eingefügtes wird gespeichert oder protokolliert.
token-pasted-title = Eingefügtes Token
token-share-link = Link zu diesem Token
token-share-before = Das Token steht nach dem
token-share-after = , das Browser nie an einen Server senden; der Schlüssel kommt nie in den Link. Wer den Link hat, kann das Token lesen und verwenden, solange es gültig ist.
token-inspect-title = Token untersuchen
token-field-token = JWT oder persönliches Zugriffstoken
token-field-key-optional = Schlüssel (optional)
token-field-key-placeholder = Ein Geheimnis, base64:<base64url-Geheimnis>, ein öffentlicher PEM-Schlüssel (-----BEGIN PUBLIC KEY-----), ein JWK {"{"} kty, … {"}"} oder ein JWKS {"{"} keys: […] {"}"}
token-field-key-hint = Zum Prüfen der Signatur eines Tokens eines anderen Ausstellers. Lassen Sie das Feld für die eigenen Token von Sigil leer. Der Schlüssel wird nie gespeichert, protokolliert oder in einen Link gesetzt.
token-field-expected-issuer = Erwarteter Aussteller (optional)
token-field-expected-audience = Erwarteter Empfänger (optional)
token-inspect-submit = Untersuchen
token-own-title = Ihr aktuelles Zugriffstoken
token-own-session = Sitzung
token-own-manage-sessions = Sitzungen verwalten

## templates/token/index.html: one inspected token
token-warnings-label = Warnungen
token-col-name = Name
token-col-meaning = Bedeutung
token-col-value = Wert
token-warnings-count =
    { $count ->
        [one] 1 Warnung
       *[other] { $count } Warnungen
    }
token-info-name = Name
token-info-scopes = Geltungsbereiche
token-expires-at = Läuft ab am
token-info-last-used = Zuletzt verwendet
token-info-never = nie
token-info-manage = Persönliche Zugriffstoken verwalten
token-secret-not-jwt = Kein JWT: Es gibt weder Header noch Payload zum Dekodieren. Wenn Sie angemeldet sind, sehen Sie, ob eines Ihrer eigenen Token aktiv ist; die Token anderer werden nie nachgeschlagen.
token-signature = Signatur
token-signature-verified = verifiziert
token-signature-not-verified = nicht verifiziert
token-signature-with = mit { $algorithm }, Schlüssel-ID
token-revoked = Widerrufen
token-subject = Subjekt
token-subject-none = kein Sigil-Benutzer (wird nur für Token von Sigil mit gültiger Signatur angezeigt)
token-issued-at = Ausgestellt am
token-not-before = Gültig ab
token-raw = Rohes Token
token-header = Header
token-payload = Payload
token-claims = Claims
token-header-parameters = Header-Parameter

## templates/token/encode.html
token-encoder-title = Token-Kodierer
token-encoder-lead = Erstellt ein JWT aus einem Header und einer Payload, signiert mit einem Schlüssel, den Sie mitbringen: für Testdaten und zum Ausprobieren eines anderen Dienstes. Die eigenen Schlüssel von Sigil werden nie verwendet. Nichts wird gespeichert oder protokolliert.
token-encode-form-title = Header, Payload und Schlüssel
token-field-header = Header (JSON)
token-field-header-hint = alg bestimmt die Signatur: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA oder none.
token-field-payload = Payload (JSON)
token-field-payload-hint = iat, nbf und exp sind Unix-Sekunden.
token-field-key = Schlüssel
token-field-signing-key-placeholder = Ein Geheimnis (oder base64:<base64url-Geheimnis>) für HS* oder ein privater PEM-Schlüssel (-----BEGIN PRIVATE KEY-----) für RS*, PS*, ES* und EdDSA
token-field-signing-key-hint = Nur bei alg none leer lassen.
token-encode-submit = Kodieren
token-encoded-title = Kodiertes Token
token-inspect-this = Dieses Token untersuchen
token-inspect-this-before = Der Link enthält nur das Token, nach dem
token-inspect-this-after = : Fügen Sie dort denselben Schlüssel ein, um die Signatur zu prüfen.

## src/routes/web/token/view.rs: what the text is, and the verdict (through tr())
token-kind-access = Zugriffstoken
token-kind-id = ID-Token
token-kind-logout = Logout-Token
token-kind-pat = Persönliches Zugriffstoken
token-kind-client-secret = Client-Geheimnis
token-status-valid = Gültig
token-status-expired = Abgelaufen
token-status-not-yet-valid = Noch nicht gültig
token-status-revoked = Widerrufen
token-status-invalid-signature = Ungültige Signatur
token-status-wrong-algorithm = Falscher Algorithmus
token-status-wrong-issuer-or-audience = Falscher Aussteller oder Empfänger
token-status-unverified = Nicht verifiziert
token-status-malformed = Fehlerhaft
token-none = (keine)
token-not-decoded = (konnte nicht dekodiert werden)
token-revoked-yes = ja
token-revoked-no = nein
token-revoked-session-unknown = Sitzung unbekannt
token-revoked-unchecked-malformed = nicht geprüft: Das Token ist fehlerhaft
token-revoked-unchecked-signature = nicht geprüft: Die Signatur ließ sich mit dem Schlüssel von Sigil nicht verifizieren
token-revoked-unchecked-checks = nicht geprüft: Das Token hat die Prüfungen von Sigil nicht bestanden
token-revoked-unchecked-foreign = nicht geprüft: kein Token von Sigil (nur Sigil weiß, was es widerrufen hat)

## src/routes/web/token/view.rs: amr values in words (a single value, or the pair Sigil issues)
token-amr-pwd = pwd (Passwort)
token-amr-otp = otp (Einmalcode)
token-amr-hwk = hwk (hardwaregebundener Schlüssel (Passkey))
token-amr-swk = swk (softwaregebundener Schlüssel (Passkey))
token-amr-mfa = mfa (mehrere Faktoren)
token-amr-pwd-otp = pwd (Passwort), otp (Einmalcode)

## src/routes/web/token/view.rs: claims that are not registered
token-custom-claim = Eigener Claim
token-custom-claim-meaning = Kein registrierter Claim: Er bedeutet, was immer sein Aussteller festgelegt hat.
token-other-parameter = Anderer Parameter
token-other-parameter-meaning = Kein registrierter Header-Parameter: Prüfer ignorieren ihn, sofern crit ihn nicht nennt.

## src/routes/web/token/glossary.rs: payload claims (label, meaning)
token-claim-iss = Aussteller
token-claim-iss-meaning = Wer das Token ausgestellt hat; ein Prüfer akzeptiert nur Aussteller, denen er vertraut.
token-claim-sub = Subjekt
token-claim-sub-meaning = Um wen es im Token geht, meist eine Benutzer-ID, die beim Aussteller eindeutig ist.
token-claim-aud = Empfänger
token-claim-aud-meaning = Für wen das Token bestimmt ist; ein Dienst muss ein Token ablehnen, dessen Empfänger ihn nicht nennt.
token-claim-exp = Läuft ab
token-claim-exp-meaning = Nach diesem Zeitpunkt (Unix-Sekunden) muss das Token abgelehnt werden.
token-claim-nbf = Gültig ab
token-claim-nbf-meaning = Vor diesem Zeitpunkt (Unix-Sekunden) muss das Token abgelehnt werden.
token-claim-iat = Ausgestellt am
token-claim-iat-meaning = Wann das Token signiert wurde (Unix-Sekunden).
token-claim-jti = Token-ID
token-claim-jti-meaning = Eine eindeutige ID für dieses Token, damit es widerrufen oder bei Wiederverwendung abgelehnt werden kann; die Abmeldung von Sigil widerruft darüber.
token-claim-client-id = Client
token-claim-client-id-meaning = Der OAuth-Client, für den das Token ausgestellt wurde (RFC 9068).
token-claim-scope = Geltungsbereich
token-claim-scope-meaning = Die gewährten Berechtigungen, als durch Leerzeichen getrennte Scope-Namen (RFC 9068).
token-claim-auth-time = Authentifiziert am
token-claim-auth-time-meaning = Wann sich der Benutzer zuletzt tatsächlich angemeldet hat (Unix-Sekunden); beim Erneuern eines Tokens bleibt der Wert erhalten, und heikle Aktionen können verlangen, dass er aktuell ist.
token-claim-acr = Authentifizierungskontext
token-claim-acr-meaning = Wie stark die Anmeldung war, als Stufe oder Richtlinienname, den der Aussteller festlegt.
token-claim-amr = Authentifizierungsmethoden
token-claim-amr-meaning = Wie der Benutzer nachgewiesen hat, wer er ist (RFC 8176): pwd ein Passwort, otp ein Einmalcode, hwk oder swk ein Passkey, mfa mehrere Faktoren.
token-claim-groups = Gruppen
token-claim-groups-meaning = Die Gruppen, zu denen der Benutzer gehört, für die Zugriffsentscheidungen des Ressourcenservers (RFC 9068).
token-claim-roles = Rollen
token-claim-roles-meaning = Die Rollen, die der Benutzer innehat, für die Zugriffsentscheidungen des Ressourcenservers (RFC 9068).
token-claim-entitlements = Berechtigungen
token-claim-entitlements-meaning = Einzelne Rechte oder Ressourcen, auf die der Benutzer Anspruch hat (RFC 9068).
token-claim-act = Akteur
token-claim-act-meaning = Wer nach einem Token-Austausch im Namen des Subjekts handelt, etwa ein Dienst oder ein Administrator, der als der Benutzer auftritt (RFC 8693).
token-claim-may-act = Darf handeln
token-claim-may-act-meaning = Wer über einen Token-Austausch im Namen des Subjekts handeln darf (RFC 8693).
token-claim-azp = Autorisierte Partei
token-claim-azp-meaning = Der Client, für den das ID-Token ausgestellt wurde, wenn er sich vom Empfänger unterscheidet (OpenID Connect).
token-claim-nonce = Nonce
token-claim-nonce-meaning = Der Zufallswert, den der Client beim Start der Anmeldung gesendet hat, um das ID-Token an diese Anfrage zu binden und Wiederholungen zu verhindern.
token-claim-at-hash = Hash des Zugriffstokens
token-claim-at-hash-meaning = Die linke Hälfte eines Hashs des Zugriffstokens, das mit diesem ID-Token ausgestellt wurde, damit der Client prüfen kann, dass beide zusammengehören.
token-claim-c-hash = Code-Hash
token-claim-c-hash-meaning = Die linke Hälfte eines Hashs des Autorisierungscodes, der mit diesem ID-Token ausgestellt wurde, damit der Client prüfen kann, dass beide zusammengehören.
token-claim-sid = Sitzungs-ID
token-claim-sid-meaning = Die Anmeldesitzung des Benutzers beim OpenID-Anbieter, mit der diese Sitzung abgemeldet wird.
token-claim-username = Benutzername
token-claim-username-meaning = Claim von Sigil: der Benutzername zum Zeitpunkt der Ausstellung des Tokens (sub ist die dauerhafte ID).
token-claim-name = Name
token-claim-name-meaning = Der vollständige Name des Benutzers zur Anzeige (Profil-Claim von OpenID Connect).
token-claim-given-name = Vorname
token-claim-given-name-meaning = Der Vorname des Benutzers (Profil-Claim von OpenID Connect).
token-claim-family-name = Nachname
token-claim-family-name-meaning = Der Nachname des Benutzers (Profil-Claim von OpenID Connect).
token-claim-middle-name = Zweiter Vorname
token-claim-middle-name-meaning = Der zweite Vorname des Benutzers (Profil-Claim von OpenID Connect).
token-claim-nickname = Spitzname
token-claim-nickname-meaning = Ein informeller Name, unter dem der Benutzer bekannt ist (Profil-Claim von OpenID Connect).
token-claim-preferred-username = Bevorzugter Benutzername
token-claim-preferred-username-meaning = Der Name, mit dem der Benutzer angesprochen werden möchte; er ist nicht eindeutig und darf nicht als ID verwendet werden.
token-claim-profile = Profilseite
token-claim-profile-meaning = Die URL der Profilseite des Benutzers.
token-claim-picture = Bild
token-claim-picture-meaning = Die URL des Profilbilds des Benutzers.
token-claim-website = Webseite
token-claim-website-meaning = Die URL der Webseite oder des Blogs des Benutzers.
token-claim-email = E-Mail-Adresse
token-claim-email-meaning = Die E-Mail-Adresse des Benutzers, die nicht eindeutig oder beständig genug ist, um als ID zu dienen.
token-claim-email-verified = E-Mail-Adresse bestätigt
token-claim-email-verified-meaning = Ob der Aussteller geprüft hat, dass der Benutzer die E-Mail-Adresse kontrolliert.
token-claim-gender = Geschlecht
token-claim-gender-meaning = Das Geschlecht des Benutzers, wie er es angegeben hat.
token-claim-birthdate = Geburtsdatum
token-claim-birthdate-meaning = Das Geburtsdatum des Benutzers, als YYYY-MM-DD (oder nur YYYY).
token-claim-zoneinfo = Zeitzone
token-claim-zoneinfo-meaning = Die Zeitzone des Benutzers, als Name aus der tz-Datenbank wie Europe/Paris.
token-claim-locale = Gebietsschema
token-claim-locale-meaning = Sprache und Region des Benutzers, als BCP-47-Tag wie en-US.
token-claim-phone-number = Telefonnummer
token-claim-phone-number-meaning = Die Telefonnummer des Benutzers, vorzugsweise im E.164-Format wie +1 555 0100.
token-claim-phone-number-verified = Telefonnummer bestätigt
token-claim-phone-number-verified-meaning = Ob der Aussteller geprüft hat, dass der Benutzer die Telefonnummer kontrolliert.
token-claim-address = Adresse
token-claim-address-meaning = Die Postanschrift des Benutzers, als JSON-Objekt.
token-claim-updated-at = Profil aktualisiert am
token-claim-updated-at-meaning = Wann sich die Profilangaben des Benutzers zuletzt geändert haben (Unix-Sekunden).
token-claim-sid-sigil-meaning = Die Anmeldesitzung von Sigil (Refresh-Familie), zu der das Token gehört; wird die Sitzung gelöscht, werden alle daraus ausgestellten Token widerrufen.

## src/routes/web/token/glossary.rs: header parameters (label, meaning)
token-header-alg = Algorithmus
token-header-alg-meaning = Der Algorithmus, mit dem das Token signiert wurde; ein Prüfer muss den erwarteten Algorithmus festlegen und darf diesem nie einfach vertrauen.
token-header-typ = Typ
token-header-typ-meaning = Der Medientyp des gesamten Tokens, etwa JWT, oder at+jwt für ein Zugriffstoken (RFC 9068).
token-header-kid = Schlüssel-ID
token-header-kid-meaning = Welcher Schlüssel des Ausstellers das Token signiert hat, um ihn aus dessen JWKS auszuwählen.
token-header-cty = Inhaltstyp
token-header-cty-meaning = Der Medientyp der Payload, nur dann auf JWT gesetzt, wenn die Payload selbst ein verschachteltes JWT ist.
token-header-jku = JWK-Set-URL
token-header-jku-meaning = Eine URL des Schlüsselsatzes zum Verifizieren; Schlüssel von einer URL zu holen, die das Token bestimmt, lässt jeden signieren, daher darf ihr nie vertraut werden.
token-header-jwk = Eingebetteter Schlüssel
token-header-jwk-meaning = Ein öffentlicher Schlüssel im Header; ein Token, das seinen eigenen Schlüssel mitbringt, beweist nichts, daher darf ihm nie vertraut werden.
token-header-x5u = Zertifikats-URL
token-header-x5u-meaning = Eine URL der X.509-Zertifikatskette des Signierenden, die nie auf Geheiß des Tokens abgerufen werden darf.
token-header-x5c = Zertifikatskette
token-header-x5c-meaning = Die X.509-Zertifikatskette des Signierenden im Header, die nichts beweist, solange sie nicht gegen eine vertrauenswürdige Stammzertifizierungsstelle geprüft wird.
token-header-x5t = Zertifikatsfingerabdruck
token-header-x5t-meaning = Der SHA-1-Fingerabdruck des X.509-Zertifikats des Signierenden, um den Schlüssel auszuwählen.
token-header-x5t-s256 = Zertifikatsfingerabdruck (SHA-256)
token-header-x5t-s256-meaning = Der SHA-256-Fingerabdruck des X.509-Zertifikats des Signierenden, um den Schlüssel auszuwählen.
token-header-crit = Kritisch
token-header-crit-meaning = Header-Erweiterungen, die der Prüfer verstehen muss, andernfalls muss er das Token ablehnen.

## src/routes/web/token/view.rs: a moment relative to now ("expires in 12 min", "issued 3 days ago")
token-when-expires-in-s = läuft in { $n } Sek. ab
token-when-expires-in-min = läuft in { $n } Min. ab
token-when-expires-in-h = läuft in { $h } Std. { $m } Min. ab
token-when-expires-in-days =
    { $n ->
        [one] läuft in { $n } Tag ab
       *[other] läuft in { $n } Tagen ab
    }
token-when-expires-in-years =
    { $n ->
        [one] läuft in { $n } Jahr ab
       *[other] läuft in { $n } Jahren ab
    }
token-when-used-in-s = verwendet in { $n } Sek.
token-when-used-in-min = verwendet in { $n } Min.
token-when-used-in-h = verwendet in { $h } Std. { $m } Min.
token-when-used-in-days =
    { $n ->
        [one] verwendet in { $n } Tag
       *[other] verwendet in { $n } Tagen
    }
token-when-used-in-years =
    { $n ->
        [one] verwendet in { $n } Jahr
       *[other] verwendet in { $n } Jahren
    }
token-when-issued-in-s = ausgestellt in { $n } Sek.
token-when-issued-in-min = ausgestellt in { $n } Min.
token-when-issued-in-h = ausgestellt in { $h } Std. { $m } Min.
token-when-issued-in-days =
    { $n ->
        [one] ausgestellt in { $n } Tag
       *[other] ausgestellt in { $n } Tagen
    }
token-when-issued-in-years =
    { $n ->
        [one] ausgestellt in { $n } Jahr
       *[other] ausgestellt in { $n } Jahren
    }
token-when-becomes-valid-in-s = wird in { $n } Sek. gültig
token-when-becomes-valid-in-min = wird in { $n } Min. gültig
token-when-becomes-valid-in-h = wird in { $h } Std. { $m } Min. gültig
token-when-becomes-valid-in-days =
    { $n ->
        [one] wird in { $n } Tag gültig
       *[other] wird in { $n } Tagen gültig
    }
token-when-becomes-valid-in-years =
    { $n ->
        [one] wird in { $n } Jahr gültig
       *[other] wird in { $n } Jahren gültig
    }
token-when-expired-s-ago = vor { $n } Sek. abgelaufen
token-when-expired-min-ago = vor { $n } Min. abgelaufen
token-when-expired-h-ago = vor { $h } Std. { $m } Min. abgelaufen
token-when-expired-days-ago =
    { $n ->
        [one] vor { $n } Tag abgelaufen
       *[other] vor { $n } Tagen abgelaufen
    }
token-when-expired-years-ago =
    { $n ->
        [one] vor { $n } Jahr abgelaufen
       *[other] vor { $n } Jahren abgelaufen
    }
token-when-expired-now = gerade abgelaufen
token-when-used-s-ago = vor { $n } Sek. verwendet
token-when-used-min-ago = vor { $n } Min. verwendet
token-when-used-h-ago = vor { $h } Std. { $m } Min. verwendet
token-when-used-days-ago =
    { $n ->
        [one] vor { $n } Tag verwendet
       *[other] vor { $n } Tagen verwendet
    }
token-when-used-years-ago =
    { $n ->
        [one] vor { $n } Jahr verwendet
       *[other] vor { $n } Jahren verwendet
    }
token-when-used-now = gerade verwendet
token-when-issued-s-ago = vor { $n } Sek. ausgestellt
token-when-issued-min-ago = vor { $n } Min. ausgestellt
token-when-issued-h-ago = vor { $h } Std. { $m } Min. ausgestellt
token-when-issued-days-ago =
    { $n ->
        [one] vor { $n } Tag ausgestellt
       *[other] vor { $n } Tagen ausgestellt
    }
token-when-issued-years-ago =
    { $n ->
        [one] vor { $n } Jahr ausgestellt
       *[other] vor { $n } Jahren ausgestellt
    }
token-when-issued-now = gerade ausgestellt
token-when-valid-since-s-ago = gültig seit { $n } Sek.
token-when-valid-since-min-ago = gültig seit { $n } Min.
token-when-valid-since-h-ago = gültig seit { $h } Std. { $m } Min.
token-when-valid-since-days-ago =
    { $n ->
        [one] gültig seit { $n } Tag
       *[other] gültig seit { $n } Tagen
    }
token-when-valid-since-years-ago =
    { $n ->
        [one] gültig seit { $n } Jahr
       *[other] gültig seit { $n } Jahren
    }
token-when-valid-since-now = ab jetzt gültig

## src/routes/web/token/view.rs: a Unix time claim's value, in UTC and relative to now
token-time-value-in-s = { $unix } = { $utc } (in { $n } Sek.)
token-time-value-in-min = { $unix } = { $utc } (in { $n } Min.)
token-time-value-in-h = { $unix } = { $utc } (in { $h } Std. { $m } Min.)
token-time-value-in-days =
    { $n ->
        [one] { $unix } = { $utc } (in { $n } Tag)
       *[other] { $unix } = { $utc } (in { $n } Tagen)
    }
token-time-value-in-years =
    { $n ->
        [one] { $unix } = { $utc } (in { $n } Jahr)
       *[other] { $unix } = { $utc } (in { $n } Jahren)
    }
token-time-value-s-ago = { $unix } = { $utc } (vor { $n } Sek.)
token-time-value-min-ago = { $unix } = { $utc } (vor { $n } Min.)
token-time-value-h-ago = { $unix } = { $utc } (vor { $h } Std. { $m } Min.)
token-time-value-days-ago =
    { $n ->
        [one] { $unix } = { $utc } (vor { $n } Tag)
       *[other] { $unix } = { $utc } (vor { $n } Tagen)
    }
token-time-value-years-ago =
    { $n ->
        [one] { $unix } = { $utc } (vor { $n } Jahr)
       *[other] { $unix } = { $utc } (vor { $n } Jahren)
    }
token-time-value-now = { $unix } = { $utc } (jetzt)

## src/inspector/warnings.rs: warnings (through tr())
token-warning-alg-none = Das Token ist nicht signiert (alg none): Jeder kann eines mit beliebigen Claims schreiben. Ein Server muss es ablehnen: Legen Sie die akzeptierten Algorithmen fest, statt sie aus dem Token zu lesen.
token-warning-embedded-key = Der Header enthält { $headers }: einen Schlüssel oder die Angabe, woher einer zu holen ist. Ein Server darf ein Token nie mit einem Schlüssel prüfen, den das Token mitbringt (ein Angreifer signiert mit seinem eigenen Schlüssel und hängt ihn an); Sigil ignoriert ihn und verwendet nur den Schlüssel, den Sie angeben.
token-warning-crit = Der Header enthält crit: Ein Server muss das Token ablehnen, wenn er nicht jede dort aufgeführte Erweiterung versteht (RFC 7515 §4.1.11). Die meisten Bibliotheken verstehen keine, daher wird das Token abgelehnt werden.
token-warning-sensitive-claim = Die Payload enthält { $claims }, was nach personenbezogenen Daten oder einem Geheimnis aussieht. Ein JWT ist signiert, nicht verschlüsselt: Jeder, der es hat (Logs, Browserspeicher, ein Proxy), kann jeden Claim lesen. Behalten Sie solche Daten auf dem Server und legen Sie eine ID in das Token.
token-warning-private-key = Sie haben einen privaten Schlüssel angegeben; nur sein öffentlicher Teil wurde verwendet. Wer einen privaten Schlüssel besitzt, kann Token signieren: Prüfen Sie mit dem öffentlichen Schlüssel und tauschen Sie diesen aus, falls er je weitergegeben wurde.
token-warning-no-expiry = Das Token hat kein exp: Es ist für immer gültig, sofern nicht jeder Server, der es annimmt, eine Liste widerrufener Token führt. Geben Sie Zugriffstoken eine Gültigkeit von Minuten und verwenden Sie Refresh-Token für lange Sitzungen.
token-warning-long-lifetime-days =
    { $n ->
        [one] Das Token ist { $n } Tag gültig (über 24 Stunden): Eine gestohlene Kopie funktioniert so lange, und Abmelden kann das nicht verhindern, sofern die Server den Widerruf nicht prüfen. Halten Sie Zugriffstoken kurzlebig (Minuten) und erneuern Sie sie mit einem Refresh-Token.
       *[other] Das Token ist { $n } Tage gültig (über 24 Stunden): Eine gestohlene Kopie funktioniert so lange, und Abmelden kann das nicht verhindern, sofern die Server den Widerruf nicht prüfen. Halten Sie Zugriffstoken kurzlebig (Minuten) und erneuern Sie sie mit einem Refresh-Token.
    }
token-warning-long-lifetime-years =
    { $n ->
        [one] Das Token ist { $n } Jahr gültig (über 24 Stunden): Eine gestohlene Kopie funktioniert so lange, und Abmelden kann das nicht verhindern, sofern die Server den Widerruf nicht prüfen. Halten Sie Zugriffstoken kurzlebig (Minuten) und erneuern Sie sie mit einem Refresh-Token.
       *[other] Das Token ist { $n } Jahre gültig (über 24 Stunden): Eine gestohlene Kopie funktioniert so lange, und Abmelden kann das nicht verhindern, sofern die Server den Widerruf nicht prüfen. Halten Sie Zugriffstoken kurzlebig (Minuten) und erneuern Sie sie mit einem Refresh-Token.
    }
token-warning-published-secret-jwtio = Das Token ist mit dem Beispielgeheimnis von jwt.io { $secret } signiert. Dieses Geheimnis ist öffentlich für alle lesbar: Jeder kann damit Token fälschen. Erzeugen Sie ein zufälliges Geheimnis von mindestens 32 Bytes (openssl rand -base64 32), halten Sie es aus dem Quellcode heraus und widerrufen Sie jedes Token, das mit diesem signiert wurde.
token-warning-published-secret-jwtio-not-yours = Das Token ist mit dem Beispielgeheimnis von jwt.io { $secret } signiert (nicht mit dem Schlüssel, den Sie angegeben haben). Dieses Geheimnis ist öffentlich für alle lesbar: Jeder kann damit Token fälschen. Erzeugen Sie ein zufälliges Geheimnis von mindestens 32 Bytes (openssl rand -base64 32), halten Sie es aus dem Quellcode heraus und widerrufen Sie jedes Token, das mit diesem signiert wurde.
token-warning-published-secret-fastapi = Das Token ist mit dem Geheimnis aus dem JWT-Tutorial von FastAPI { $secret } signiert. Dieses Geheimnis ist öffentlich für alle lesbar: Jeder kann damit Token fälschen. Erzeugen Sie ein zufälliges Geheimnis von mindestens 32 Bytes (openssl rand -base64 32), halten Sie es aus dem Quellcode heraus und widerrufen Sie jedes Token, das mit diesem signiert wurde.
token-warning-published-secret-fastapi-not-yours = Das Token ist mit dem Geheimnis aus dem JWT-Tutorial von FastAPI { $secret } signiert (nicht mit dem Schlüssel, den Sie angegeben haben). Dieses Geheimnis ist öffentlich für alle lesbar: Jeder kann damit Token fälschen. Erzeugen Sie ein zufälliges Geheimnis von mindestens 32 Bytes (openssl rand -base64 32), halten Sie es aus dem Quellcode heraus und widerrufen Sie jedes Token, das mit diesem signiert wurde.
token-warning-published-secret-node-jsonwebtoken = Das Token ist mit dem Geheimnis aus der README von node-jsonwebtoken { $secret } signiert. Dieses Geheimnis ist öffentlich für alle lesbar: Jeder kann damit Token fälschen. Erzeugen Sie ein zufälliges Geheimnis von mindestens 32 Bytes (openssl rand -base64 32), halten Sie es aus dem Quellcode heraus und widerrufen Sie jedes Token, das mit diesem signiert wurde.
token-warning-published-secret-node-jsonwebtoken-not-yours = Das Token ist mit dem Geheimnis aus der README von node-jsonwebtoken { $secret } signiert (nicht mit dem Schlüssel, den Sie angegeben haben). Dieses Geheimnis ist öffentlich für alle lesbar: Jeder kann damit Token fälschen. Erzeugen Sie ein zufälliges Geheimnis von mindestens 32 Bytes (openssl rand -base64 32), halten Sie es aus dem Quellcode heraus und widerrufen Sie jedes Token, das mit diesem signiert wurde.
token-warning-published-secret-express-session = Das Token ist mit dem Geheimnis aus der README von express-session { $secret } signiert. Dieses Geheimnis ist öffentlich für alle lesbar: Jeder kann damit Token fälschen. Erzeugen Sie ein zufälliges Geheimnis von mindestens 32 Bytes (openssl rand -base64 32), halten Sie es aus dem Quellcode heraus und widerrufen Sie jedes Token, das mit diesem signiert wurde.
token-warning-published-secret-express-session-not-yours = Das Token ist mit dem Geheimnis aus der README von express-session { $secret } signiert (nicht mit dem Schlüssel, den Sie angegeben haben). Dieses Geheimnis ist öffentlich für alle lesbar: Jeder kann damit Token fälschen. Erzeugen Sie ein zufälliges Geheimnis von mindestens 32 Bytes (openssl rand -base64 32), halten Sie es aus dem Quellcode heraus und widerrufen Sie jedes Token, das mit diesem signiert wurde.
token-warning-published-secret-placeholder = Das Token ist mit dem Platzhalter-Geheimnis { $secret } signiert. Dieses Geheimnis ist öffentlich für alle lesbar: Jeder kann damit Token fälschen. Erzeugen Sie ein zufälliges Geheimnis von mindestens 32 Bytes (openssl rand -base64 32), halten Sie es aus dem Quellcode heraus und widerrufen Sie jedes Token, das mit diesem signiert wurde.
token-warning-published-secret-placeholder-not-yours = Das Token ist mit dem Platzhalter-Geheimnis { $secret } signiert (nicht mit dem Schlüssel, den Sie angegeben haben). Dieses Geheimnis ist öffentlich für alle lesbar: Jeder kann damit Token fälschen. Erzeugen Sie ein zufälliges Geheimnis von mindestens 32 Bytes (openssl rand -base64 32), halten Sie es aus dem Quellcode heraus und widerrufen Sie jedes Token, das mit diesem signiert wurde.
token-warning-published-key-jwtio = Der angegebene Schlüssel ist das Beispielgeheimnis von jwt.io { $secret }, öffentlich für alle lesbar: Die Token eines Servers, der damit signiert, kann jeder fälschen. Verwenden Sie es nie außerhalb eines Tutorials; erzeugen Sie ein zufälliges Geheimnis von mindestens 32 Bytes (openssl rand -base64 32).
token-warning-published-key-fastapi = Der angegebene Schlüssel ist das Geheimnis aus dem JWT-Tutorial von FastAPI { $secret }, öffentlich für alle lesbar: Die Token eines Servers, der damit signiert, kann jeder fälschen. Verwenden Sie es nie außerhalb eines Tutorials; erzeugen Sie ein zufälliges Geheimnis von mindestens 32 Bytes (openssl rand -base64 32).
token-warning-published-key-node-jsonwebtoken = Der angegebene Schlüssel ist das Geheimnis aus der README von node-jsonwebtoken { $secret }, öffentlich für alle lesbar: Die Token eines Servers, der damit signiert, kann jeder fälschen. Verwenden Sie es nie außerhalb eines Tutorials; erzeugen Sie ein zufälliges Geheimnis von mindestens 32 Bytes (openssl rand -base64 32).
token-warning-published-key-express-session = Der angegebene Schlüssel ist das Geheimnis aus der README von express-session { $secret }, öffentlich für alle lesbar: Die Token eines Servers, der damit signiert, kann jeder fälschen. Verwenden Sie es nie außerhalb eines Tutorials; erzeugen Sie ein zufälliges Geheimnis von mindestens 32 Bytes (openssl rand -base64 32).
token-warning-published-key-placeholder = Der angegebene Schlüssel ist ein Platzhalter-Geheimnis { $secret }, öffentlich für alle lesbar: Die Token eines Servers, der damit signiert, kann jeder fälschen. Verwenden Sie es nie außerhalb eines Tutorials; erzeugen Sie ein zufälliges Geheimnis von mindestens 32 Bytes (openssl rand -base64 32).
token-warning-short-secret = Das HMAC-Geheimnis ist nur { $shortest } Byte lang ({ $alg } braucht mindestens { $min }): Ein kurzes Geheimnis lässt sich offline aus einem einzigen Token erraten, und dann kann jeder Token fälschen. Verwenden Sie { $min } oder mehr zufällige Bytes (openssl rand -base64 { $min }).

## src/inspector/input.rs and secrets.rs: the other warnings (through tr())
token-warning-cleaned-header-name = Sigil hat den Namen des Headers entfernt, bevor das Token gelesen wurde: Untersucht wird nur das Token selbst. Senden Sie es auch so (ein Authorization-Header besteht aus „Bearer “ und dem Token, ohne Anführungszeichen).
token-warning-cleaned-bearer = Sigil hat das Präfix „Bearer “ entfernt, bevor das Token gelesen wurde: Untersucht wird nur das Token selbst. Senden Sie es auch so (ein Authorization-Header besteht aus „Bearer “ und dem Token, ohne Anführungszeichen).
token-warning-cleaned-quotes = Sigil hat die Anführungszeichen darum entfernt, bevor das Token gelesen wurde: Untersucht wird nur das Token selbst. Senden Sie es auch so (ein Authorization-Header besteht aus „Bearer “ und dem Token, ohne Anführungszeichen).
token-warning-cleaned-spaces = Sigil hat die Leerzeichen und Zeilenumbrüche darin entfernt, bevor das Token gelesen wurde: Untersucht wird nur das Token selbst. Senden Sie es auch so (ein Authorization-Header besteht aus „Bearer “ und dem Token, ohne Anführungszeichen).
token-warning-cleaned-header-name-bearer = Sigil hat den Namen des Headers und das Präfix „Bearer “ entfernt, bevor das Token gelesen wurde: Untersucht wird nur das Token selbst. Senden Sie es auch so (ein Authorization-Header besteht aus „Bearer “ und dem Token, ohne Anführungszeichen).
token-warning-cleaned-bearer-spaces = Sigil hat das Präfix „Bearer “ und die Leerzeichen und Zeilenumbrüche darin entfernt, bevor das Token gelesen wurde: Untersucht wird nur das Token selbst. Senden Sie es auch so (ein Authorization-Header besteht aus „Bearer “ und dem Token, ohne Anführungszeichen).
token-warning-cleaned-quotes-spaces = Sigil hat die Anführungszeichen darum und die Leerzeichen und Zeilenumbrüche darin entfernt, bevor das Token gelesen wurde: Untersucht wird nur das Token selbst. Senden Sie es auch so (ein Authorization-Header besteht aus „Bearer “ und dem Token, ohne Anführungszeichen).
token-warning-cleaned-bearer-quotes = Sigil hat das Präfix „Bearer “ und die Anführungszeichen darum entfernt, bevor das Token gelesen wurde: Untersucht wird nur das Token selbst. Senden Sie es auch so (ein Authorization-Header besteht aus „Bearer “ und dem Token, ohne Anführungszeichen).
token-warning-cleaned-quotes-bearer = Sigil hat die Anführungszeichen darum und das Präfix „Bearer “ entfernt, bevor das Token gelesen wurde: Untersucht wird nur das Token selbst. Senden Sie es auch so (ein Authorization-Header besteht aus „Bearer “ und dem Token, ohne Anführungszeichen).
token-warning-cleaned-other = Sigil hat vor dem Lesen des Tokens Folgendes entfernt: { $list }. Untersucht wird nur das Token selbst. Senden Sie es auch so (ein Authorization-Header besteht aus „Bearer “ und dem Token, ohne Anführungszeichen).
token-warning-live-credential-pat = Das ist ein persönliches Zugriffstoken: kein JWT zum Dekodieren, sondern ein Zugangsdatum, das so funktioniert, wie es ist. Jeder, der es hat, kann es verwenden. Fügen Sie es nicht in andere Websites ein und geben Sie es nicht weiter; wurde es veröffentlicht (in einem Repository, einem Log, einem Chat), widerrufen Sie es jetzt (das kann jeder, der es hat, unter POST /api/auth/revoke).
token-warning-live-credential-client-secret = Das ist das Geheimnis eines OAuth-Clients: kein JWT zum Dekodieren, sondern ein Zugangsdatum, das so funktioniert, wie es ist. Jeder, der es hat, kann es verwenden. Fügen Sie es nicht in andere Websites ein und geben Sie es nicht weiter; wurde es veröffentlicht (in einem Repository, einem Log, einem Chat), widerrufen Sie es jetzt (das kann jeder, der es hat, unter POST /api/auth/revoke).

## src/inspector/secrets.rs: what a checksummed secret is (the verdict, through tr())
token-secret-unverified-pat = Das ist ein persönliches Zugriffstoken: Die Prüfsumme stimmt, und es wurde nicht nachgeschlagen (nur der angemeldete Inhaber kann sehen, ob es aktiv ist).
token-secret-bad-checksum-pat = Das sieht aus wie ein persönliches Zugriffstoken, aber die Prüfsumme stimmt nicht: Es wurde falsch abgetippt oder abgeschnitten, und Sigil würde es ablehnen, ohne es nachzuschlagen.
token-secret-bad-shape-pat = Das beginnt wie ein persönliches Zugriffstoken, hat nach { $prefix } aber nicht { $count } Base62-Zeichen.
token-secret-unverified-client-secret = Das ist das Geheimnis eines OAuth-Clients: Die Prüfsumme stimmt, und es wurde nicht nachgeschlagen (nur der angemeldete Inhaber kann sehen, ob es aktiv ist).
token-secret-bad-checksum-client-secret = Das sieht aus wie das Geheimnis eines OAuth-Clients, aber die Prüfsumme stimmt nicht: Es wurde falsch abgetippt oder abgeschnitten, und Sigil würde es ablehnen, ohne es nachzuschlagen.
token-secret-bad-shape-client-secret = Das beginnt wie das Geheimnis eines OAuth-Clients, hat nach { $prefix } aber nicht { $count } Base62-Zeichen.
token-secret-own-revoked = Dieses persönliche Zugriffstoken von Ihnen wurde widerrufen.
token-secret-own-expired = Dieses persönliche Zugriffstoken von Ihnen ist abgelaufen.
token-secret-own-live = Das ist eines Ihrer persönlichen Zugriffstoken, und es ist aktiv.

## src/auth/jwt.rs, src/inspector.rs, src/inspector/foreign.rs: why a token fails (the verdict, through tr())
token-error-malformed-segments = Fehlerhaftes Token: Ein JWT hat drei durch Punkte getrennte Segmente.
token-error-malformed-header-base64 = Fehlerhaftes Token: Der Header ist kein gültiges base64url.
token-error-malformed-header-json = Fehlerhaftes Token: Der Header ist kein JSON-Objekt.
token-error-malformed-payload-base64 = Fehlerhaftes Token: Die Payload ist kein gültiges base64url.
token-error-malformed-payload-json = Fehlerhaftes Token: Die Payload ist kein JSON-Objekt.
token-error-malformed-signature-base64 = Fehlerhaftes Token: Die Signatur ist kein gültiges base64url.
token-error-wrong-algorithm = Der Algorithmus { $alg } des Tokens ist nicht der, den dieser Server verwendet.
token-error-no-typ = Das Token hat keinen typ-Header; Zugriffstoken sind at+jwt.
token-error-wrong-typ = Der Typ { $typ } des Tokens ist kein Zugriffstoken (at+jwt).
token-error-crit = Das Token hat einen crit-Header, den dieser Server nicht akzeptiert.
token-error-own-key = Das Token bringt seinen eigenen Schlüssel mit ({ $header }); Schlüsseln in Token wird nie vertraut.
token-error-unknown-key = Das Token nennt einen Signaturschlüssel, den dieser Server nicht kennt.
token-error-no-kid = Das Token nennt seinen Signaturschlüssel nicht (kid).
token-error-bad-signature = Die Signatur des Tokens ist ungültig.
token-error-wrong-issuer = Das Token wurde von jemand anderem ausgestellt (iss).
token-error-wrong-audience = Das Token ist für einen anderen Empfänger bestimmt (aud).
token-error-missing-claim = Das Token hat keinen Claim { $claim }.
token-error-invalid-claim = Der Claim { $claim } des Tokens hat den falschen Typ.
token-error-expired = Das Token ist abgelaufen.
token-error-not-yet-valid = Das Token ist noch nicht gültig (nbf).
token-error-revoked = Das Token wurde widerrufen (Abmeldung, eine widerrufene Sitzung oder eine Passwortänderung).
token-error-user-gone = Der Benutzer des Tokens existiert nicht mehr.
token-error-session-unknown = Sigil kennt die Sitzung dieses Tokens nicht: Sie wurde gelöscht, oder eine andere Installation mit demselben Schlüssel hat das Token ausgestellt.
token-error-user-disabled = Der Benutzer des Tokens wurde deaktiviert.
token-error-no-alg = Der Header des Tokens hat kein alg.
token-error-alg-none = Das Token ist nicht signiert (alg none), also könnte es jeder geschrieben haben: Akzeptieren Sie es nie.
token-error-unsupported-alg = Der Algorithmus { $alg } gehört nicht zu denen, die Sigil prüft (HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384 und EdDSA).
token-error-alg-not-string = Das alg { $alg } des Tokens ist keine Zeichenkette.
token-error-no-key = Es wurde kein Schlüssel angegeben, daher wurde die Signatur nicht geprüft: Geben Sie das Geheimnis, den öffentlichen Schlüssel, das JWK oder das JWKS des Ausstellers an, um sie zu prüfen.
token-error-short-rsa = Der RSA-Schlüssel ist kürzer als 2048 Bit: Solche Schlüssel werden als zu schwach abgelehnt, daher lässt sich damit keine Signatur verifizieren.
token-error-signature-mismatch = Die Signatur passt nicht zum angegebenen Schlüssel: Das Token wurde nach dem Signieren verändert, oder ein anderer Schlüssel hat es signiert.
token-error-jwks-no-kid = Das JWKS hat keinen Schlüssel mit kid { $kid } (es hat { $known }): Das Token wurde mit einem Schlüssel signiert, den dieses JWKS nicht veröffentlicht, oder das JWKS ist veraltet.
token-error-key-pinned = Der Schlüssel ist für { $key_alg } (sein alg), aber das Token nennt { $alg }: Ein Schlüssel wird nur mit einem Algorithmus verwendet.
token-error-key-type-hmac-rsa = Das Token ist mit { $alg } signiert, das ein HMAC-Geheimnis braucht; der angegebene Schlüssel ist ein öffentlicher RSA-Schlüssel mit { $bits } Bit. Ein HMAC-Token mit einem öffentlichen Schlüssel zu prüfen, ist der Algorithm-Confusion-Angriff: Jeder, der den öffentlichen Schlüssel hat, könnte es fälschen.
token-error-key-type-hmac-ec = Das Token ist mit { $alg } signiert, das ein HMAC-Geheimnis braucht; der angegebene Schlüssel ist ein öffentlicher EC-Schlüssel ({ $curve }). Ein HMAC-Token mit einem öffentlichen Schlüssel zu prüfen, ist der Algorithm-Confusion-Angriff: Jeder, der den öffentlichen Schlüssel hat, könnte es fälschen.
token-error-key-type-hmac-ed25519 = Das Token ist mit { $alg } signiert, das ein HMAC-Geheimnis braucht; der angegebene Schlüssel ist ein öffentlicher Ed25519-Schlüssel. Ein HMAC-Token mit einem öffentlichen Schlüssel zu prüfen, ist der Algorithm-Confusion-Angriff: Jeder, der den öffentlichen Schlüssel hat, könnte es fälschen.
token-error-key-type-rsa-hmac = Das Token ist mit { $alg } signiert, das einen öffentlichen RSA-Schlüssel braucht; der angegebene Schlüssel ist ein HMAC-Geheimnis mit { $bytes } Byte.
token-error-key-type-rsa-ec = Das Token ist mit { $alg } signiert, das einen öffentlichen RSA-Schlüssel braucht; der angegebene Schlüssel ist ein öffentlicher EC-Schlüssel ({ $curve }).
token-error-key-type-rsa-ed25519 = Das Token ist mit { $alg } signiert, das einen öffentlichen RSA-Schlüssel braucht; der angegebene Schlüssel ist ein öffentlicher Ed25519-Schlüssel.
token-error-key-type-p256-hmac = Das Token ist mit { $alg } signiert, das einen öffentlichen EC-P-256-Schlüssel braucht; der angegebene Schlüssel ist ein HMAC-Geheimnis mit { $bytes } Byte.
token-error-key-type-p256-rsa = Das Token ist mit { $alg } signiert, das einen öffentlichen EC-P-256-Schlüssel braucht; der angegebene Schlüssel ist ein öffentlicher RSA-Schlüssel mit { $bits } Bit.
token-error-key-type-p256-ec = Das Token ist mit { $alg } signiert, das einen öffentlichen EC-P-256-Schlüssel braucht; der angegebene Schlüssel ist ein öffentlicher EC-Schlüssel ({ $curve }).
token-error-key-type-p256-ed25519 = Das Token ist mit { $alg } signiert, das einen öffentlichen EC-P-256-Schlüssel braucht; der angegebene Schlüssel ist ein öffentlicher Ed25519-Schlüssel.
token-error-key-type-p384-hmac = Das Token ist mit { $alg } signiert, das einen öffentlichen EC-P-384-Schlüssel braucht; der angegebene Schlüssel ist ein HMAC-Geheimnis mit { $bytes } Byte.
token-error-key-type-p384-rsa = Das Token ist mit { $alg } signiert, das einen öffentlichen EC-P-384-Schlüssel braucht; der angegebene Schlüssel ist ein öffentlicher RSA-Schlüssel mit { $bits } Bit.
token-error-key-type-p384-ec = Das Token ist mit { $alg } signiert, das einen öffentlichen EC-P-384-Schlüssel braucht; der angegebene Schlüssel ist ein öffentlicher EC-Schlüssel ({ $curve }).
token-error-key-type-p384-ed25519 = Das Token ist mit { $alg } signiert, das einen öffentlichen EC-P-384-Schlüssel braucht; der angegebene Schlüssel ist ein öffentlicher Ed25519-Schlüssel.
token-error-key-type-ed25519-hmac = Das Token ist mit { $alg } signiert, das einen öffentlichen Ed25519-Schlüssel braucht; der angegebene Schlüssel ist ein HMAC-Geheimnis mit { $bytes } Byte.
token-error-key-type-ed25519-rsa = Das Token ist mit { $alg } signiert, das einen öffentlichen Ed25519-Schlüssel braucht; der angegebene Schlüssel ist ein öffentlicher RSA-Schlüssel mit { $bits } Bit.
token-error-key-type-ed25519-ec = Das Token ist mit { $alg } signiert, das einen öffentlichen Ed25519-Schlüssel braucht; der angegebene Schlüssel ist ein öffentlicher EC-Schlüssel ({ $curve }).
token-error-not-a-number = Der Claim { $claim } des Tokens ist keine Zahl (NumericDate, RFC 7519).
token-error-wrong-iss = Der Aussteller des Tokens ist { $iss }, nicht { $expected }.
token-error-no-iss = Das Token hat kein iss; erwartet wurde { $expected }.
token-error-aud-missing = Der Empfänger (aud) des Tokens umfasst { $expected } nicht.
