"""Front matter found the way Hexo finds it (hexo-front-matter's ``split``).

Hexo accepts ``---`` at the very start of the file, and also its legacy form:
YAML first and a ``---`` line after it, with no opening separator. The
generator our sample posts come from writes a blank line before the opening
``---``, which only the legacy form accepts (the stray ``---`` then sits in
the YAML text, where it is a harmless document marker).

The YAML is read with PyYAML's safe loader only (no ``!!python`` tag is ever
constructed), bounded in depth, aliases and expanded size, and refusing
duplicate keys as Hexo's js-yaml does. libyaml reads it when PyYAML has it;
what libyaml refuses is read again in pure Python, whose messages we print.
"""

import json
import re
from dataclasses import dataclass

import yaml

from . import limits

_OPENING = re.compile(r"^(-{3,}|;{3,})[ \t]*\n(?:(.*?)\n)??\1[ \t]*(?:\n|$)(.*)", re.DOTALL)
_LEGACY = re.compile(r"^(.+?)\n(-{3,}|;{3,})[ \t]*(?:\n(.*)|$)", re.DOTALL)
# A legacy block has to look like YAML keys before we believe it is one.
_LOOKS_LIKE_KEY = re.compile(r"^\s*(?:-{3,}\s*\n\s*)?[\w][\w\-]*\s*:", re.UNICODE)
_LEADING_TABS = re.compile(r"^(\t+)", re.MULTILINE)


class FrontMatterError(ValueError):
    """The front matter is there but cannot be read."""


@dataclass
class FrontMatter:
    meta: dict
    body: str
    body_line: int  # the file's line number where the body starts (1-based)


def normalise_newlines(text):
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_front_matter(text):
    """Split ``text`` into metadata and body. No front matter gives ``{}``."""
    text = normalise_newlines(text)
    match = _OPENING.match(text)
    if match:
        separator, data, body = match.groups()
        meta = _parse(data or "", json_form=separator.startswith(";"), first_line=2)
    else:
        match = _LEGACY.match(text)
        if not (match and _LOOKS_LIKE_KEY.match(match.group(1))):
            return FrontMatter({}, text, 1)
        data, separator, body = match.groups()
        body = body or ""
        meta = _parse(data, json_form=separator.startswith(";"), first_line=1)
    return FrontMatter(meta, body, text.count("\n", 0, len(text) - len(body)) + 1)


def split_front_matter(text):
    """Return ``(metadata, body)``. A file without front matter gives ``({}, text)``."""
    front = read_front_matter(text)
    return front.meta, front.body


def _parse(data, *, json_form, first_line):
    if len(data.encode("utf-8")) > limits.MAX_FRONT_MATTER_BYTES:
        raise FrontMatterError(f"the front matter is larger than {limits.MAX_FRONT_MATTER_BYTES // 1024} KB")
    if json_form:
        try:
            metadata = json.loads("{" + data + "}")
        except (ValueError, RecursionError) as error:
            raise FrontMatterError(f"invalid JSON front matter: {error}") from None
        _check_size(metadata)
    else:
        # Hexo turns leading tabs into two spaces each before parsing.
        data = _LEADING_TABS.sub(lambda m: "  " * len(m.group(1)), data)
        documents = None
        if FastBoundedSafeLoader is not None:
            try:
                documents = _load_all(data, FastBoundedSafeLoader)
            except (yaml.YAMLError, RecursionError):
                pass  # read again below, for the message the pure-Python reader gives
        if documents is None:
            try:
                documents = _load_all(data, BoundedSafeLoader)
            except yaml.YAMLError as error:
                raise FrontMatterError(f"invalid YAML front matter: {_describe(error, first_line)}") from None
            except RecursionError:
                raise FrontMatterError("invalid YAML front matter: nested too deeply") from None
        metadata = documents[0] if documents else {}
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise FrontMatterError("the front matter is not a list of “key: value” lines")
    return {str(key): value for key, value in metadata.items()}


def _check_size(value, depth=0):
    """JSON front matter gets the YAML bounds too (it has no aliases)."""
    if depth > limits.MAX_YAML_DEPTH:
        raise FrontMatterError("the front matter is nested too deeply")
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            _check_size(item, depth + 1)


class BoundedSafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader with bounds on depth, aliases and expanded size.

    A safe loader constructs no Python objects, but a few lines of aliases
    still expand to billions of nodes for whatever walks the result (the
    "billion laughs"), so the composed node graph is measured before any
    value is constructed.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > limits.MAX_YAML_ALIASES:
                raise _limit_error(f"more than {limits.MAX_YAML_ALIASES} aliases", self.peek_event())
        self._depth += 1
        try:
            if self._depth > limits.MAX_YAML_DEPTH:
                raise _limit_error(f"nested deeper than {limits.MAX_YAML_DEPTH} levels", self.peek_event())
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self):
        node = super().compose_document()
        if _expanded_size(node, {}, set()) > limits.MAX_YAML_NODES:
            raise _limit_error(f"expands to more than {limits.MAX_YAML_NODES} values", None)
        return node

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _value in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                    if key_node.value in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
                        )
                    seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


if getattr(yaml, "__with_libyaml__", False):

    class FastBoundedSafeLoader(yaml.CSafeLoader, BoundedSafeLoader):
        """``BoundedSafeLoader`` reading the text with libyaml, about five times
        faster: libyaml scans and parses, and the bounded composer above
        (not libyaml's) builds the nodes, so every bound still applies."""

        check_node = yaml.composer.Composer.check_node
        get_node = yaml.composer.Composer.get_node
        get_single_node = yaml.composer.Composer.get_single_node

        def __init__(self, stream):
            yaml.CSafeLoader.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            self._depth = 0
            self._aliases = 0

else:  # PyYAML built without libyaml
    FastBoundedSafeLoader = None


def _load_all(data, loader):
    return [doc for doc in yaml.load_all(data, Loader=loader) if doc is not None]


def _expanded_size(node, sizes, active):
    """How many nodes ``node`` stands for once every alias is expanded."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in active:
        raise _limit_error("an alias refers to itself", None)
    active.add(key)
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, sizes, active) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            size += _expanded_size(key_node, sizes, active) + _expanded_size(value_node, sizes, active)
            if size > limits.MAX_YAML_NODES:
                break
    active.discard(key)
    sizes[key] = size
    return size


def _limit_error(problem, event):
    return yaml.composer.ComposerError(None, None, problem, getattr(event, "start_mark", None))


def _describe(error, first_line):
    """The YAML problem, with the line number in the file (not in the YAML)."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    if mark is not None:
        return f"{problem} (line {mark.line + first_line})"
    return problem
