"""schema.org ``NewsArticle`` data for search engines (JSON-LD)."""

import json

from django.conf import settings
from django.utils.translation import gettext as _

from .paths import absolute

# As in Django's json_script: keep the JSON from closing the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def news_article_json(article):
    """The JSON text of ``article``'s data block, safe inside ``<script>``;
    ``article`` needs its relations (``relations.attach``)."""
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
    return text.translate(_JSON_ESCAPES)
