## The mail Sigil sends (src/accounts/notices.rs, src/mail/message.rs), rendered in the
## recipient's language.

## templates/email/message.html and message.txt

email-button-fallback = Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:
email-your-account = Ihr Konto

## Shared by several messages

email-why-account = Sie erhalten diese Nachricht, weil diese Adresse zu einem Sigil-Konto gehört.
email-not-you = Falls Sie das nicht waren, ändern Sie jetzt Ihr Passwort und melden Sie sich auf Ihrer Kontoseite überall ab.
# One name in a list of names (tokens), quoted.
email-quoted = „{ $name }“
email-fact-when = Zeitpunkt
email-fact-device = Gerät
email-fact-address = IP-Adresse
# How long a sign-in waits at most: $unit is second, seconds, minute or minutes.
email-wait = { $unit ->
        [second] eine Sekunde
        [seconds] { $count } Sekunden
        [minute] eine Minute
       *[minutes] { $count } Minuten
    }

## verify_email

email-verify-subject = Bestätigen Sie Ihre E-Mail-Adresse
email-verify-yours = Bestätigen Sie, dass diese Adresse Ihnen gehört, damit Sie mit ihr wieder Zugang zu Ihrem Konto erhalten können.
email-verify-lifetime = Der Link funktioniert einmal und ist { $hours ->
        [one] eine Stunde
       *[other] { $hours } Stunden
    } lang gültig.
email-verify-action = Meine Adresse bestätigen
email-verify-why = Sie erhalten diese Nachricht, weil diese Adresse beim Erstellen oder Ändern eines Sigil-Kontos angegeben wurde. Falls Sie das nicht waren, ignorieren Sie diese Nachricht: Ohne den Link passiert nichts.

## password_reset

email-reset-subject = Setzen Sie Ihr Sigil-Passwort zurück
email-reset-heading = Passwort zurücksetzen
email-reset-asked = Jemand hat angefordert, das Passwort des Sigil-Kontos mit dieser Adresse zurückzusetzen.
email-reset-lifetime = Der Link funktioniert einmal und ist { $minutes ->
        [one] eine Minute
       *[other] { $minutes } Minuten
    } lang gültig. Eine neue Anforderung oder eine Änderung des Passworts macht ihn ungültig.
email-reset-not-asked = Falls Sie das nicht angefordert haben, ignorieren Sie diese Nachricht: Ihr Passwort bleibt unverändert.
email-reset-action = Neues Passwort festlegen

## email_change

email-new-address-subject = Bestätigen Sie Ihre neue E-Mail-Adresse
email-new-address-heading = Neue Adresse bestätigen
email-new-address-asked = Jemand möchte diese Adresse zur E-Mail-Adresse eines Sigil-Kontos machen.
email-new-address-lifetime = Die Änderung erfolgt erst, wenn der Link geöffnet wird. Er funktioniert einmal und ist { $hours ->
        [one] eine Stunde
       *[other] { $hours } Stunden
    } lang gültig.
email-new-address-action = Diese Adresse verwenden
email-new-address-why = Sie erhalten diese Nachricht, weil diese Adresse als neue Adresse eines Sigil-Kontos angegeben wurde. Falls Sie das nicht waren, ignorieren Sie diese Nachricht.

## email_change_requested

email-change-requested-subject = Ihre Sigil-E-Mail-Adresse wird geändert
email-change-requested-heading = Ihre E-Mail-Adresse wird geändert
email-change-requested-said = Jemand hat angefordert, die E-Mail-Adresse Ihres Kontos in { $address } zu ändern. Sie ändert sich erst, wenn ein dorthin gesendeter Link geöffnet wird.

## email_changed

email-changed-subject = Ihre Sigil-E-Mail-Adresse wurde geändert
email-changed-heading = Ihre E-Mail-Adresse wurde geändert
email-changed-said = Die E-Mail-Adresse Ihres Sigil-Kontos lautet jetzt { $address }. Diese Adresse erhält keine Nachrichten des Kontos mehr, und zuvor hierher gesendete Links (zum Zurücksetzen des Passworts, zur Bestätigung) funktionieren nicht mehr.
email-changed-not-you = Falls Sie das nicht waren, hat möglicherweise jemand anderes Ihr Konto übernommen: Wenden Sie sich sofort an den Administrator dieser Website. Er kann das Konto deaktivieren, es überall abmelden und ihm seine Adresse zurückgeben. Folgen Sie bis dahin keinen Links in Nachrichten, die angeblich von diesem Konto stammen.

