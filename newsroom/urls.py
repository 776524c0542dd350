from django.conf import settings
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.static import serve

from articles.views import healthz

from .twofactor import AdminLoginForm, two_factor_setup
from .views import floor

admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/two-factor/", two_factor_setup, name="two_factor_setup"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("bench/floor", floor, name="bench-floor"),
    # Browsers ask for /favicon.ico on pages that do not name an icon.
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("img/favicon.svg"))),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    # Embedded mode has no proxy in front to serve uploads.
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))
