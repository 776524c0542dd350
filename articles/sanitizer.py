"""The HTML policy for article bodies.

This is the one module that knows what HTML the newsroom stores and the only
one that imports bleach. Everything that reaches the database goes through
``clean_html()`` (see ``articles.fields.SanitizedHTMLField``), whatever its
origin: the admin, an importer, a feed, the shell.
"""

import html
import re
import unicodedata
from urllib.parse import urlsplit

from bleach import html5lib_shim
from bleach.sanitizer import BleachSanitizerFilter, Cleaner

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr",
        "h2", "h3", "h4", "h5", "h6",
        "strong", "b", "em", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup",
        "abbr", "q", "cite",
        "a",
        "ul", "ol", "li", "dl", "dt", "dd",
        "blockquote",
        "figure", "figcaption", "img",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
        "pre", "code",
    }
)  # fmt: skip

ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Elements removed together with everything inside them: their content is
# code, styling or fallback markup, never part of the story.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "noscript", "noembed", "noframes",
        "iframe", "frame", "frameset", "object", "embed", "applet",
        "svg", "math", "xmp", "plaintext", "select", "textarea", "title", "head",
        "button", "video", "audio", "canvas", "map",
    }
)  # fmt: skip

# Nested elements a body may hold. HTML parsers check scopes along the open
# elements, so cleaning slows with the square of the depth (4,000 nested
# blockquotes take most of a second, 40,000 over a minute), and no article
# nests anything like this deep. Untrusted input is refused above it
# (``nesting_depth``) before it is cleaned.
MAX_DEPTH = 1000

# Elements that do not nest: void ones, and those whose end tag may be left
# out (the next one closes them).
_NOT_NESTING = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
        "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup", "rb",
        "rt", "rp", "colgroup", "caption", "html", "head", "body",
    }
)  # fmt: skip
_START_OR_END_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")

# Headings start at h2: the page's own title is its only h1.
RENAMED_TAGS = {"h1": "h2"}

