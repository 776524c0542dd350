"""Search tokens for Chinese and everything else.

Chinese has no spaces, so words cannot be found by splitting on them. We
index overlapping character pairs (bigrams), as Elasticsearch's ``cjk``
analyzer and Lucene's ``CJKAnalyzer`` do: "人工智能" becomes 人工 工智 智能.
A query becomes the same pairs *as a phrase* (adjacent, in order), which is
exactly "the text contains this string": no dictionary can split the text
one way and the query another, so recall is complete and precision is that of
a substring match. A one-character query matches pairs starting with it;
each run's last character is also indexed on its own, at the end of the
field, so a character that ends a sentence is found too. Latin letters and
digits form ordinary lower-cased words.
"""

import re
import unicodedata
from operator import add

# Han (with extensions and compatibility), kana and hangul: scripts written
# without spaces between words.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_RUN = re.compile(f"([{_CJK}]+)|([^\\W_{_CJK}]+)")
_QUOTED = re.compile(r'"([^"]*)"')


# The full-width punctuation of ordinary Chinese text, with what NFKC makes of
# it. Replacing these first (a fast string scan) usually leaves text that
# passes NFKC's quick check, so the slow full normalisation is skipped; the
# result is the same.
_COMMON_FULL_WIDTH = [("\uff0c", ","), ("\uff08", "("), ("\uff09", ")"), ("\uff1a", ":"), ("\uff1b", ";"),
                      ("\uff01", "!"), ("\uff1f", "?"), ("\u3000", " ")]  # fmt: skip


def normalise(text):
    """Full-width letters and digits to ASCII, compatibility forms folded, lower case."""
    text = text or ""
    for full_width, folded in _COMMON_FULL_WIDTH:
        if full_width in text:
            text = text.replace(full_width, folded)
    return unicodedata.normalize("NFKC", text).lower()


def index_tokens(text):
    """The tokens of ``text`` in order, then the end-of-run characters."""
    tokens, tails = [], []
    for cjk, word in _RUN.findall(normalise(text)):
        if word:
            tokens.append(word)
        elif len(cjk) == 1:
            tails.append(cjk)
        else:
            tokens.extend(map(add, cjk, cjk[1:]))
            tails.append(cjk[-1])
    return tokens + tails


def index_text(text):
    """``index_tokens(text)`` joined by spaces (the form the SQLite index reads)."""
    parts, tails = [], []
    for cjk, word in _RUN.findall(normalise(text)):
        if word:
            parts.append(word)
        else:
            if len(cjk) > 1:
                parts.append(" ".join(map(add, cjk, cjk[1:])))
            tails.append(cjk[-1])
    parts.extend(tails)
    return " ".join(parts)


class Phrase:
    """Tokens that must appear next to each other, in order.

    ``prefix`` marks a single Chinese character, matched as the start of a
    pair (or a lone character).
    """

    def __init__(self, tokens, prefix=False):
        self.tokens = tokens
        self.prefix = prefix

    def __eq__(self, other):
        return (self.tokens, self.prefix) == (other.tokens, other.prefix)

    def __repr__(self):
        return f"Phrase({self.tokens!r}{', prefix' if self.prefix else ''})"


def parse_query(query):
    """A query string as a list of phrases, all of which must match.

    Words separated by spaces are separate requirements; ``"…"`` keeps a
    phrase together. Returns ``(phrases, terms)``, where ``terms`` are the
    normalised strings to highlight.
    """
    query = normalise(query)
    pieces = _QUOTED.findall(query)
    pieces += _QUOTED.sub(" ", query).replace('"', " ").split()
    phrases, terms = [], []
    for piece in pieces:
        phrase = _query_phrase(piece)
        if phrase is not None and phrase not in phrases:
            phrases.append(phrase)
            terms.append(piece.strip())
    return phrases, terms


def _query_phrase(text):
    tokens = []
    runs = _RUN.findall(text)
    if len(runs) == 1 and runs[0][0] and len(runs[0][0]) == 1:
        return Phrase([runs[0][0]], prefix=True)
    for cjk, word in runs:
        if word:
            tokens.append(word)
        elif len(cjk) == 1:
            tokens.append(cjk)
        else:
            tokens.extend(cjk[i : i + 2] for i in range(len(cjk) - 1))
    return Phrase(tokens) if tokens else None
