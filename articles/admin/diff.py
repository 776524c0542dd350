"""Side-by-side differences between two revisions, for the compare page."""

import difflib
import re

from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

_BLOCK_END = re.compile(r"(</(?:p|h[1-6]|li|blockquote|figure|table|pre|ul|ol|tr)>|<br>|<hr>)", re.IGNORECASE)

FIELDS = [
    ("title", _("title")),
    ("slug", _("slug")),
    ("summary", _("summary")),
    ("body", _("body")),
    ("categories", _("sections")),
    ("tags", _("tags")),
    ("authors", _("bylines")),
    ("allow_comments", _("allow comments")),
    ("head_image_url", _("head image URL")),
    ("head_image_alt", _("head image alt text")),
    ("head_image_caption", _("head image caption")),
    ("head_image_credit", _("head image credit")),
    ("thumbnail_url", _("thumbnail URL")),
]


def compare_snapshots(old, new):
    """One row per field: its label, whether it changed, and the marked-up
    old and new lines side by side."""
    rows = []
    for name, label in FIELDS:
        before, after = _lines(name, old.get(name)), _lines(name, new.get(name))
        rows.append({"label": label, "changed": before != after, "lines": side_by_side(before, after)})
    return rows


def _lines(name, value):
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    if name == "body":
        # One block per line, so a changed paragraph is one changed line.
        return [line.strip() for line in _BLOCK_END.sub(r"\1\n", str(value)).splitlines() if line.strip()]
    return str(value).splitlines() or [""]


def side_by_side(before, after):
    """Pairs of (old, new) HTML cells; inside a changed line, the changed
    characters are wrapped in <del> and <ins> (characters, not words: Chinese
    has no spaces)."""
    rows = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [{"kind": "same", "old": escape(line), "new": escape(line)} for line in before[a1:a2]]
            continue
        olds, news = before[a1:a2], after[b1:b2]
        for index in range(max(len(olds), len(news))):
            old = olds[index] if index < len(olds) else None
            new = news[index] if index < len(news) else None
            rows.append({"kind": "changed", **_mark(old, new)})
    return rows


def _mark(old, new):
    if old is None:
        return {"old": "", "new": mark_safe(f"<ins>{escape(new)}</ins>")}
    if new is None:
        return {"old": mark_safe(f"<del>{escape(old)}</del>"), "new": ""}
    old_parts, new_parts = [], []
    for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            old_parts.append(("{}", old[a1:a2]))
            new_parts.append(("{}", new[b1:b2]))
        else:
            if a2 > a1:
                old_parts.append(("<del>{}</del>", old[a1:a2]))
            if b2 > b1:
                new_parts.append(("<ins>{}</ins>", new[b1:b2]))
    return {"old": _join(old_parts), "new": _join(new_parts)}


def _join(parts):
    return mark_safe("".join(format_html_join("", template, [(text,)]) for template, text in parts))
