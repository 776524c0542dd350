"""The public site's pages."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from . import previews, workflow
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
        return super().get_context_data(trails=section_trails(self.object), **kwargs)


def section_trails(article):
    """Breadcrumbs: the path down to each of the article's sections."""
    tree = get_tree()
    trails = [tree.ancestors(category.pk, include_self=True) for category in article.categories.all()]
    return [trail for trail in trails if trail]


def _render_preview(request, article, *, shared):
    response = render(
        request,
        "articles/article_detail.html",
        {"article": article, "trails": section_trails(article), "preview": True, "shared_preview": shared},
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
def preview(request, pk):
    """Any article, in the public design, for those who may edit it."""
    article = get_object_or_404(Article.objects.with_relations(), pk=pk)
    user = request.user
    if not (workflow.can_publish(user) or workflow.is_own(user, article)):
        raise Http404  # not 403: do not confirm that the article exists
    return _render_preview(request, article, shared=False)


def shared_preview(request, token):
    """A draft shown by a signed link, to someone without an account."""
    try:
        article = previews.article_for_token(token)
    except previews.ExpiredLink:
        return _preview_unavailable(request, _("This preview link has expired. Ask the newsroom for a new one."))
    except previews.ChangedSinceShared:
        return _preview_unavailable(
            request, _("The article has changed since this link was made. Ask the newsroom for a new link.")
        )
    except signing.BadSignature:
        raise Http404 from None
    return _render_preview(request, article, shared=True)


def _preview_unavailable(request, message):
    response = render(request, "articles/preview_unavailable.html", {"message": message}, status=410)
    patch_cache_control(response, private=True, no_store=True)
    return response


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