## password_changed

email-password-reset-subject = Ihr Sigil-Passwort wurde zurückgesetzt
email-password-reset-said = Ihr Passwort wurde über einen an diese Adresse gesendeten Link zurückgesetzt. Alle zuvor angemeldeten Sitzungen wurden abgemeldet.
email-password-changed-subject = Ihr Sigil-Passwort wurde geändert
email-password-changed-said = Ihr Passwort wurde geändert. Alle zuvor angemeldeten Sitzungen wurden abgemeldet.
email-password-tokens = Eine Passwortänderung beendet keine persönlichen Zugriffstoken, damit Skripte weiter funktionieren. Diese sind weiterhin gültig: { $tokens }. Widerrufen Sie alle, die Sie nicht kennen.
email-password-tokens-action = Ihre Zugriffstoken prüfen

## new_sign_in

email-new-sign-in-subject = Neue Anmeldung bei Ihrem Sigil-Konto
email-new-sign-in-heading = Neue Anmeldung bei Ihrem Konto
email-new-sign-in-said = Bei Ihrem Konto hat sich jemand von einem Gerät aus angemeldet, das zuvor noch nie dafür verwendet wurde.

## refresh_reuse

email-refresh-reuse-subject = Eine Sigil-Sitzung wurde vorsichtshalber abgemeldet
email-refresh-reuse-heading = Eine Sitzung wurde vorsichtshalber abgemeldet
email-refresh-reuse-said = Ein Aktualisierungstoken einer Ihrer Sitzungen wurde erneut vorgelegt, obwohl es bereits verwendet worden war. Möglicherweise befindet sich eine Kopie davon in fremden Händen, deshalb wurde diese Sitzung vorsichtshalber abgemeldet.
email-refresh-reuse-advice = Falls Sie sich gerade auf diesem Gerät erneut angemeldet haben, können Sie diese Nachricht ignorieren. Andernfalls ändern Sie Ihr Passwort.

## mfa_enabled, mfa_disabled, recovery_codes_regenerated

email-mfa-enabled-subject = Die Zwei-Faktor-Authentifizierung ist für Ihr Sigil-Konto aktiviert
email-mfa-enabled-said = Ihrem Konto wurde eine Authenticator-App hinzugefügt: Bei der Anmeldung wird jetzt nach dem Passwort ein Code aus dieser App abgefragt.
email-mfa-disabled-subject = Die Zwei-Faktor-Authentifizierung wurde für Ihr Sigil-Konto deaktiviert
email-mfa-disabled-said = Die Authenticator-App und die Wiederherstellungscodes wurden aus Ihrem Konto entfernt: Bei der Anmeldung wird nur noch das Passwort abgefragt.
email-codes-renewed-subject = Neue Wiederherstellungscodes für Ihr Sigil-Konto
email-codes-renewed-said = Für Ihr Konto wurden neue Wiederherstellungscodes erstellt. Die alten funktionieren nicht mehr.

## recovery_code_used

email-recovery-code-used-subject = Für Ihr Sigil-Konto wurde ein Wiederherstellungscode verwendet
email-recovery-code-used-heading = Ein Wiederherstellungscode wurde verwendet
email-recovery-code-used-said = Bei der Anmeldung in Ihrem Konto wurde anstelle eines Codes aus Ihrer Authenticator-App ein Wiederherstellungscode verwendet.
email-recovery-code-used-left = Dieser Code funktioniert nicht mehr; { $left ->
        [one] Ihnen bleibt noch ein Wiederherstellungscode
       *[other] Ihnen bleiben noch { $left } Wiederherstellungscodes
    }. Erstellen Sie auf Ihrer Kontoseite neue, wenn sie zur Neige gehen.

## account_deleted

