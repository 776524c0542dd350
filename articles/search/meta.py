"""The part of a search result that does not depend on the query.

A result shows the article's link, bylines and time (``_meta.html``), and
rendering those for 20 results costs more than the search itself. They change
only when content changes, and every content change starts a new version
(``pagecache``), so they are kept per process under ``(article, version,
language)``, as list pages keep their cards (``fragments.py``): a page then
loads and renders only the results it has not shown since the last change.
"""

from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import pagecache
from ..fragments import Recent

_entries = Recent(5000)


def attach(articles):
    """Give each article ``url`` and ``meta`` (its bylines and time, as HTML)."""
    from ..models import Author

    version, language = pagecache.current_version(), get_language()
    missing = []
    for article in articles:
        entry = _entries.get((article.pk, version, language))
        if entry is None:
            missing.append(article)
        else:
            article.url, article.meta = entry
    if not missing:
        return
    prefetch_related_objects(missing, Prefetch("authors", queryset=Author.objects.order_by("bylines__position")))
    for article in missing:
        article.url = article.get_absolute_url()
        article.meta = mark_safe(render_to_string("articles/_meta.html", {"article": article}))
        _entries.put((article.pk, version, language), (article.url, article.meta))
