## Posts, the home page and the status page.

## templates/home/index.html
posts-latest-title = Latest posts
posts-none-yet = No posts yet.
posts-by = by
posts-private-badge = private
posts-older = Older posts →

## templates/home/status.html
posts-status-title = Status
posts-status-up = Sigil is up: pages, the API and sign-in are working.
posts-status-database-down = Sigil is running, but its database is not answering: signing in and reading posts fail until it is back.
posts-status-web-server = Web server
posts-status-answering = answering
posts-status-database = Database ({ $backend })
posts-status-not-answering = not answering
posts-status-monitoring-before = For monitoring:
posts-status-monitoring-liveness = (liveness) and
posts-status-monitoring-readiness = (readiness) answer JSON.

## templates/posts/form.html
# The page titles (src/routes/web/posts.rs), shown through tr().
posts-new-title = New post
posts-edit-title = Edit post
posts-field-title = Title
posts-field-body = Body
posts-field-visibility = Visibility
posts-visibility-public = Public: everyone can read it
posts-visibility-private = Private: only you
posts-save-changes = Save changes
posts-publish = Publish

## templates/posts/show.html
posts-edit = Edit
posts-delete = Delete
posts-all = ← All posts
