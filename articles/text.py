"""Plain text from article HTML: for summaries, feeds and search."""

import re
from html import unescape
from html.parser import HTMLParser

SUMMARY_LENGTH = 120

_BLOCK_TAGS = {
    "p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "figcaption", "table", "ul", "ol", "dd", "dt",
}  # fmt: skip
_SENTENCE_END = re.compile(r"[。！？!?；;…]|\.(?=\s|$)")
_SPACE = re.compile(r"[ \t\r\f\v\u3000\xa0]+")


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(html):
    """The readable text of ``html``: one line per block, spaces collapsed."""
    extractor = _TextExtractor()
    extractor.feed(html or "")
    extractor.close()
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(extractor.parts).splitlines())
    return "\n".join(line for line in lines if line)


def summarize(html, limit=SUMMARY_LENGTH):
    """A plain-text summary of at most ``limit`` characters.

    Chinese has no spaces to cut at, so cut after the last sentence end that
    fits; only when none falls in the second half, cut mid-sentence and mark
    it with an ellipsis.
    """
    text = html_to_text(html).replace("\n", " ")
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [match.end() for match in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] >= limit // 2:
        return head[: ends[-1]].strip()
    return head[: limit - 1].rstrip() + "…"


_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['’-][A-Za-z0-9\u00c0-\u024f]+)*")
# Reading speeds: Chinese is read by the character, other text by the word.
CJK_CHARS_PER_MINUTE = 400
WORDS_PER_MINUTE = 220


_TAG = re.compile(r"<[^>]*>")
_CJK_RUN = re.compile(_CJK_CHAR.pattern + "+")


def reading_minutes(html):
    """Minutes to read ``html``: Chinese characters and Latin words counted apart.

    An estimate, asked on every article page: tags are cut out with a pattern
    rather than parsed (bodies are sanitised, so a tag is always ``<…>``), and
    Chinese is counted by runs of characters, not character by character.
    """
    text = unescape(_TAG.sub(" ", html or ""))
    cjk = sum(map(len, _CJK_RUN.findall(text)))
    words = len(_LATIN_WORD.findall(_CJK_RUN.sub(" ", text)))
    return max(1, round(cjk / CJK_CHARS_PER_MINUTE + words / WORDS_PER_MINUTE))


def language_of(text, default="zh-Hans"):
    """``zh-Hans`` for text that is mostly Chinese, ``en`` for mostly Latin letters."""
    cjk = len(_CJK_CHAR.findall(text or ""))
    latin = sum(len(word) for word in _LATIN_WORD.findall(text or ""))
    if cjk == 0 and latin == 0:
        return default
    return "zh-Hans" if cjk * 3 >= latin else "en"
