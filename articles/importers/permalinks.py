"""Old addresses: the path each post had on the Hexo site.

Stored decoded (no percent-escapes), NFC-normalised, starting with ``/``;
``redirects.LegacyRedirectMiddleware`` looks requests up the same way.
"""

import re
import unicodedata
from urllib.parse import unquote, urlsplit

from ..slugs import slug_from
from . import limits

DEFAULT_PATTERN = ":year/:month/:day/:title/"
_PLACEHOLDER = re.compile(r":([A-Za-z_][A-Za-z0-9_]*)")
# hexo-util's slugize: runs of these become one "-" (case kept).
_HEXO_SPECIAL = re.compile(r"""[\s~`!@#$%^&*()\-_+=\[\]{}|\\;:"'<>,.?/]+""")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


def normalise_path(value):
    """``value`` (a path or an http(s) URL) as a stored old address, or None
    when it is not a path inside the site (``..``, other schemes, hosts only)."""
    value = str(value or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https", ""):
            return None
        value = parts.path
    else:
        value = value.split("?", 1)[0].split("#", 1)[0]
    try:
        value = unquote(value, errors="strict")
    except UnicodeDecodeError:
        return None
    value = unicodedata.normalize("NFC", value)
    if _CONTROL.search(value):
        return None
    directory = value.endswith("/")
    segments = [segment for segment in value.split("/") if segment not in ("", ".")]
    if ".." in segments:
        return None
    if segments and segments[-1].lower() in ("index.html", "index.htm"):
        segments.pop()
        directory = True
    path = "/" + "/".join(segments) + ("/" if directory and segments else "")
    if len(path) > limits.MAX_PATH_LENGTH:
        return None
    return path


def lookup_candidates(path):
    """The stored forms a request for ``path`` may match (slash or not, index.html)."""
    path = normalise_path(path)
    if path is None or path == "/":
        return []
    stem = path.rstrip("/")
    return [stem + "/", stem]


def expand(pattern, *, published_at, hexo_slug, title, category_path, meta):
    """The old address from a Hexo ``permalink`` pattern, or None.

    ``hexo_slug`` is Hexo's ``:title``: the front-matter ``slug``, else the
    post's path under ``_posts`` without its extension and date prefix.
    Other placeholders come from the front matter (``:abbrlink``, ``:id``),
    as Hexo does.
    """
    values = {
        "year": f"{published_at.year:04d}",
        "month": f"{published_at.month:02d}",
        "i_month": str(published_at.month),
        "day": f"{published_at.day:02d}",
        "i_day": str(published_at.day),
        "hour": f"{published_at.hour:02d}",
        "minute": f"{published_at.minute:02d}",
        "second": f"{published_at.second:02d}",
        "title": hexo_slug,
        "name": hexo_slug.rsplit("/", 1)[-1],
        "post_title": slug_from(title),
        "category": "/".join(hexo_slugize(name) for name in category_path) or "uncategorized",
    }
    missing = []

    def replace(match):
        key = match.group(1)
        if key in values:
            return values[key]
        value = meta.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
        missing.append(key)
        return match.group(0)

    path = _PLACEHOLDER.sub(replace, pattern)
    if missing:
        return None
    return normalise_path(path)


def hexo_slugize(text):
    return _HEXO_SPECIAL.sub("-", str(text)).strip("-")
