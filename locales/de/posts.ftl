## Posts, the home page and the status page.

## templates/home/index.html
posts-latest-title = Neueste Beiträge
posts-none-yet = Noch keine Beiträge.
posts-by = von
posts-private-badge = privat
posts-older = Ältere Beiträge →

## templates/home/status.html
posts-status-title = Status
posts-status-up = Sigil läuft: Seiten, API und Anmeldung funktionieren.
posts-status-database-down = Sigil läuft, aber die Datenbank antwortet nicht: Anmelden und das Lesen von Beiträgen schlagen fehl, bis sie wieder erreichbar ist.
posts-status-web-server = Webserver
posts-status-answering = antwortet
posts-status-database = Datenbank ({ $backend })
posts-status-not-answering = antwortet nicht
posts-status-monitoring-before = Für die Überwachung:
posts-status-monitoring-liveness = (Liveness-Prüfung) und
posts-status-monitoring-readiness = (Readiness-Prüfung) antworten mit JSON.

## templates/posts/form.html
# The page titles (src/routes/web/posts.rs), shown through tr().
posts-new-title = Neuer Beitrag
posts-edit-title = Beitrag bearbeiten
posts-field-title = Titel
posts-field-body = Text
posts-field-visibility = Sichtbarkeit
posts-visibility-public = Öffentlich: für alle lesbar
posts-visibility-private = Privat: nur für Sie
posts-save-changes = Änderungen speichern
posts-publish = Veröffentlichen

## templates/posts/show.html
posts-edit = Bearbeiten
posts-delete = Löschen
posts-all = ← Alle Beiträge
