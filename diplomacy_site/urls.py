from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from timeline.views import favicon

# Every URL exists in each language of settings.LANGUAGES: unprefixed in English (the public
# URL contract: /, /events/<slug>/, /embed/, /api/…, /admin/), under /fr/ in French
# (/fr/, /fr/embed/, /fr/admin/…). The language travels in the URL, so a shared or embedded
# link keeps it, and no cookie is needed.
urlpatterns = [
    # For the clients that ask for /favicon.ico whatever the page says.
    path("favicon.ico", favicon),
] + i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("timeline.urls")),
    prefix_default_language=False,
)

# A database error raised outside a view (a middleware saving the session) is a 503 too,
# like the views' (timeline/unavailable.py); anything else is Django's plain 500.
handler500 = "timeline.unavailable.server_error"
