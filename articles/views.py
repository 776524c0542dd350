"""The public site's pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView
from taggit.models import Tag, TaggedItem

from . import archives, counts, fragments, health, pagecache, paths, previews, relations, search, workflow
from .categories import get_tree
from .fragments import render_cards
from .models import Article, Author

EAGER_CARDS = 2


class ListPaginator(Paginator):
    """Counts come from the cache (one count per list and content version), and
    lists stop at ``ARTICLES_MAX_PAGES``: older articles live in the date
    archives, so no request pays for a large OFFSET or a count of the table."""

    def __init__(self, *args, counter, **kwargs):
        super().__init__(*args, **kwargs)
        self.counter = counter  # gives the count (the view's list_count)

    @cached_property
    def count(self):
        return self.counter()

    @cached_property
    def num_pages(self):
        return min(super().num_pages, settings.ARTICLES_MAX_PAGES)

    @property
    def truncated(self):
        return self.count > self.num_pages * self.per_page


class ArticleListView(ListView):
    """The home page: the latest published articles, newest first."""

    paginate_by = settings.ARTICLES_PER_PAGE
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get(self, request, *args, **kwargs):
        self.version = pagecache.request_version(request)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # Only what identifies the page's articles: cards come from render_cards().
        queryset = self.filter_articles(Article.objects.published()).only("pk", "slug", "title", "published_at")
        if self.page_number == 1:
            return queryset
        # A deeper page would read past the newer ones (an OFFSET; for a small
        # section, all its ids). The list's newest ids, as many as its pages
        # show, are read once per content version instead, and each deeper
        # page is a slice of them.
        self.list_count(queryset)  # counted as rows, before the paginator sees a list
        key = self.count_key(f"ids:{self.request.path}")
        return counts.kept(key, lambda: list(queryset.values_list("pk", flat=True)[: self.deepest()]))

    def deepest(self):
        """How many articles a list's pages show at most."""
        return settings.ARTICLES_MAX_PAGES * self.paginate_by

    def filter_articles(self, queryset):
        return queryset

    def count_key(self, path):
        return counts.count_key(self.version, path)

    def list_count(self, countable):
        """How many articles this list holds: counted once per content version,
        read once per request. ``countable`` is the list's rows (or a function
        making them) in whatever form is cheapest to count."""
        if self._count is None:
            self._count = counts.cached_count(self.count_key(self.request.path), countable)
        return self._count

    _count = None

    @cached_property
    def page_number(self):
        """The page asked for (the paginator checks it; anything odd counts as the first)."""
        page = self.request.GET.get(self.page_kwarg) or 1
        try:
            return max(int(page), 1)
        except ValueError:
            return settings.ARTICLES_MAX_PAGES if page == "last" else 1

    def get_paginator(self, queryset, per_page, **kwargs):
        return ListPaginator(queryset, per_page, counter=lambda: self.list_count(queryset), **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"].object_list
        ids = page if isinstance(page, list) else list(page.values_list("pk", flat=True))
        cards = render_cards(ids, self.version)
        # The first cards are in view at once: their pictures should not wait.
        context["cards"] = [
            mark_safe(card.replace(' loading="lazy"', "")) if index < EAGER_CARDS else card
            for index, card in enumerate(cards)
        ]
        return context


class CategoryView(ArticleListView):
    """A section with every section below it."""

    template_name = "articles/category_detail.html"

    def filter_articles(self, queryset):
        self.category = get_tree().find(self.kwargs["path"])
        if self.category is None:
            raise Http404(_("No such section."))
        size = self.list_count(lambda: queryset.in_category(self.category))
        wanted = self.deepest() if self.page_number > 1 else self.paginate_by
        return counts.in_section(queryset, self.category, self.version, wanted=wanted, size=size)

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

    def filter_articles(self, queryset):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return queryset.tagged(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(ArticleListView):
    template_name = "articles/author_detail.html"

    def filter_articles(self, queryset):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return queryset.by_author(self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class ArticleDetailView(DetailView):
    context_object_name = "article"
    template_name = "articles/article_detail.html"

    def get(self, request, *args, **kwargs):
        version = pagecache.request_version(request)
        pk = self.kwargs["pk"]
        parts = fragments.kept_article(pk, version)
        if parts is None:
            # First sight in this content version: the whole row, its bylines,
            # sections and tags, its related articles; rendered and kept.
            self.object = self.get_object()
            slug = self.object.slug
            if slug == self.kwargs["slug"]:
                relations.attach([self.object])
                parts = fragments.article_parts(self.object, related_articles(self.object))
                fragments.keep_article(pk, version, parts)
        else:
            # Kept: what is left is whether the article is live now.
            slug = Article.objects.live_slug(pk)
            if slug is None:
                raise Http404(_("No article found."))
        # The id is the stable part of the address: an old or mistyped slug
        # moves to the canonical one instead of breaking.
        if slug != self.kwargs["slug"]:
            return redirect(paths.article_path(pk, slug), permanent=True)
        return self.render_to_response({"parts": parts})

    def get_queryset(self):
        # Evaluated per request: "published" depends on the current time.
        return Article.objects.published()


RELATED_CANDIDATES = 300


def related_articles(article, count=5):
    """Published articles sharing the most tags and sections with ``article``.

    The candidates are the ``RELATED_CANDIDATES`` articles published closest
    to it (two-thirds before, a third after: two index range scans), so the
    cost does not grow with the size of the archive; each is scored by
    shared tags and sections (two covering-index lookups), most shared first
    and, among equals, the nearest before first. One statement: built
    through the ORM, the IN lists of a few hundred ids cost more than
    running the query.
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    category_ids = [category.pk for category in article.categories.all()]
    if not (tag_ids or category_ids) or article.published_at is None:
        return []
    table = Article._meta.db_table
    shared, params = [], []
    if tag_ids:
        shared.append(
            f"(SELECT COUNT(*) FROM {TaggedItem._meta.db_table} WHERE content_type_id = %s "
            f"AND object_id = c.id AND tag_id IN ({', '.join(['%s'] * len(tag_ids))}))"
        )
        params += [ContentType.objects.get_for_model(Article).pk, *tag_ids]
    if category_ids:
        shared.append(
            f"(SELECT COUNT(*) FROM {Article.categories.through._meta.db_table} "
            f"WHERE article_id = c.id AND category_id IN ({', '.join(['%s'] * len(category_ids))}))"
        )
        params += category_ids
    # Each window is one range of the (status, published_at) index with a
    # single upper bound: given two, the database keeps one for the range
    # and filters by the other, walking every article newer than this one.
    sql = f"""
        WITH before AS (
            SELECT id, published_at FROM {table}
            WHERE status = %s AND published_at <= %s AND id <> %s
            ORDER BY published_at DESC, id DESC LIMIT %s
        ), after AS (
            SELECT id, published_at FROM {table}
            WHERE status = %s AND published_at > %s AND published_at <= %s AND id <> %s
            ORDER BY published_at, id LIMIT %s
        ), candidates AS (
            SELECT id, ROW_NUMBER() OVER (ORDER BY published_at DESC, id DESC) AS position FROM before
            UNION ALL
            SELECT id, %s + ROW_NUMBER() OVER (ORDER BY published_at, id) FROM after
        ), best AS (
            SELECT id, shared, position FROM (
                SELECT c.id, c.position, {" + ".join(shared)} AS shared FROM candidates c
            ) scored WHERE shared > 0 ORDER BY shared DESC, position LIMIT %s
        )
        SELECT a.id, a.title, a.slug, a.published_at FROM best JOIN {table} a ON a.id = best.id
        ORDER BY best.shared DESC, best.position
    """
    now, published, at = timezone.now(), Article.Status.PUBLISHED, article.published_at
    before, after = RELATED_CANDIDATES * 2 // 3, RELATED_CANDIDATES // 3
    return list(
        Article.objects.raw(
            sql,
            [published, min(at, now), article.pk, before, published, at, now, article.pk, after, before, *params, count],
        )
    )


def _render_preview(request, article, *, shared):
    parts = fragments.article_parts(article, related=[], preview=True)
    response = render(
        request,
        "articles/article_detail.html",
        {"article": article, "parts": parts, "preview": True, "shared_preview": shared},
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


class ArchiveView(ArticleListView):
    """``/archive/YYYY/`` and ``/archive/YYYY/MM/``: the deep history, by date."""

    template_name = "articles/archive.html"

    def filter_articles(self, queryset):
        year, month = self.kwargs["year"], self.kwargs.get("month")
        if not 1900 <= year <= 9999 or (month is not None and not 1 <= month <= 12):
            raise Http404
        tz = timezone.get_current_timezone()
        start = archives.month_start(year, month or 1, tz)
        end = archives.month_start(year, (month or 12) + 1, tz)
        self.period = (year, month)
        # The same articles as published() narrowed to the period, read as one index range.
        return Article.objects.live_between(start, end)

    def get_context_data(self, **kwargs):
        year, month = self.period
        return super().get_context_data(
            year=year, month=month, month_counts=archives.month_counts(self.version, year), **kwargs
        )


def archive_index(request):
    """``/archive/``: every month that has articles, with its count. The list
    (a link a month, seventy for six years) is rendered once per content version."""
    version = pagecache.request_version(request)

    def by_year():
        years = {}
        for month, count in archives.month_counts(version):
            years.setdefault(month.year, []).append((month, count))
        return {"years": sorted(years.items(), reverse=True)}

    archive = fragments.kept_render("articles/_archive_years.html", (version,), by_year)
    return render(request, "articles/archive_index.html", {"archive": archive})


def search_view(request):
    """``/search/?q=``: published articles containing every word, title matches first."""
    query = request.GET.get("q", "").strip()
    results = search.search(query)
    page_obj = None
    if results:
        paginator = Paginator(results, settings.ARTICLES_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "articles/search.html",
        {"query": query, "page_obj": page_obj, "articles": page_obj.object_list if page_obj else []},
    )


def article_redirect(request, pk):
    """``/articles/<id>/`` moves to the article's full address."""
    article = get_object_or_404(Article.objects.published().only("pk", "slug"), pk=pk)
    return redirect(article, permanent=True)


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /search/",
        "",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        f"Sitemap: {settings.SITE_URL}/sitemap-news.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
def healthz(request):
    """200 when the database, cache and media storage answer, else 503.

    Details (error messages) go to the log, not to the public.
    """
    results = health.run_checks()
    healthy = all(result["ok"] for result in results.values())
    body = {"status": "ok" if healthy else "error", **{name: "ok" if r["ok"] else "unavailable" for name, r in results.items()}}
    return JsonResponse(body, status=200 if healthy else 503)
