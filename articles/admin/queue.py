"""The editors' review queue: articles in review, oldest first."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import ArticleInReview
from .readonly import EditorsReadOnlyMixin


@admin.register(ArticleInReview)
class ReviewQueueAdmin(EditorsReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title_link", "byline_list", "section_list", "submitted"]
    list_display_links = None
    search_fields = ["title"]
    ordering = ["updated_at", "pk"]

    def get_queryset(self, request):
        # A submit saves the status, so updated_at is the submission time.
        return super().get_queryset(request).in_review().prefetch_related("authors", "categories")

    @admin.display(description=_("title"))
    def title_link(self, article):
        return format_html('<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[article.pk]), article.title)

    @admin.display(description=_("bylines"))
    def byline_list(self, article):
        return ", ".join(author.name for author in article.authors.all())

    @admin.display(description=_("sections"))
    def section_list(self, article):
        return ", ".join(category.name for category in article.categories.all())

    @admin.display(description=_("submitted"), ordering="updated_at")
    def submitted(self, article):
        return article.updated_at
