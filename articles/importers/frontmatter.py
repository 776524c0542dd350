"""Front matter found the way Hexo finds it (hexo-front-matter's ``split``).

Hexo accepts ``---`` at the very start of the file, and also its legacy form:
YAML first and a ``---`` line after it, with no opening separator. The
generator our sample posts come from writes a blank line before the opening
``---``, which only the legacy form accepts (the stray ``---`` then sits in
the YAML text, where it is a harmless document marker).
"""

import re

import yaml

_OPENING = re.compile(r"^(-{3,}|;{3,})\n(.*?)\n\1(?:\n|$)(.*)", re.DOTALL)
_LEGACY = re.compile(r"^(.+?)\n(-{3,}|;{3,})(?:\n(.*)|$)", re.DOTALL)
# A legacy block has to look like YAML keys before we believe it is one.
_LOOKS_LIKE_KEY = re.compile(r"^\s*(?:-{3,}\s*\n\s*)?[\w][\w\-]*\s*:", re.UNICODE)
_LEADING_TABS = re.compile(r"^(\t+)", re.MULTILINE)


class FrontMatterError(ValueError):
    """The front matter is there but cannot be read."""


def normalise_newlines(text):
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text):
    """Return ``(metadata, body)``. A file without front matter gives ``({}, text)``."""
    text = normalise_newlines(text)
    match = _OPENING.match(text)
    if match:
        separator, data, body = match.groups()
        return _parse(data, json=separator.startswith(";"), first_line=2), body
    match = _LEGACY.match(text)
    if match and _LOOKS_LIKE_KEY.match(match.group(1)):
        data, separator, body = match.groups()
        return _parse(data, json=separator.startswith(";"), first_line=1), body or ""
    return {}, text


def _parse(data, *, json, first_line):
    if json:
        import json as json_module

        try:
            metadata = json_module.loads("{" + data + "}")
        except ValueError as error:
            raise FrontMatterError(f"invalid JSON front matter: {error}") from None
    else:
        # Hexo turns leading tabs into two spaces each before parsing.
        data = _LEADING_TABS.sub(lambda m: "  " * len(m.group(1)), data)
        try:
            documents = [doc for doc in yaml.safe_load_all(data) if doc is not None]
        except yaml.YAMLError as error:
            raise FrontMatterError(f"invalid YAML front matter: {_describe(error, first_line)}") from None
        metadata = documents[0] if documents else {}
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise FrontMatterError("the front matter is not a list of “key: value” lines")
    return {str(key): value for key, value in metadata.items()}


def _describe(error, first_line):
    """The YAML problem, with the line number in the file (not in the YAML)."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    if mark is not None:
        return f"{problem} (line {mark.line + first_line})"
    return problem
