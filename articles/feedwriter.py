"""RSS 2.0 and Atom documents, written directly.

The same elements Django's ``feedgenerator`` writes, without its SAX writer,
which makes a call (and, in a response, a chunk) per element and text node:
for thirty full articles that was most of a feed's cost. Text is escaped
with ``xml.sax.saxutils`` and stripped of the control characters XML 1.0
cannot carry. Items are written on their own, so that each can be kept
until its article changes (``fragments.feed_items``).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from django.utils.feedgenerator import rfc2822_date, rfc3339_date

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Channel:
    title: str
    link: str
    description: str
    feed_url: str
    language: str
    updated: datetime


@dataclass
class Entry:
    title: str
    link: str
    guid: str
    summary: str
    content: str
    published: datetime
    updated: datetime
    authors: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    enclosure: tuple = None  # (url, mime type)


def xml_text(value):
    """``value`` as XML text: escaped, without the control characters XML 1.0 cannot carry."""
    return escape(_CONTROL.sub("", str(value)))


def _attr(value):
    return quoteattr(_CONTROL.sub("", str(value)))


def rss_item(entry):
    """One ``<item>`` of an RSS 2.0 channel."""
    parts = [f"<item><title>{xml_text(entry.title)}</title><link>{xml_text(entry.link)}</link>"]
    parts.append(f"<description>{xml_text(entry.summary)}</description>")
    if entry.authors:
        parts.append(f"<dc:creator>{xml_text('、'.join(entry.authors))}</dc:creator>")
    parts.append(f"<pubDate>{rfc2822_date(entry.published)}</pubDate>")
    parts.append(f'<guid isPermaLink="true">{xml_text(entry.guid)}</guid>')
    if entry.enclosure:
        url, mime = entry.enclosure
        parts.append(f'<enclosure length="0" type={_attr(mime)} url={_attr(url)}/>')
    parts.extend(f"<category>{xml_text(name)}</category>" for name in entry.categories)
    parts.append(f"<content:encoded>{xml_text(entry.content)}</content:encoded></item>")
    return "".join(parts)


def rss(channel, items):
    """An RSS 2.0 document around ``items``, each written by ``rss_item``."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{xml_text(channel.title)}</title><link>{xml_text(channel.link)}</link>"
        f"<description>{xml_text(channel.description)}</description>"
        f'<atom:link href={_attr(channel.feed_url)} rel="self"/><language>{xml_text(channel.language)}</language>'
        f"<lastBuildDate>{rfc2822_date(channel.updated)}</lastBuildDate>" + "".join(items) + "</channel></rss>"
    )


def atom_entry(entry):
    """One ``<entry>`` of an Atom feed."""
    parts = [f'<entry><title>{xml_text(entry.title)}</title><link href={_attr(entry.link)} rel="alternate"/>']
    parts.append(f"<published>{rfc3339_date(entry.published)}</published>")
    parts.append(f"<updated>{rfc3339_date(entry.updated)}</updated>")
    if entry.authors:
        parts.append(f"<author><name>{xml_text('、'.join(entry.authors))}</name></author>")
    parts.append(f'<id>{xml_text(entry.guid)}</id><summary type="html">{xml_text(entry.summary)}</summary>')
    if entry.enclosure:
        url, mime = entry.enclosure
        parts.append(f'<link href={_attr(url)} length="0" rel="enclosure" type={_attr(mime)}/>')
    parts.extend(f"<category term={_attr(name)}/>" for name in entry.categories)
    parts.append(f'<content type="html">{xml_text(entry.content)}</content></entry>')
    return "".join(parts)


def atom(channel, entries):
    """An Atom document around ``entries``, each written by ``atom_entry``."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<feed xml:lang={_attr(channel.language)}'
        ' xmlns="http://www.w3.org/2005/Atom">'
        f'<title>{xml_text(channel.title)}</title><link href={_attr(channel.link)} rel="alternate"/>'
        f'<link href={_attr(channel.feed_url)} rel="self"/><id>{xml_text(channel.link)}</id>'
        f"<updated>{rfc3339_date(channel.updated)}</updated><subtitle>{xml_text(channel.description)}</subtitle>"
        + "".join(entries)
        + "</feed>"
    )
