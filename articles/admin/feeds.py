"""Feed subscriptions that ``import_feed --all`` polls."""

from io import StringIO

from django.contrib import admin, messages
from django.core.management import CommandError, call_command
from django.utils.translation import gettext_lazy as _

from ..models import FeedSubscription


@admin.register(FeedSubscription)
class FeedSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "url", "category_path", "default_status", "active", "last_fetched_at", "last_error"]
    list_filter = ["active", "default_status"]
    search_fields = ["title", "url", "category_path"]
    readonly_fields = ["last_fetched_at", "last_error", "etag", "last_modified", "created_at"]
    actions = ["fetch_now"]

    @admin.action(description=_("Fetch the selected feeds now"))
    def fetch_now(self, request, queryset):
        out, err = StringIO(), StringIO()
        try:
            call_command("import_feed", *queryset.values_list("url", flat=True), stdout=out, stderr=err)
            level = messages.SUCCESS
        except CommandError:
            level = messages.WARNING
        for line in (out.getvalue() + err.getvalue()).splitlines()[-20:]:
            self.message_user(request, line, level)
