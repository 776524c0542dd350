"""Post bodies to clean HTML: tag plugins, Markdown, the sanitizer.

Markdown is CommonMark with tables and strikethrough (markdown-it-py), with
raw HTML passed through; the sanitizer then decides what stays. Links and
images Markdown refuses (``javascript:``...) and those the sanitizer strips
are reported, so an operator knows what was dropped.
"""

import html
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from urllib.parse import unquote

from markdown_it import MarkdownIt

from ..sanitizer import MAX_DEPTH, clean_html, clean_html_with_report, nesting_depth
from ..text import html_to_text
from . import plugins
from .assets import AssetError, find_asset

MORE_MARKER = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)
_UNSAFE_REPORTS = {
    "href attribute on <a>": "unsafe link address dropped",
    "src attribute on <img>": "unsafe image address dropped",
}
_URL_ATTRIBUTE = re.compile(r"""\b(?:href|src)\s*=\s*["']?\s*([A-Za-z][A-Za-z0-9+.-]*:[^"'\s>]*)""")
_SAFE_SCHEMES = ("http:", "https:", "mailto:")
_RELATIVE_IMG = re.compile(r'<img src="([^"]+)"')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_refused_links = ContextVar("refused_links", default=None)

_markdown = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_default_validate_link = _markdown.validateLink


def _validate_link(url):
    allowed = _default_validate_link(url)
    refused = _refused_links.get()
    if not allowed and refused is not None:
        refused.append(url)
    return allowed


_markdown.validateLink = _validate_link


@dataclass
class Body:
    html: str
    excerpt: str = ""  # plain text before <!-- more -->, if there is one
    warnings: list = field(default_factory=list)  # (line or None, message)
    assets: list = field(default_factory=list)
    links: list = field(default_factory=list)


def render_body(content, *, markdown, first_line=1, asset_folder=None):
    """Render a post's body; nothing here touches the database."""
    ctx = plugins.Context(markdown=markdown, first_line=first_line, asset_folder=asset_folder, render=_fragment)
    more = f"hexomore{ctx.nonce}x"
    content = MORE_MARKER.sub(more, content, count=1)
    refused = []
    token = _refused_links.set(refused)
    try:
        markup = _fragment(content, ctx)
    finally:
        _refused_links.reset(token)
    _check_depth(markup)
    excerpt = ""
    if more in markup:
        excerpt = html_to_text(clean_html(markup.split(more, 1)[0]))
        markup = markup.replace(f"<p>{more}</p>", "").replace(more, "")
    cleaned, warnings = clean_with_warnings(markup, refused)
    cleaned = _asset_images(cleaned, ctx)
    warnings = ctx.warnings + warnings
    return Body(cleaned, excerpt, warnings, ctx.assets, ctx.links)


def _asset_images(markup, ctx):
    """``![](photo.jpg)`` next to a post means its asset folder (Hexo's
    ``post_asset_folder``): copy the image like ``{% asset_img %}``. Other
    relative addresses are left as they are."""

    def replace(match):
        src = html.unescape(match.group(1))
        if _SCHEME.match(src) or src.startswith(("/", "#", "?")):
            return match.group(0)
        try:
            asset = find_asset(ctx.asset_folder, unquote(src))
        except AssetError:
            return match.group(0)
        ctx.assets.append(asset)
        return f'<img src="{html.escape(asset.url)}"'

    return _RELATIVE_IMG.sub(replace, markup) if ctx.asset_folder else markup


class MarkupError(ValueError):
    """HTML the sanitizer should not be asked to read."""


def clean_with_warnings(markup, refused=()):
    """``(clean HTML, warnings)``: the sanitizer's output, and a warning for
    each link or image address it (or Markdown) refused."""
    _check_depth(markup)
    cleaned, removed = clean_html_with_report(markup)
    refused = list(refused) + [
        url for url in _URL_ATTRIBUTE.findall(markup) if not url.lower().startswith(_SAFE_SCHEMES)
    ]
    warnings = [(None, f"unsafe address dropped: {url[:80]}") for url in dict.fromkeys(refused)]
    if not refused:  # the sanitizer saw one our pattern missed (entities, odd quoting)
        warnings += [(None, _UNSAFE_REPORTS[item]) for item in removed if item in _UNSAFE_REPORTS]
    return cleaned, warnings


def _check_depth(markup):
    depth = nesting_depth(markup)
    if depth > MAX_DEPTH:
        raise MarkupError(f"HTML nested {depth} levels deep (at most {MAX_DEPTH})")


def _fragment(content, ctx):
    """Plugins, then Markdown (for Markdown posts), then the plugins' HTML back."""
    text = plugins.expand(content, ctx)
    if ctx.markdown:
        text = _markdown.render(text)
    return plugins.restore(text, ctx)
