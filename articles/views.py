"""The public site's pages."""

import logging

from django.conf import settings
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from .categories import get_tree
from .models import Article, Author

logger = logging.getLogger(__name__)


class ArticleListView(ListView):
    """The home page: the latest published articles, newest first."""

    paginate_by = settings.ARTICLES_PER_PAGE
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_listing()


class CategoryView(ArticleListView):
    """A section with every section below it."""

    template_name = "articles/category_detail.html"

    def get_queryset(self):
        self.category = get_tree().find(self.kwargs["path"])
        if self.category is None:
            raise Http404(_("No such section."))
        return Article.objects.published().in_category(self.category).for_listing()

    def get_context_data(self, **kwargs):
        tree = get_tree()
        return super().get_context_data(
            category=self.category,
            breadcrumbs=tree.ancestors(self.category.pk),
            subsections=tree.children.get(self.category.pk, []),
            **kwargs,
        )


class TagView(ArticleListView):
    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return Article.objects.published().tagged(self.tag).for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(ArticleListView):
    template_name = "articles/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return Article.objects.published().by_author(self.author).for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        # The id is the stable part of the address: an old or mistyped slug
        # moves to the canonical one instead of breaking.
        if self.kwargs["slug"] != self.object.slug:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_queryset(self):
        # Evaluated per request: "published" depends on the current time.
        return Article.objects.published().with_relations()

    def get_context_data(self, **kwargs):
        tree = get_tree()
        trails = [tree.ancestors(category.pk, include_self=True) for category in self.object.categories.all()]
        return super().get_context_data(trails=[trail for trail in trails if trail], **kwargs)


def article_redirect(request, pk):
    """``/articles/<id>/`` moves to the article's full address."""
    article = get_object_or_404(Article.objects.published().only("pk", "slug"), pk=pk)
    return redirect(article, permanent=True)


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "unhealthy"
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
