"""What the index keeps of one article, and its place in publication order.

Results are listed newest first, so the index is kept in that order: each
entry's *sort key* is its publication second times 10⁹ plus the article's id.
Walking the index by that key (FTS5's rowid on SQLite, a B-tree on
PostgreSQL) reads the newest matches first and stops after a page, and "not
scheduled for later" is a range of keys: a query reads neither the articles
table nor all of its matches. Within one second, the higher id comes first;
ids stay below 10⁹ and times between the years 1679 and 2262.
"""

import datetime as dt
import re
from html import unescape
from typing import NamedTuple

from ..text import _BLOCK_TAGS, _SPACE, html_to_text

IDS_PER_SECOND = 10**9
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_SECOND = dt.timedelta(seconds=1)

# A snippet is looked for in this much of an article's text (summary, then body).
SNIPPET_SOURCE = 3000


def sort_key(article_id, published_at):
    """The index's key for an article: newer articles have larger keys."""
    return (published_at - _EPOCH) // _SECOND * IDS_PER_SECOND + article_id


def newest_key(now):
    """The largest key of an article published by ``now`` (to the second)."""
    return sort_key(IDS_PER_SECOND - 1, now)


class Document(NamedTuple):
    article_id: int
    sort_key: int
    title: str
    summary: str
    body: str  # plain text
    plain: str  # the text snippets are cut from


def document(article_id, title, summary, body_html, published_at):
    body = body_text(body_html)
    plain = " ".join(part for part in (summary, body.replace("\n", " ")) if part)[:SNIPPET_SOURCE]
    return Document(article_id, sort_key(article_id, published_at), title or "", summary or "", body, plain)


# Sanitised bodies (the field cleans every write) are simple HTML: quoted
# attributes, no comments, scripts or styles. For them regular expressions
# give exactly what ``html_to_text``'s parser gives, several times faster
# (that parser is most of the time a rebuild would spend); anything else goes
# to the parser.
_ATTRIBUTES = r"(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
_BLOCK_TAG = re.compile(
    r"</?(?:" + "|".join(sorted(_BLOCK_TAGS)) + r")(?:>|[\t\n\r\f /]" + _ATTRIBUTES + ")", re.IGNORECASE
)
_TAG = re.compile(r"</?[a-zA-Z][^\t\n\r\f />\x00]*" + _ATTRIBUTES)
_UNUSUAL = re.compile(r"<[!?]|</(?![a-zA-Z])|<(?:script|style)\b|</?[a-zA-Z][^>]*?=\s*[^\s\"'>]", re.IGNORECASE)
# What str.splitlines() splits at.
_LINE_BREAK = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# A character reference that a tag cuts in two ("&am<b></b>p;").
_SPLIT_REFERENCE = re.compile(r"&#?[a-zA-Z0-9]*<")


def body_text(html):
    """``html_to_text(html)``, quickly for the HTML the body field stores."""
    html = html or ""
    if _UNUSUAL.search(html) or ("&" in html and _SPLIT_REFERENCE.search(html)):
        return html_to_text(html)
    text = _TAG.sub("", _BLOCK_TAG.sub("\n", html))
    if "&" in text:
        text = unescape(text)
    # As splitting into lines, collapsing spaces in each, stripping it and
    # dropping the empty ones would, in fewer steps.
    text = _SPACE.sub(" ", _LINE_BREAK.sub("\n", text))
    return "\n".join(filter(None, map(str.strip, text.split("\n"))))
