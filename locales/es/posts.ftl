## Posts, the home page and the status page.

## templates/home/index.html
posts-latest-title = Últimas publicaciones
posts-none-yet = Todavía no hay publicaciones.
posts-by = por
posts-private-badge = privada
posts-older = Publicaciones anteriores →

## templates/home/status.html
posts-status-title = Estado
posts-status-up = Sigil funciona: las páginas, la API y el inicio de sesión están operativos.
posts-status-database-down = Sigil está en marcha, pero su base de datos no responde: iniciar sesión y leer publicaciones fallará hasta que vuelva a estar disponible.
posts-status-web-server = Servidor web
posts-status-answering = responde
posts-status-database = Base de datos ({ $backend })
posts-status-not-answering = no responde
posts-status-monitoring-before = Para la monitorización:
posts-status-monitoring-liveness = (comprobación de actividad) y
posts-status-monitoring-readiness = (comprobación de disponibilidad) responden en JSON.

## templates/posts/form.html
# The page titles (src/routes/web/posts.rs), shown through tr().
posts-new-title = Nueva publicación
posts-edit-title = Editar publicación
posts-field-title = Título
posts-field-body = Texto
posts-field-visibility = Visibilidad
posts-visibility-public = Pública: cualquiera puede leerla
posts-visibility-private = Privada: solo tú
posts-save-changes = Guardar cambios
posts-publish = Publicar

## templates/posts/show.html
posts-edit = Editar
posts-delete = Eliminar
posts-all = ← Todas las publicaciones
