"""The newsroom's admin, one module per area."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import articles, content, feeds, queue  # noqa: F401  (registers the ModelAdmins)

admin.site.site_header = _("Newsroom admin")
admin.site.site_title = _("Newsroom admin")
admin.site.index_title = _("Content")
