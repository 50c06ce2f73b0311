## Signing in, registering, confirming it's you, and the pages behind the links sent by mail.

## Shared by several sign-in pages

auth-or = oder
auth-sign-in = Anmelden
auth-cancel = Abbrechen
auth-forgot-link = Passwort vergessen?
auth-field-email = E-Mail-Adresse
auth-field-username = Benutzername
auth-field-username-hint = 3 bis 32 Buchstaben, Ziffern, „_“, „.“ oder „-“.
auth-field-password = Passwort
auth-field-password-hint = Mindestens 8 Zeichen. Höchstens 72 einfache Buchstaben oder Ziffern: Buchstaben mit Akzent und Sonderzeichen zählen doppelt oder mehr.
auth-create-account = Konto erstellen
auth-already-registered = Bereits registriert?

## templates/auth/login.html

auth-login-continue-before = Melden Sie sich an, um mit
auth-login-continue-after = {" "}fortzufahren.
auth-field-username-or-email = Benutzername oder E-Mail-Adresse
auth-login-passkey = Mit einem Passkey anmelden
auth-login-no-account = Noch kein Konto?
auth-login-register = Registrieren

## templates/auth/login.html: messages from src/routes/web/auth.rs and src/routes/web.rs (shown with tr)

auth-error-too-many-a-second = Zu viele Anmeldeversuche aus Ihrem Netzwerk. Warten Sie eine Sekunde und versuchen Sie es dann erneut.
auth-error-too-many-seconds = Zu viele Anmeldeversuche aus Ihrem Netzwerk. Warten Sie { $seconds } Sekunden und versuchen Sie es dann erneut.
auth-error-too-many-a-minute = Zu viele Anmeldeversuche aus Ihrem Netzwerk. Warten Sie eine Minute und versuchen Sie es dann erneut.
auth-error-too-many-minutes = Zu viele Anmeldeversuche aus Ihrem Netzwerk. Warten Sie { $minutes } Minuten und versuchen Sie es dann erneut.
auth-error-enter-username-and-password = Geben Sie Ihren Benutzernamen (oder Ihre E-Mail-Adresse) und Ihr Passwort ein.
auth-error-no-passkey-answer = Ihr Browser hat keinen Passkey geliefert (dafür sind JavaScript und ein Gerät oder Passwortmanager nötig, der Passkeys speichert). Versuchen Sie es erneut oder verwenden Sie Ihr Passwort.

## templates/auth/mfa.html

auth-mfa-heading = Zwei-Faktor-Authentifizierung
auth-mfa-intro = Ihr Passwort war richtig. Geben Sie jetzt den 6-stelligen Code ein, den Ihre Authenticator-App für Sigil anzeigt.
auth-mfa-code = Bestätigungscode
auth-mfa-code-hint = Ein Code aus der App oder einer Ihrer Wiederherstellungscodes (etwa abcde-fghjk): Beides wird akzeptiert. Ein Wiederherstellungscode funktioniert nur einmal.
auth-mfa-submit = Bestätigen und anmelden
auth-mfa-passkey = Stattdessen einen Passkey verwenden
auth-mfa-start-again = Neu beginnen

## templates/auth/mfa.html: a message from src/routes/web/auth/second_step.rs (shown with tr)

auth-error-passkey-answer-unreadable = Die Passkey-Antwort Ihres Browsers konnte nicht gelesen werden: Versuchen Sie es erneut oder geben Sie einen Code ein.

## templates/auth/confirm.html

auth-confirm-heading = Bestätigen Sie, dass Sie es sind
auth-confirm-recent = Für diesen Schritt ist eine aktuelle Anmeldung nötig (innerhalb { $minutes ->
        [one] der letzten Minute
       *[other] der letzten { $minutes } Minuten
    }).
auth-confirm-password = Geben Sie Ihr Passwort ein, um fortzufahren.
auth-confirm-password-and-code = Geben Sie Ihr Passwort und einen Code aus Ihrer Authenticator-App ein, um fortzufahren.
auth-confirm-other-ways = Melden Sie sich auf eine der unten genannten Arten erneut an, um fortzufahren.
auth-confirm-back-to-form = Danach kehren Sie zum Formular zurück, um es erneut zu senden.
auth-confirm-back-to-form-kept = Danach kehren Sie mit Ihren Eingaben (außer Passwörtern) zum Formular zurück, um es erneut zu senden.
auth-confirm-code = Code aus Ihrer Authenticator-App
auth-confirm-code-hint = Oder einer Ihrer Wiederherstellungscodes (er wird dabei verbraucht).
auth-confirm-submit = Bestätigen
auth-confirm-with-provider = Mit { $provider } bestätigen
auth-confirm-with-passkey = Mit einem Passkey bestätigen

## templates/auth/confirm.html: messages from src/routes/web/recent.rs (shown with tr)

auth-error-enter-password = Geben Sie Ihr Passwort ein.
auth-error-passkey-answer-unreadable-password = Die Passkey-Antwort Ihres Browsers konnte nicht gelesen werden: Versuchen Sie es erneut oder verwenden Sie das Passwort.

## templates/auth/forgot.html

auth-forgot-heading = Passwort vergessen?
auth-forgot-sent-before = Falls
auth-forgot-sent-after = {" "}zu einem Konto gehört, ist ein Link zum Festlegen eines neuen Passworts unterwegs. Er funktioniert einmal, { $minutes ->
        [one] 1 Minute
       *[other] { $minutes } Minuten
    } lang.
