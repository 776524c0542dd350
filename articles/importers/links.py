"""``{% post_link %}`` and ``{% post_path %}``: links between imported posts.

While parsing, a link is a marker address (``/__hexo_post__/<name>``). When
the post is saved, the marker becomes the target article's address: found by
the names Hexo knows it by (its slug or file name, with or without the date
prefix, or its title) among this run's posts, else among the articles in the
database. The command saves posts without links first, so targets usually
exist by then; a target saved later in the run is reached through its old
address, which redirects to it. A target found nowhere leaves the link text
and a warning.
"""

import html
import re
from urllib.parse import unquote

from ..models import Article
from .plugins import POST_LINK_PREFIX

_MARKER = re.compile(re.escape(POST_LINK_PREFIX) + r"([A-Za-z0-9%._~-]*)")
_ANCHOR = re.compile(r'<a href="' + re.escape(POST_LINK_PREFIX) + r'([A-Za-z0-9%._~-]*)">(.*?)</a>', re.DOTALL)


class LinkIndex:
    """Names → the posts of this run they stand for."""

    def __init__(self):
        self.names = {}

    def add(self, data):
        for name in data.link_names:
            self.names.setdefault(name, data)

    def find(self, name):
        """``(address, title)`` of the post called ``name``, or None."""
        data = self.names.get(name)
        if data is not None:
            article = Article.objects.filter(source_key=data.source_key).only("pk", "slug", "title").first()
            if article is not None:
                return article.get_absolute_url(), article.title
            if data.legacy_path:
                return data.legacy_path, data.title
            return None
        article = (
            Article.objects.filter(slug=name).only("pk", "slug", "title").first()
            or Article.objects.filter(title=name).only("pk", "slug", "title").first()
        )
        return (article.get_absolute_url(), article.title) if article else None

    def resolve(self, body, data):
        """``body`` with its markers replaced; ``(body, warnings)``."""
        found, warnings = {}, []
        for line, target in data.links:
            if target not in found:
                found[target] = self.find(target)
                if found[target] is None:
                    warnings.append((line, f"post_link target not found: {target}; kept as text"))

        def anchor(match):
            target = unquote(match.group(1))
            hit = found.get(target) or self.find(target)
            if hit is None:
                return match.group(2)
            text = html.escape(hit[1]) if match.group(2) == html.escape(target, quote=False) else match.group(2)
            return f'<a href="{html.escape(hit[0])}">{text}</a>'

        def bare(match):
            hit = found.get(unquote(match.group(1)))
            return html.escape(hit[0]) if hit else "#"

        body = _ANCHOR.sub(anchor, body)
        return _MARKER.sub(bare, body), warnings
