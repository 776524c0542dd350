"""Old addresses (from the site the articles were imported from) keep working."""

from django.http import HttpResponsePermanentRedirect

from .importers.permalinks import lookup_candidates
from .models import Article


class LegacyRedirectMiddleware:
    """On a 404, look the path up among the articles' old addresses and
    answer 301 to the article's current address instead.

    Old addresses are stored decoded and NFC-normalised; a request matches
    with or without its trailing slash or ``index.html``, whatever its
    percent-encoding.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        candidates = lookup_candidates(request.path)
        if not candidates:
            return response
        # Every 404 asks, so only the unique index of old addresses is read:
        # given published()'s conditions and ordering too, a database may walk
        # every published article instead (a second at a million articles).
        matches = Article.objects.filter(legacy_path__in=candidates).order_by()
        article = next((match for match in matches.only("pk", "slug", "status", "published_at") if match.is_live), None)
        if article is None:
            return response
        return HttpResponsePermanentRedirect(article.get_absolute_url())
