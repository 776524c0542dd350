"""Sections and authors in the admin."""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db.models import Case, Count, IntegerField, Value, When
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ..categories import get_tree
from ..images.forms import UploadedImageField
from ..models import Author, Category
from .widgets import LabelledAutocompleteMixin


class TreeOrderedChangeList(ChangeList):
    """Sections in tree order unless the editor sorts by a column."""

    def get_ordering(self, request, queryset):
        if ORDER_VAR in self.params:
            return super().get_ordering(request, queryset)
        return ["tree_order", "pk"]


@admin.register(Category)
class CategoryAdmin(LabelledAutocompleteMixin, admin.ModelAdmin):
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


class AuthorForm(forms.ModelForm):
    # Checked by its content and re-encoded without metadata (articles.images).
    photo = UploadedImageField(label=capfirst(_("photo")), required=False)

    class Meta:
        model = Author
        fields = "__all__"


@admin.register(Author)
class AuthorAdmin(LabelledAutocompleteMixin, admin.ModelAdmin):
    form = AuthorForm
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