auth-forgot-nothing-arrived = Nichts angekommen? Sehen Sie im Spam-Ordner nach oder
auth-forgot-try-again = versuchen Sie es erneut
auth-forgot-intro = Geben Sie die E-Mail-Adresse Ihres Kontos ein. Wir senden Ihnen einen Link, mit dem Sie ein neues Passwort festlegen können.
auth-forgot-submit = Link senden
auth-forgot-remembered = Passwort wieder eingefallen?

## templates/auth/provider_complete.html

auth-provider-complete-heading = Konto erstellen
auth-provider-complete-before = Laut { $provider } lautet Ihre E-Mail-Adresse
auth-provider-complete-after = . Wählen Sie den Namen, den andere sehen. Sie melden sich mit { $provider } an, ein Passwort ist nicht nötig.

## templates/auth/provider_link.html

auth-provider-link-heading = Diese Anmeldung verknüpfen?
auth-provider-link-before = Das { $provider }-Konto
auth-provider-link-middle = mit
auth-provider-link-after = {" "}verknüpfen? Eine Anmeldung mit { $provider } öffnet dann dieses Konto.
auth-provider-link-submit = { $provider } verknüpfen
auth-provider-taken-heading = Zu dieser Adresse gibt es bereits ein Konto
auth-provider-taken-before = Ein Konto verwendet bereits
auth-provider-taken-after = . Zu Ihrer Sicherheit wird eine Anmeldung über { $provider } nie automatisch mit einem Konto verknüpft.
auth-provider-taken-how = Wenn das Konto Ihnen gehört, melden Sie sich wie gewohnt an. Danach werden Sie gefragt, ob Sie { $provider } verknüpfen möchten. Das ist 10 Minuten lang möglich.
auth-provider-taken-sign-in = Anmelden und verknüpfen

## templates/auth/register.html

auth-register-heading = Konto erstellen
auth-register-invited-before = Sie wurden mit
auth-register-invited-after = {" "}eingeladen: Ihr Konto verwendet diese Adresse.
auth-field-password-confirm = Passwort bestätigen

## templates/auth/register.html and reset.html: a field message from src/routes/web/auth.rs and src/routes/web/auth/recovery.rs (shown with tr)

auth-error-passwords-differ = Die beiden Passwörter stimmen nicht überein.

## templates/auth/register_refused.html: headings and messages from src/routes/web/auth.rs and src/accounts/invitations.rs (shown with tr)

auth-refused-closed-heading = Die Registrierung ist geschlossen
auth-refused-closed = Neue Konten werden von den Administratoren dieser Website angelegt. Wenn Sie eines haben sollten, wenden Sie sich an sie.
auth-refused-invitation-required-heading = Registrierung nur mit Einladung
auth-refused-invitation-required = Bitten Sie einen Administrator um eine Einladung: Sie kommt per E-Mail, mit einem Link, der diese Seite bereit zur Registrierung öffnet.
auth-refused-bad-invitation-heading = Diese Einladung funktioniert nicht
auth-refused-bad-invitation = Diese Einladung ist nicht gültig: Sie wurde bereits verwendet, widerrufen oder ist abgelaufen. Fordern Sie eine neue an.

## templates/auth/reset.html

auth-reset-heading = Neues Passwort festlegen
auth-reset-new-link = Neuen Link senden
auth-field-new-password = Neues Passwort
auth-field-new-password-confirm = Neues Passwort bestätigen
auth-reset-submit = Neues Passwort speichern
auth-reset-sessions-end = Alle Sitzungen, die mit dem alten Passwort angemeldet wurden, werden abgemeldet.

## templates/auth/reset.html and verify.html: a message from src/accounts/recovery.rs (shown with tr)

auth-error-bad-link = Dieser Link ist nicht mehr gültig (verwendet, abgelaufen oder durch einen neueren ersetzt). Fordern Sie einen neuen an.

## templates/auth/verify.html

auth-verify-change-heading = Diese Adresse verwenden?
auth-verify-heading = Adresse bestätigen
auth-verify-change-before = Machen Sie
auth-verify-change-after = zur E-Mail-Adresse Ihres Kontos.
auth-verify-before = Bestätigen Sie, dass
auth-verify-after = die Adresse Ihres Kontos ist.
auth-verify-change-submit = { $address } verwenden
auth-verify-submit = { $address } bestätigen
auth-verify-not-asked = Nicht angefordert? Schließen Sie diese Seite: Nichts ändert sich, bevor die Schaltfläche gedrückt wird.
auth-verify-already-heading = Ihre Adresse ist bereits bestätigt
auth-verify-already-before = Dieser Link wurde bereits verwendet:
auth-verify-already-after = ist bestätigt, es gibt nichts weiter zu tun.
auth-verify-done-heading = Adresse bestätigt
auth-verify-done-after = ist als Adresse Ihres Kontos bestätigt.
auth-verify-go-to-account = Zu Ihrem Konto
auth-verify-failed-heading = Dieser Link hat nicht funktioniert
auth-verify-signed-in-before = Angemeldet? Fordern Sie in
auth-verify-signed-in-link = Ihrem Konto
auth-verify-signed-in-after = {" "}einen neuen Link an.

## templates/auth/verify.html: a message from src/routes/web/auth/recovery.rs (shown with tr)

auth-error-address-taken = Diese Adresse gehört inzwischen zu einem anderen Konto. Wählen Sie eine andere.
