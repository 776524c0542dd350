"""The newsroom's admin: sections, authors and articles."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db.models import Case, Count, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from ..categories import get_tree
from ..fields import CleanHTML
from ..models import Article, Author, Byline, Category
from ..sanitizer import clean_html_with_report


class TreeOrderedChangeList(ChangeList):
    """Sections in tree order unless the editor sorts by a column."""

    def get_ordering(self, request, queryset):
        if ORDER_VAR in self.params:
            return super().get_ordering(request, queryset)
        return ["tree_order", "pk"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "slug", "position", "article_count"]
    list_editable = ["position"]
    list_per_page = 500
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "parent", "description", "position"]

    def get_queryset(self, request):
        # Show the tree in tree order: each section directly above its children.
        order = [category.pk for category in self._walk(get_tree())]
        rank = Case(
            *[When(pk=pk, then=Value(index)) for index, pk in enumerate(order)],
            default=Value(len(order)),
            output_field=IntegerField(),
        )
        queryset = super().get_queryset(request).annotate(tree_order=rank, num_articles=Count("articles"))
        return queryset.order_by("tree_order", "pk")

    def get_changelist(self, request, **kwargs):
        return TreeOrderedChangeList

    @staticmethod
    def _walk(tree, parent=None):
        for category in tree.children.get(parent, []):
            yield category
            yield from CategoryAdmin._walk(tree, category.pk)

    @admin.display(description=_("section"), ordering="tree_order")
    def indented_name(self, category):
        depth = len(get_tree().ancestors(category.pk))
        return f"{'　' * depth}{'└ ' if depth else ''}{category.name}"

    @admin.display(description=_("articles"), ordering="num_articles")
    def article_count(self, category):
        return category.num_articles


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user", "article_count"]
    search_fields = ["name", "slug", "user__username"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(num_articles=Count("bylines"))
        return queryset.select_related("user").order_by("name", "pk")

    @admin.display(description=_("articles"), ordering="num_articles")
    def article_count(self, author):
        return author.num_articles


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = _("byline")
    verbose_name_plural = _("bylines (in order)")


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = "__all__"

    def clean_body(self):
        cleaned, removed = clean_html_with_report(self.cleaned_data.get("body", ""))
        self.sanitizer_removed = removed
        return CleanHTML(cleaned)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "status", "published_at", "section_list", "byline_list", "updated_at"]
    list_filter = ["status", "categories", ("authors", admin.RelatedOnlyFieldListFilter), "published_at"]
    search_fields = ["title", "summary", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["categories"]
    inlines = [BylineInline]
    readonly_fields = ["source_key", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "categories", "tags", "allow_comments"]}),
        (_("Images"), {"fields": ["head_image", "head_image_url", "head_image_alt", "thumbnail_url"]}),
        (_("Record"), {"classes": ["collapse"], "fields": ["source_key", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories", "authors")

    @admin.display(description=_("sections"))
    def section_list(self, article):
        return ", ".join(category.name for category in article.categories.all())

    @admin.display(description=_("bylines"))
    def byline_list(self, article):
        return ", ".join(author.name for author in article.authors.all())

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        removed = getattr(form, "sanitizer_removed", [])
        if removed:
            self.message_user(
                request,
                _("The body was cleaned before saving; removed: %(items)s.") % {"items": "; ".join(removed)},
                messages.WARNING,
            )
