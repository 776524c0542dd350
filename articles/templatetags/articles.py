"""Template helpers for the public pages."""

import json

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .. import paths

register = template.Library()

# As in Django's json_script: keep the JSON from closing the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def absolute(url):
    """``url`` on SITE_URL (already-absolute URLs are left alone)."""
    return paths.absolute(url) if url else ""


@register.filter(expects_localtime=False)
def iso(value):
    """A machine-readable time in the site's time zone (``datetime`` attributes,
    metadata): ISO 8601 to the second, without the cost of the ``date`` filter."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


@register.simple_tag(takes_context=True)
def news_article_json_ld(context, article):
    """schema.org ``NewsArticle`` for search engines, as a JSON-LD data block."""
    url = absolute(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.summary,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.updated_at.isoformat(),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "inLanguage": article.language,
        "author": [
            {"@type": "Person", "name": author.name, "url": absolute(author.get_absolute_url())}
            for author in article.authors.all()
        ],
        "publisher": {
            "@type": "Organization",
            "name": _("Newsroom"),
            "logo": {"@type": "ImageObject", "url": absolute(settings.STATIC_URL + "img/logo.svg")},
        },
        "articleSection": [category.name for category in article.categories.all()],
        "keywords": [tag.name for tag in article.tags.all()],
    }
    if article.image_url:
        data["image"] = [absolute(article.image_url)]
    text = json.dumps({key: value for key, value in data.items() if value not in (None, [], "")}, ensure_ascii=False)
    # A data block, never run; it carries the page's nonce all the same, so
    # every inline <script> on the site is accounted for by the CSP.
    nonce = getattr(context.get("request"), "csp_nonce", "")
    return format_html(
        '<script type="application/ld+json" nonce="{}">{}</script>', str(nonce), mark_safe(text.translate(_JSON_ESCAPES))
    )
