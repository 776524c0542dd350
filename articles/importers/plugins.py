"""Hexo and Jekyll tag plugins (``{% name args %}``) turned into HTML.

Hexo renders tag plugins before Markdown and hides their output from the
Markdown renderer; so do we: each plugin's HTML is replaced by a placeholder
word, Markdown runs, and the placeholders are swapped back. As in Hexo 5+,
tags inside fenced code and inline code are left alone (they are examples).

Known plugins: ``codeblock``/``code``/``highlight`` (code), ``raw``,
``note``/``noteblock`` (a callout), ``blockquote``/``pullquote``,
``asset_img``/``asset_path``/``asset_link`` (an image from the post's asset
folder), ``post_link``/``post_path`` (a link to another imported post),
``img``, ``link``, and ``youtube``/``vimeo``/``gist``/``iframe`` (a link,
since embeds do not survive the sanitizer). Any other tag stays in the text,
visibly, and is reported with its line.
"""

import bisect
import html
import re
import secrets
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.core.exceptions import ValidationError

from ..validators import validate_image_url
from .assets import AssetError, find_asset

POST_LINK_PREFIX = "/__hexo_post__/"
MAX_DEPTH = 10  # blocks inside blocks (a note in a note...)

# Arguments stop at a line end or another "{%": a lazy ".*?" made every
# unclosed "{%" scan the rest of its line (quadratic on a long line).
_TAG = re.compile(r"\{%-?\s*([A-Za-z_][\w-]*)((?:[^%{\n]|%(?!\})|\{(?!%))*?)-?%\}")
_FENCE_OPEN = re.compile(r"[ \t]*(`{3,}|~{3,})")
_FENCE_CLOSE = re.compile(r"[ \t]*(`{3,}|~{3,})[ \t]*$")
_BACKTICKS = re.compile(r"`+")
_ARG = re.compile(r'"([^"]*)"|\'([^\']*)\'|(\S+)')
_URL = re.compile(r"^(?:https?:)?//|^/")
_VIDEO_ID = re.compile(r"^[\w/-]{1,100}$")
_NOTE_LABELS = {
    "info": "Info",
    "primary": "Note",
    "success": "Success",
    "warning": "Warning",
    "warn": "Warning",
    "danger": "Danger",
    "error": "Danger",
}


@dataclass
class Context:
    """What the plugins of one post need to know, and what they report."""

    markdown: bool
    first_line: int = 1  # the file's line number of the text's first character
    asset_folder: Path | None = None
    render: Callable[[str, "Context"], str] | None = None  # a fragment (a note's content) to HTML
    warnings: list = field(default_factory=list)  # (line, message)
    assets: list = field(default_factory=list)
    links: list = field(default_factory=list)  # post_link targets
    nonce: str = field(default_factory=lambda: secrets.token_hex(6))
    blocks: dict = field(default_factory=dict)  # placeholder -> HTML
    depth: int = 0  # blocks inside blocks

    def warn(self, line, message):
        self.warnings.append((line, message))

    def child(self, first_line):
        """The context of a block's content (its own line numbers, shared reports)."""
        sub = Context(self.markdown, first_line, self.asset_folder, self.render, depth=self.depth + 1)
        sub.warnings, sub.assets, sub.links, sub.nonce, sub.blocks = (
            self.warnings,
            self.assets,
            self.links,
            self.nonce,
            self.blocks,
        )
        return sub

    def placeholder(self, markup, *, block=True):
        """A word standing for ``markup``; a block may replace its whole paragraph."""
        token = f"hexoplugin{self.nonce}n{len(self.blocks)}{'b' if block else 'i'}x"
        self.blocks[token] = markup
        return token