email-account-deleted-subject = Ihr Sigil-Konto wurde gelöscht
email-account-deleted-heading = Ihr Konto wurde gelöscht
email-account-deleted-said = Ihr Sigil-Konto wurde gelöscht, mit seinen Beiträgen, Sitzungen und zweiten Faktoren. Es kann nicht mehr verwendet werden.
email-account-deleted-not-asked = Falls Sie das nicht veranlasst haben, wenden Sie sich an die Betreiber dieser Sigil-Instanz.
email-account-deleted-why = Sie erhalten diese Nachricht, weil diese Adresse zu einem Sigil-Konto gehörte.

## passkey_added, passkey_removed, passkey_used, passkey_clone_suspected

email-passkey-added-subject = Ihrem Sigil-Konto wurde ein Passkey hinzugefügt
email-passkey-added-said = Der Passkey „{ $name }“ wurde Ihrem Konto hinzugefügt: Mit ihm können Sie sich jetzt ohne Passwort anmelden oder eine Anmeldung nach dem Passwort bestätigen.
email-passkey-removed-subject = Aus Ihrem Sigil-Konto wurde ein Passkey entfernt
email-passkey-removed-said = Der Passkey „{ $name }“ wurde aus Ihrem Konto entfernt und kann nicht mehr zur Anmeldung verwendet werden.
email-passkey-used-subject = Ihr Passkey wurde für Ihr Sigil-Konto verwendet
email-passkey-used-said = Der Passkey „{ $name }“ wurde gerade für Ihr Konto verwendet: zur Anmeldung oder um vor einer Änderung zu bestätigen, dass Sie es sind.
email-passkey-clone-suspected-subject = Ein Passkey Ihres Sigil-Kontos wurde abgelehnt
email-passkey-clone-suspected-said = Eine Anmeldung mit dem Passkey „{ $name }“ wurde abgelehnt: Der Signaturzähler des Authentifikators ist zurückgegangen. Das passiert, wenn der Schlüssel des Passkeys auf ein anderes Gerät kopiert wurde. Falls Sie ihn nicht kopiert haben, entfernen Sie diesen Passkey auf Ihrer Kontoseite.

## pat_created

email-pat-created-subject = Für Ihr Sigil-Konto wurde ein persönliches Zugriffstoken erstellt
email-pat-created-heading = Ein persönliches Zugriffstoken wurde erstellt
email-pat-created-said = Das persönliche Zugriffstoken „{ $name }“ wurde erstellt. Skripte, die es besitzen, können mit den unten genannten Bereichen ohne Ihr Passwort in Ihrem Namen handeln, bis es abläuft oder widerrufen wird.
email-pat-created-not-you = Falls Sie das nicht waren, widerrufen Sie es auf Ihrer Kontoseite (Persönliche Zugriffstoken) und ändern Sie anschließend Ihr Passwort.
email-fact-scopes = Bereiche
email-fact-expires = Läuft ab

## pat_revoked ($tokens: the quoted names; $count: how many)

email-pat-revoked-subject = Ein persönliches Zugriffstoken Ihres Sigil-Kontos wurde widerrufen
email-pat-revoked-heading = Ein persönliches Zugriffstoken wurde widerrufen
email-pat-revoked-by-admin-one = Ein Administrator hat Ihr persönliches Zugriffstoken { $tokens } widerrufen.
email-pat-revoked-by-admin = Ein Administrator hat Ihre persönlichen Zugriffstoken { $tokens } widerrufen.
email-pat-revoked-by-holder = Ihr persönliches Zugriffstoken { $tokens } wurde über den Widerrufsendpunkt von jemandem widerrufen, der es besaß. Secret-Scanner tun das, wenn ein Token veröffentlicht gefunden wird, etwa in einem Repository oder einem Protokoll.
email-pat-revoked-by-disabling = { $count ->
        [one] Ein Administrator hat Ihr Konto deaktiviert und damit Ihr persönliches Zugriffstoken { $tokens } widerrufen. Es bleibt widerrufen, auch wenn das Konto wieder aktiviert wird.
       *[other] Ein Administrator hat Ihr Konto deaktiviert und damit Ihre persönlichen Zugriffstoken { $tokens } widerrufen. Sie bleiben widerrufen, auch wenn das Konto wieder aktiviert wird.
    }