_TAG_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)")
_NUMBER_ATTRIBUTES = {"width", "height", "colspan", "rowspan", "start"}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "referrerpolicy", "loading"},
    "abbr": {"title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
_FIXED_VALUES = {
    "referrerpolicy": {"no-referrer"},
    "loading": {"lazy"},
    "scope": {"row", "col", "rowgroup", "colgroup"},
}


def _allowed_attribute(tag, name, value):
    if name not in _ATTRIBUTES.get(tag, ()):
        return False
    if name in _NUMBER_ATTRIBUTES:
        return value.isascii() and value.isdigit() and len(value) <= 5
    if name in _FIXED_VALUES:
        return value in _FIXED_VALUES[name]
    return True


class _DropContentFilter(html5lib_shim.Filter):
    """Remove dangerous elements with their content; rename h1 to h2."""

    def __init__(self, source, report):
        super().__init__(source)
        self.report = report

    def __iter__(self):
        depth = 0
        for token in super().__iter__():
            kind = token["type"]
            name = token.get("name")
            if name in DROPPED_WITH_CONTENT and kind in ("StartTag", "EmptyTag", "EndTag"):
                if kind == "StartTag":
                    depth += 1
                    self.report.add(f"<{name}> element and its content")
                elif kind == "EndTag":
                    depth = max(depth - 1, 0)
                else:
                    self.report.add(f"<{name}> element")
                continue
            if depth:
                continue
            if name in RENAMED_TAGS and kind in ("StartTag", "EndTag"):
                token["name"] = RENAMED_TAGS[name]
            yield token


class _ReportingSanitizer(BleachSanitizerFilter):
    """bleach's sanitizer, noting what it removes so editors can be told."""

    def __init__(self, source, report, **kwargs):
        super().__init__(source, **kwargs)
        self.report = report

    def sanitize_token(self, token):
        kind = token["type"]
        if kind in ("StartTag", "EmptyTag") and token["name"] not in self.allowed_tags:
            self.report.add(f"<{token['name']}> tag")
        elif kind == "Comment":
            self.report.add("HTML comments")
        return super().sanitize_token(token)

    def allow_token(self, token):
        before = {name for _, name in token.get("data", {})}
        token = super().allow_token(token)
        after = {name for _, name in token.get("data", {})}
        for name in sorted(before - after):
            self.report.add(f"{name} attribute on <{token['name']}>")
        return token


class _ImageDefaultsFilter(html5lib_shim.Filter):
    """Lazy-load every body image; hide our readers' referrer from other hosts.

    Several news image hosts refuse hotlinks that carry a foreign referrer, and
    readers' browsing should not leak to them either.
    """

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "img":
                attrs = token["data"]
                attrs[(None, "loading")] = "lazy"
                if _is_external(attrs.get((None, "src"), "")):
                    attrs[(None, "referrerpolicy")] = "no-referrer"
            yield token


class _ResolveEntitiesFilter(html5lib_shim.Filter):
    """Store characters, not entities: ``&#123;`` becomes ``{``.

    Feeds and static-site generators escape ordinary characters; storing them
    plainly keeps the text searchable. The serializer re-escapes ``& < >``.
    """

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "Entity":
                text = html.unescape(f"&{token['name']};")
                # Control characters stay entities: as characters the parser
                # would rewrite them (CR to LF), so a second cleaning would
                # change the text.
                if not any(unicodedata.category(char) == "Cc" for char in text):
                    token = {"type": "Characters", "data": text}
            yield token


class _PreNewlineFilter(html5lib_shim.Filter):
    """Keep a newline that starts a ``<pre>``: parsers drop the first one."""

    def __iter__(self):
        after_pre = False
        for token in super().__iter__():
            if after_pre and token["type"] in ("Characters", "SpaceCharacters") and token["data"].startswith("\n"):
                token = {**token, "data": "\n" + token["data"]}
            after_pre = token["type"] == "StartTag" and token["name"] == "pre"
            yield token


def _is_external(url):
    url = url.strip()
    return url.startswith("//") or urlsplit(url).scheme in ("http", "https")


class _NewsCleaner(Cleaner):
    def __init__(self):
        super().__init__(
            tags=ALLOWED_TAGS,
            attributes=_allowed_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
        )
        # Always double quotes: bleach restores "&" only in double-quoted values.
        self.serializer = html5lib_shim.BleachHTMLSerializer(
            quote_attr_values="always",
            quote_char='"',
            omit_optional_tags=False,
            escape_lt_in_attrs=True,
            resolve_entities=False,
            sanitize=False,
            alphabetical_attributes=False,
        )
        # Parse the dropped and renamed elements as elements (not text), so the
        # pre-filter can see them and remove them whole.
        self.parser = html5lib_shim.BleachHTMLParser(
            tags=ALLOWED_TAGS | DROPPED_WITH_CONTENT | set(RENAMED_TAGS),
            strip=True,
            consume_entities=False,
            namespaceHTMLElements=False,
        )

    def clean_with_report(self, text):
        report = set()
        if not text:
            return "", report
        dom = self.parser.parseFragment(text)
        stream = _DropContentFilter(self.walker(dom), report)
        stream = _ReportingSanitizer(
            stream,
            report,
            allowed_tags=self.tags,
            attributes=self.attributes,
            strip_disallowed_tags=True,
            strip_html_comments=True,
            allowed_protocols=self.protocols,
        )
        stream = _PreNewlineFilter(_ResolveEntitiesFilter(_ImageDefaultsFilter(stream)))
        cleaned = self.serializer.render(stream).strip()
        # The parser unwraps other unknown tags before the filters see them;
        # name them from the source for the editor's report.
        for name in set(_TAG_NAME.findall(text)):
            name = name.lower()
            if name not in ALLOWED_TAGS and name not in DROPPED_WITH_CONTENT and name not in RENAMED_TAGS:
                report.add(f"<{name}> tag")
        return cleaned, report


_cleaner = _NewsCleaner()


def nesting_depth(markup):
    """How deep elements nest, counted from the tags (quickly, without parsing)."""
    depth = deepest = 0
    for closing, name in _START_OR_END_TAG.findall(markup):
        name = name.lower()
        if name in _NOT_NESTING:
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def clean_html(html):
    """Return ``html`` reduced to the newsroom's allow-list."""
    return clean_html_with_report(html)[0]


def clean_html_with_report(html):
    """Return ``(clean_html, removed)``, where ``removed`` is a sorted list of
    short descriptions of what the policy took out (for telling editors)."""
    if html is None:
        return "", []
    cleaned, report = _cleaner.clean_with_report(str(html))
    return cleaned, sorted(report)