def expand(text, ctx):
    """``text`` with every tag plugin replaced by a placeholder (see ``restore``)."""
    protected = _protected_spans(text) if ctx.markdown else _Spans([])
    tags = [match for match in _TAG.finditer(text) if match.start() not in protected]
    ends, next_endraw = _pair_ends(tags)
    out, position, index = [], 0, 0
    lines = _LineCounter(text, ctx.first_line)
    while index < len(tags):
        match = tags[index]
        name, args = match.group(1), _split_args(match.group(2))
        line = lines.at(match.start())
        out.append(text[position : match.start()])
        position, index = match.end(), index + 1
        if name == "raw" or name in _BLOCKS or (name == "note" and index - 1 in ends):
            end = next_endraw.get(index - 1) if name == "raw" else ends.get(index - 1)
            if end is None or ctx.depth >= MAX_DEPTH:
                problem = "nested too deeply" if end is not None else f"without {{% end{name} %}}"
                ctx.warn(line, f"{{% {name} %}} {problem}; kept as text")
                out.append(match.group(0))
                continue
            content = text[match.end() : tags[end].start()]
            if name == "raw":
                out.append(_raw(content, _alone_on_line(text, match), ctx))
            else:
                child = ctx.child(line + match.group(0).count("\n"))
                out.append(ctx.placeholder(_BLOCKS.get(name, _note)(args, content, child)))
            position, index = tags[end].end(), end + 1
        elif name in _INLINE:
            markup = _INLINE[name](args, ctx, line)
            block = markup is not None and markup.startswith(("<p>", "<blockquote>"))
            out.append(match.group(0) if markup is None else ctx.placeholder(markup, block=block))
        else:
            if not name.startswith("end"):
                ctx.warn(line, f"unknown tag plugin {{% {name} %}}; kept as text")
            out.append(match.group(0))
    out.append(text[position:])
    return "".join(out)


def restore(markup, ctx):
    """Put the plugins' HTML back where ``expand`` left placeholders (one pass:
    a block's own HTML was restored when its content was rendered)."""
    if not ctx.blocks:
        return markup
    token = rf"hexoplugin{ctx.nonce}n\d+"
    pattern = re.compile(rf"<p>({token}bx)</p>|({token}[bi]x)")
    return pattern.sub(lambda match: ctx.blocks.get(match.group(1) or match.group(2), ""), markup)


# Where tags are not tags --------------------------------------------------------