email-pat-revoked-scripts = Skripte, die es verwendet haben, erhalten jetzt 401. Erstellen Sie auf Ihrer Kontoseite ein neues Token, falls sie noch eines benötigen.

## invitation

email-invitation-subject = Sie sind zu Sigil eingeladen
email-invitation-said = { $inviter } hat Sie eingeladen, mit dieser Adresse ein Konto bei Sigil zu erstellen.
email-invitation-lifetime-one-day = Der Link funktioniert einmal und ist einen Tag lang gültig. Das damit erstellte Konto verwendet diese Adresse.
email-invitation-lifetime = Der Link funktioniert einmal und ist { $days } Tage lang gültig. Das damit erstellte Konto verwendet diese Adresse.
email-invitation-action = Mein Konto erstellen
email-invitation-why = Sie erhalten diese Nachricht, weil ein Administrator dieser Sigil-Instanz diese Adresse eingeladen hat. Falls Sie kein Konto möchten, ignorieren Sie diese Nachricht: Ohne den Link passiert nichts.

## sign_in_attempts

email-sign-in-attempts-subject = Fehlgeschlagene Anmeldungen bei Ihrem Sigil-Konto
email-sign-in-attempts-heading = Jemand versucht, sich bei Ihrem Konto anzumelden
email-sign-in-attempts-said = { $failures } Anmeldungen bei Ihrem Konto sind nacheinander fehlgeschlagen: falsche Passwörter oder Codes für den zweiten Faktor. Die letzte kam von dem unten genannten Gerät und der unten genannten Adresse.
email-sign-in-attempts-not-locked = Ihr Konto ist nicht gesperrt. Jeder weitere Fehlversuch verlängert die Wartezeit vor dem nächsten Versuch etwas, auf höchstens { $wait }.
email-sign-in-attempts-get-in = Um sofort hineinzukommen, melden Sie sich mit einem Passkey an, falls Sie einen haben, oder legen Sie über einen Link zum Zurücksetzen ein neues Passwort fest: Beides funktioniert ohne Wartezeit. Falls diese Versuche nicht von Ihnen stammen, beendet ein neues Passwort außerdem alle Sitzungen.
email-sign-in-attempts-action = Link zum Zurücksetzen anfordern
email-fact-failed-sign-ins = Fehlgeschlagene Anmeldungen

## app_authorized

email-app-authorized-subject = Eine App kann jetzt Ihr Sigil-Konto verwenden
email-app-authorized-heading = Eine App kann jetzt Ihr Konto verwenden
email-app-authorized-said = Sie haben „{ $app }“ erlaubt, Ihr Sigil-Konto zu verwenden. Die App kann alles unten Aufgeführte tun, bis Sie ihr den Zugriff wieder entziehen.
email-app-authorized-take-back = Um ihr den Zugriff zu entziehen, öffnen Sie Ihre Kontoseite und widerrufen Sie die App unter „Apps mit Zugriff“. Sie wird sofort abgemeldet und fragt Sie beim nächsten Mal erneut.
email-app-authorized-not-you = Falls Sie das nicht waren, widerrufen Sie die App, ändern Sie dann Ihr Passwort und melden Sie sich überall ab.
email-app-authorized-action = Apps mit Zugriff prüfen
email-fact-app = Anwendung
email-fact-access = Zugriff

## identity_linked, identity_unlinked

email-identity-linked-subject = { $provider } kann sich jetzt bei Ihrem Sigil-Konto anmelden
email-identity-linked-said = Ihr { $provider }-Konto wurde mit Ihrem Sigil-Konto verknüpft: Eine Anmeldung mit { $provider } öffnet jetzt dieses Konto.
email-identity-unlinked-subject = Die Verknüpfung von { $provider } mit Ihrem Sigil-Konto wurde aufgehoben
email-identity-unlinked-said = Die Verknüpfung Ihres { $provider }-Kontos mit Ihrem Sigil-Konto wurde aufgehoben. Eine Anmeldung damit ist nicht mehr möglich.
email-identity-not-you = Falls Sie das nicht waren, ändern Sie Ihr Passwort, melden Sie sich auf Ihrer Kontoseite überall ab und heben Sie die Verknüpfung mit jedem Anbieter auf, den Sie nicht kennen.
