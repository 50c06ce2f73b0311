## The layout around every page (templates/layout/base.html) and shared partials.

site-name = Sigil
skip-to-content = Skip to content
nav-main = Main
nav-posts = Posts
nav-new-post = New post
nav-token-inspector = Token inspector
nav-admin = Admin
signed-in-as = Signed in as
sign-out = Sign out
sign-in = Sign in
register = Register
footer-tagline = JWT-authenticated posts
footer-status = Status
footer-api-docs = API docs
language-picker = Language
language-picker-submit = Change language
error-title-prefix = Error: {" "}
error-summary-title = Please correct the following