def _protected_spans(text):
    """Fenced code blocks and inline code spans."""
    spans, fence, start, offset = [], None, 0, 0
    for line in text.splitlines(keepends=True):
        if fence is None:
            match = _FENCE_OPEN.match(line)
            if match:
                fence, start = match.group(1), offset
        else:
            match = _FENCE_CLOSE.match(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                spans.append((start, offset + len(line)))
                fence = None
        offset += len(line)
    if fence is not None:
        spans.append((start, len(text)))
    fences = _Spans(spans)
    return _Spans(spans + [span for span in _code_spans(text) if span[0] not in fences])


def _code_spans(text):
    """Inline code spans as CommonMark pairs them: a run of backticks closes at
    the next run of the same length (here: on the same line). Linear; a regex
    with a back-reference takes cubic time on runs of growing length."""
    spans, offset = [], 0
    for line in text.splitlines(keepends=True):
        runs = [match.span() for match in _BACKTICKS.finditer(line)]
        following, last_seen = [None] * len(runs), {}
        for index in range(len(runs) - 1, -1, -1):
            length = runs[index][1] - runs[index][0]
            following[index], last_seen[length] = last_seen.get(length), index
        index = 0
        while index < len(runs):
            closing = following[index]
            if closing is None:
                index += 1
                continue
            spans.append((offset + runs[index][0], offset + runs[closing][1]))
            index = closing + 1
        offset += len(line)
    return spans


class _Spans:
    """Non-overlapping (start, end) offsets; ``offset in spans`` by bisection."""

    def __init__(self, spans):
        self.spans = sorted(spans)
        self.starts = [start for start, _end in self.spans]

    def __contains__(self, offset):
        index = bisect.bisect_right(self.starts, offset) - 1
        return index >= 0 and offset < self.spans[index][1]


def _pair_ends(tags):
    """Where each block ends, in one pass: ``{% x %}`` pairs with its own
    ``{% endx %}`` (nesting counted per name); ``{% raw %}`` ends at the next
    ``{% endraw %}`` whatever lies between (raw does not nest)."""
    ends, open_tags, next_endraw, following = {}, {}, {}, None
    for index, tag in enumerate(tags):
        name = tag.group(1)
        if name.startswith("end") and open_tags.get(name[3:]):
            ends[open_tags[name[3:]].pop()] = index
        elif not name.startswith("end"):
            open_tags.setdefault(name, []).append(index)
    for index in range(len(tags) - 1, -1, -1):
        if tags[index].group(1) == "endraw":
            following = index
        elif tags[index].group(1) == "raw" and following is not None:
            next_endraw[index] = following
    return ends, next_endraw


class _LineCounter:
    """Line numbers of offsets met in increasing order, without rescanning."""

    def __init__(self, text, first_line):
        self.text, self.line, self.offset = text, first_line, 0

    def at(self, offset):
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def _alone_on_line(text, match):
    before = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
    after_end = text.find("\n", match.end())
    after = text[match.end() : after_end if after_end != -1 else len(text)]
    return not before.strip() and not after.strip()


def _split_args(text):
    return [next(group for group in m.groups() if group is not None) for m in _ARG.finditer(text.strip())]


# Block plugins -------------------------------------------------------------------


def _raw(content, alone, ctx):
    """``{% raw %}``: its content is not searched for tags. On lines of its own
    and holding no fenced code, it is template code: show it as code."""
    if alone and not _FENCE_OPEN.search(content) and content.strip():
        return ctx.placeholder(_code_html(content))
    return content


def _codeblock(args, content, ctx):
    """``{% codeblock [title] [lang:x] [url] [link text] %}`` (also ``code``)."""
    words = [arg for arg in args if ":" not in arg or _URL.match(arg) or arg.startswith("http")]
    url_at = next((i for i, word in enumerate(words) if word.startswith(("http://", "https://"))), None)
    title, link = (" ".join(words), "") if url_at is None else (" ".join(words[:url_at]), words[url_at])
    link_text = " ".join(words[url_at + 1 :]) if url_at is not None else ""
    caption = html.escape(title)
    if link:
        caption += f' <a href="{html.escape(link)}">{html.escape(link_text or "link")}</a>'
    code = _code_html(content)
    return f"<figure><figcaption>{caption.strip()}</figcaption>{code}</figure>" if caption.strip() else code


def _highlight(args, content, ctx):
    """Jekyll's ``{% highlight lang %}``: the arguments are options, not a title."""
    return _code_html(content)


def _note(args, content, ctx):
    """``{% note [kind] %}...{% endnote %}``: a callout, as a labelled quote."""
    return _callout(args, _fragment(content, ctx))


def _quote(args, content, ctx):
    """``{% blockquote [author[, source]] [url] [title] %}``."""
    url_at = next((i for i, arg in enumerate(args) if arg.startswith(("http://", "https://"))), None)
    who = " ".join(args if url_at is None else args[:url_at])
    cite = html.escape(who)
    if url_at is not None:
        title = " ".join(args[url_at + 1 :]) or args[url_at].split("//", 1)[-1][:60]
        cite = (cite + ", " if who else "") + f'<a href="{html.escape(args[url_at])}">{html.escape(title)}</a>'
    footer = f"<p>— <cite>{cite}</cite></p>" if cite else ""
    return f"<blockquote>{_fragment(content, ctx)}{footer}</blockquote>"


_BLOCKS = {
    "codeblock": _codeblock,
    "code": _codeblock,
    "highlight": _highlight,
    "noteblock": _note,
    "blockquote": _quote,
    "pullquote": lambda args, content, ctx: f"<blockquote>{_fragment(content, ctx)}</blockquote>",
}


def _code_html(content):
    code = textwrap.dedent(content.strip("\n")).rstrip()
    return f"<pre><code>{html.escape(code, quote=False)}</code></pre>"


def _fragment(content, ctx):
    content = textwrap.dedent(content.strip("\n"))
    return ctx.render(content, ctx) if ctx.render else html.escape(content)


def _callout(args, inner_html):
    words = " ".join(args).split(",", 1)[0].split()
    label = next((_NOTE_LABELS[word.lower()] for word in words if word.lower() in _NOTE_LABELS), None)
    head = f"<p><strong>{label}</strong></p>" if label else ""
    return f"<blockquote>{head}{inner_html}</blockquote>"


# Inline plugins (None: keep the tag as text; the reason was reported) -------------


def _inline_note(args, ctx, line):
    """Volantis's one-line form: ``{% note [kind], text %}``."""
    text = " ".join(args)
    if "," not in text:
        ctx.warn(line, "{% note %} without text or {% endnote %}; kept as text")
        return None
    return _callout(args, f"<p>{html.escape(text.split(',', 1)[1].strip())}</p>")


def _asset(kind):
    def render(args, ctx, line):
        if not args:
            ctx.warn(line, f"{{% asset_{kind} %}} without a file name; kept as text")
            return None
        try:
            asset = find_asset(ctx.asset_folder, args[0])
        except AssetError as error:
            ctx.warn(line, f"asset_{kind} {args[0]!r} refused: {error}")
            return ""
        ctx.assets.append(asset)
        rest = args[1:]
        if kind == "path":
            return html.escape(asset.url)
        title = " ".join(rest) or Path(args[0]).stem
        if kind == "link":
            return f'<a href="{html.escape(asset.url)}">{html.escape(title)}</a>'
        return _img_html(asset.url, rest)

    return render


def _img(args, ctx, line):
    """``{% img [class names] url [width] [height] [title [alt]] %}``."""
    at = next((i for i, arg in enumerate(args) if any(mark in arg for mark in "/:.")), None)  # not a class name
    if at is None:
        ctx.warn(line, "{% img %} without an image address; kept as text")
        return None
    src = args[at]
    try:
        validate_image_url(src)
    except ValidationError:
        ctx.warn(line, f"unsafe image address dropped: {src[:80]}")
        return ""
    return _img_html(src, args[at + 1 :])


def _img_html(src, rest):
    rest, size = list(rest), []
    while rest and rest[0].isdigit() and len(rest[0]) <= 5 and len(size) < 2:
        size.append(rest.pop(0))
    title = rest[0] if rest else ""
    alt = rest[1] if len(rest) > 1 else title
    attrs = [f'src="{html.escape(src)}"', f'alt="{html.escape(alt)}"']
    if title:
        attrs.append(f'title="{html.escape(title)}"')
    attrs += [f'{name}="{value}"' for name, value in zip(("width", "height"), size, strict=False)]
    return f"<img {' '.join(attrs)}>"


def _post_link(kind):
    def render(args, ctx, line):
        if not args:
            ctx.warn(line, f"{{% post_{kind} %}} without a post; kept as text")
            return None
        target = args[0]
        ctx.links.append((line, target))
        href = POST_LINK_PREFIX + quote(target, safe="")
        if kind == "path":
            return href
        text = args[1] if len(args) > 1 and args[1].lower() not in ("true", "false") else target
        return f'<a href="{href}">{html.escape(text)}</a>'

    return render


def _link(args, ctx, line):
    """``{% link text url [external] [title] %}``."""
    at = next((i for i, arg in enumerate(args) if arg.startswith(("http://", "https://", "/"))), None)
    if at is None:
        ctx.warn(line, "{% link %} without an http(s) address; kept as text")
        return None
    text = " ".join(args[:at]) or args[at]
    return f'<a href="{html.escape(args[at])}">{html.escape(text)}</a>'


def _embed(name, url_format):
    def render(args, ctx, line):
        if not args or not _VIDEO_ID.match(args[0]):
            ctx.warn(line, f"{{% {name} %}} without a valid id; kept as text")
            return None
        url = url_format.format(args[0])
        return f'<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>'

    return render


def _iframe(args, ctx, line):
    if not args or not args[0].startswith(("http://", "https://")):
        ctx.warn(line, "{% iframe %} without an http(s) address; kept as text")
        return None
    return f'<p><a href="{html.escape(args[0])}">{html.escape(args[0])}</a></p>'


_INLINE = {
    "note": _inline_note,
    "asset_img": _asset("img"),
    "asset_path": _asset("path"),
    "asset_link": _asset("link"),
    "img": _img,
    "image": _img,
    "post_link": _post_link("link"),
    "post_path": _post_link("path"),
    "link": _link,
    "youtube": _embed("youtube", "https://www.youtube.com/watch?v={}"),
    "vimeo": _embed("vimeo", "https://vimeo.com/{}"),
    "gist": _embed("gist", "https://gist.github.com/{}"),
    "iframe": _iframe,
}
