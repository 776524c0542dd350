"""Front matter read with libyaml gives what the pure-Python reader gives."""

import os
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from articles.importers import frontmatter
from articles.importers.frontmatter import BoundedSafeLoader, FastBoundedSafeLoader, FrontMatterError

from .test_import_hostile import REFUSED, billion_laughs

CORPUS = Path(os.environ.get("NEWSROOM_CORPUS", Path(settings.BASE_DIR).parent / "shared" / "corpus"))

pytestmark = pytest.mark.skipif(FastBoundedSafeLoader is None, reason="PyYAML is built without libyaml")

FRONT_MATTERS = [
    "title: '阿里云们的十字路口：自研与出海并进'\ncategories: \n - 金融\n - 财联社\nauthor: 财联社\ncomments: false\n"
    "date: Sun, 19 Jun 2022 04:35:46 GMT\ntags:\n - 云计算\n - 芯片",
    "title: It's here\ndate: 2021-03-22 04:50:47\nupdated: 2021-03-22\ntags: [a, b, 'c, d']\npublished: no",
    'title: "quoted \\u4e2d \\"x\\""\ncategories:\n- [金融, 财联社]\n- 科技\nauthor: {name: 王明, link: x}',
    "title: >\n  folded\n  lines\nexcerpt: |\n  kept\n  lines\nn: 1.5e3\nm: 0x1F\nnull_key: ~\nempty:",
    "base: &base {a: 1}\nmerged:\n  <<: *base\n  b: 2\nlist: [*base, *base]",
    "---\ntitle: a stray separator first\n",
    "title: one\n---\ntitle: two\n",
    "title: x\ndate: 2020-01-01\ntitle: y",
    "title: @大道无形",
    "title: [unclosed",
    "title: x\n\tindented: tab",
    "title: x\ndeep: " + "[" * 60 + "]" * 60,
    "title: x\na: &a [*a]",
    billion_laughs().split("\n", 1)[1].split("\n---", 1)[0],
    "title: !!python/name:os.system",
    "a: b: c",
    "? complex key\n: value",
    "title: \x07bell",
]


def read(data, loader):
    try:
        return [doc for doc in yaml.load_all(data, Loader=loader) if doc is not None]
    except yaml.YAMLError as error:
        return ("refused", type(error).__name__)
    except RecursionError:
        return ("refused", "RecursionError")


@pytest.mark.parametrize("data", FRONT_MATTERS)
def test_both_readers_agree(data):
    fast = read(data, FastBoundedSafeLoader)
    if isinstance(fast, tuple):  # refused: the pure-Python reader then reads it again
        return
    assert fast == read(data, BoundedSafeLoader)


def read_with(fast, text, monkeypatch):
    """What ``read_front_matter`` gives for ``text``, or its error message."""
    monkeypatch.setattr(frontmatter, "FastBoundedSafeLoader", fast)
    try:
        return frontmatter.read_front_matter(text).meta
    except FrontMatterError as error:
        return str(error)


@pytest.mark.parametrize("name", sorted(name for name, (text, _) in REFUSED.items() if isinstance(text, str)))
def test_hostile_front_matter_gets_the_same_answer(name, monkeypatch):
    text = REFUSED[name][0]
    assert read_with(FastBoundedSafeLoader, text, monkeypatch) == read_with(None, text, monkeypatch)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not here ({CORPUS}); set NEWSROOM_CORPUS")
def test_the_corpus_reads_the_same(monkeypatch):
    paths = [path for path in CORPUS.rglob("*") if path.suffix in (".md", ".markdown", ".html") and path.is_file()]
    assert len(paths) > 700
    for path in paths:
        text = path.read_bytes().decode("utf-8", "replace")
        assert read_with(FastBoundedSafeLoader, text, monkeypatch) == read_with(None, text, monkeypatch), path
