"""Feed subscriptions that ``import_feed --all`` polls."""

from django.contrib import admin

from ..models import FeedSubscription


@admin.register(FeedSubscription)
class FeedSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "url", "category_path", "default_status", "active", "last_fetched_at"]
    list_filter = ["active", "default_status"]
    search_fields = ["title", "url", "category_path"]
    readonly_fields = ["last_fetched_at", "last_error", "etag", "last_modified", "created_at"]
