"""Hostile posts: refused with a one-line reason, or defanged; never half-written."""

import re
import time

import pytest
from taggit.models import Tag

from articles.importers import limits
from articles.models import Article, Author, Category

from .commands import run_import
from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def write(root, name, text):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def billion_laughs(levels=9):
    lines = ["---", 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghi"[: levels - 1]:
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
        previous = name
    return "\n".join([*lines, f"tags: *{previous}", "title: lol", "date: 2020-01-01", "---", "body"])


REFUSED = {
    "billion-laughs.md": (billion_laughs(), "aliases"),
    "laughs-few-aliases.md": (billion_laughs(levels=5), "expands to more than"),
    "python-object.md": (
        "---\ntitle: x\ndate: 2020-01-01\nhack: !!python/object/apply:os.system ['touch /tmp/newsroom-pwned']\n---\n",
        "could not determine a constructor",
    ),
    "python-name.md": ("---\ntitle: !!python/name:os.system\n---\n", "could not determine a constructor"),
    "recursive.md": ("---\ntitle: x\na: &a [*a]\n---\n", "alias refers to itself"),
    "deep.md": ("---\ntitle: x\ndeep: " + "[" * 60 + "]" * 60 + "\n---\n", "nested deeper"),
    "duplicate.md": ("---\ntitle: 真标题\ntitle: 假标题\ndate: 2020-01-01\n---\n", "duplicate key 'title'"),
    "nul.md": ("---\ntitle: x\n---\nbody\x00body", "NUL"),
    "latin1.md": ("---\ntitle: caf\xe9\n---\n".encode("latin-1"), "not UTF-8"),
    "image.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL"),
    "long-title.md": ("---\ntitle: " + "长" * 1000 + "\ndate: 2020-01-01\n---\n", "title is too long"),
    "title-list.md": ("---\ntitle: [a, b]\ndate: 2020-01-01\n---\n", "title is a list"),
    "not-a-mapping.md": ("---\n- just\n- a list\n---\n", "not a list of"),
    "garbage-date.md": ("---\ntitle: x\ndate: 2025-08-21 0：00：0jjj0\n---\n", "unreadable date"),
    "year-900.md": ("---\ntitle: x\ndate: Fri, 01 Jan 0900 00:00:00 GMT\n---\n", "implausible date"),
    "not-a-post.txt": ("---\ntitle: x\n---\n", "not a post"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_file_is_refused_with_one_line(tmp_path, name):
    text, reason = REFUSED[name]
    path = write(tmp_path, name, text)
    code, out, err = run_import(path)
    assert code == 1
    assert err.splitlines()[0].startswith(f"{path}: ") and reason in err.splitlines()[0]
    assert len([line for line in err.splitlines() if not line.startswith("CommandError")]) == 1
    assert not Article.objects.exists() and not Category.objects.exists() and not Tag.objects.exists()


def test_python_tags_are_never_constructed(tmp_path):
    marker = tmp_path / "pwned"
    write(tmp_path, "p.md", f"---\ntitle: x\nhack: !!python/object/apply:os.system ['touch {marker}']\n---\n")
    run_import(tmp_path)
    assert not marker.exists()


def test_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.md"
    with path.open("wb") as handle:
        handle.write(b"---\ntitle: x\n---\n")
        handle.truncate(limits.MAX_FILE_BYTES + 1)  # sparse: no need to write megabytes
    code, _out, err = run_import(path)
    assert code == 1 and "file too large" in err


def test_huge_front_matter_is_refused(tmp_path):
    tags = "\n".join(f"- 标签{n}" for n in range(20_000))
    path = write(tmp_path, "p.md", f"---\ntitle: x\ntags:\n{tags}\n---\n")
    code, _out, err = run_import(path)
    assert code == 1 and "front matter is larger than" in err


def test_the_rest_of_the_run_goes_on(tmp_path):
    for name, (text, _reason) in REFUSED.items():
        write(tmp_path, name, text)
    write(tmp_path, "good.md", "---\ntitle: 好稿\ndate: 2020-01-01\n---\n正文")
    code, out, err = run_import(tmp_path)
    assert code == 1
    assert Article.objects.get().title == "好稿"
    assert "1 created" in out and f"{len(REFUSED) - 1} failed" in out  # .txt files are not posts in a folder


def test_front_matter_id_cannot_touch_another_article(tmp_path):
    victim = ArticleFactory(title="原稿")
    write(
        tmp_path,
        "p.md",
        f"---\nid: {victim.pk}\npk: {victim.pk}\nslug: {victim.slug}\nsource_key: null\nstatus: draft\n"
        f"created_by: 1\nversion: 0\ntitle: 导入稿\ndate: 2020-01-01\n---\n正文",
    )
    code, _out, err = run_import(tmp_path)
    assert code == 0, err
    victim.refresh_from_db()
    assert victim.title == "原稿" and victim.status == "published"
    imported = Article.objects.get(title="导入稿")
    assert imported.pk != victim.pk and imported.slug != victim.slug and imported.source_key == "hexo:p.md"
    assert imported.created_by is None


def test_javascript_everywhere_is_defanged_with_warnings(tmp_path):
    post = write(
        tmp_path,
        "p.md",
        "---\ntitle: t\ndate: 2020-01-01\nheadimg: javascript:alert(1)\nthumbnail: 'data:image/png;base64,AA'\n"
        "cover: //evil.example/x.png\n---\n"
        "[a](javascript:alert(1))\n\n"
        '<a href="JaVaScRiPt:alert(2)">b</a> <img src=x onerror="alert(3)"> <script>alert(4)</script>\n\n'
        '<iframe src="https://evil.example"></iframe><svg onload="alert(5)"></svg>\n',
    )
    code, _out, err = run_import(tmp_path)
    assert code == 0
    article = Article.objects.get()
    for address in re.findall(r'(?:href|src)="([^"]*)"', article.body):
        assert address.startswith(("http://", "https://")) or ":" not in address, address
    for needle in ("onerror", "<script", "alert(4)", "<iframe", "<svg", "data:"):
        assert needle not in article.body, needle
    assert article.head_image_url == "" and article.thumbnail_url == ""
    assert f"{post}: warning: headimg ignored" in err
    assert f"{post}: warning: unsafe address dropped: javascript:alert(1)" in err
    assert f"{post}: warning: unsafe address dropped: JaVaScRiPt:alert(2)" in err


def test_asset_img_outside_the_asset_folder_is_refused(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    write(tmp_path, "secret.png", b"\x89PNG")
    post = write(
        tmp_path / "posts",
        "p.md",
        "---\ntitle: t\ndate: 2020-01-01\n---\n{% asset_img ../../secret.png %}\n{% asset_img /etc/passwd %}\n",
    )
    code, _out, err = run_import(post)
    assert code == 0
    assert "<img" not in Article.objects.get().body
    assert err.count("refused: not a file name inside the post's asset folder") == 2
    assert not (tmp_path / "media").exists()


@pytest.mark.parametrize("permalink", ["../../../etc/passwd", "/a/../../b", "javascript:alert(1)", "/x/%00/y"])
def test_permalinks_cannot_escape_the_site(tmp_path, permalink):
    write(tmp_path, "p.md", f"---\ntitle: t\ndate: 2020-01-01\npermalink: '{permalink}'\n---\n")
    code, _out, err = run_import(tmp_path)
    assert code == 0 and Article.objects.get().legacy_path is None and "no old address kept" in err


def test_slug_cannot_escape_the_url_space(tmp_path):
    write(tmp_path, "p.md", "---\ntitle: t\ndate: 2020-01-01\nslug: ../../admin/\n---\n")
    run_import(tmp_path)
    article = Article.objects.get()
    assert article.slug == "admin" and "/" not in article.slug
    assert article.get_absolute_url() == f"/articles/{article.pk}/admin/"


def test_too_many_names_are_capped(tmp_path):
    tags = ", ".join(f"t{n}" for n in range(200))
    authors = ", ".join(f"a{n}" for n in range(200))
    write(tmp_path, "p.md", f"---\ntitle: t\ndate: 2020-01-01\ntags: [{tags}]\nauthor: [{authors}]\n---\n")
    code, _out, err = run_import(tmp_path)
    assert code == 0
    article = Article.objects.get()
    assert article.tags.count() == limits.MAX_NAMES and Author.objects.count() == limits.MAX_NAMES
    assert f"only the first {limits.MAX_NAMES} tags kept" in err


def test_overlong_names_are_cut_to_fit(tmp_path):
    write(tmp_path, "p.md", f"---\ntitle: t\ndate: 2020-01-01\ncategories: [{'类' * 300}]\nauthor: {'名' * 300}\n---\n")
    run_import(tmp_path)
    assert len(Category.objects.get().name) == limits.MAX_NAME_LENGTH
    assert len(Author.objects.get().name) == limits.MAX_NAME_LENGTH


@pytest.mark.parametrize("opening", ["<blockquote>", "<b>x", "<div><span>"])
def test_deeply_nested_html_is_refused_quickly(tmp_path, opening):
    path = write(tmp_path, "p.html", "---\ntitle: t\ndate: 2020-01-01\n---\n" + opening * 100_000)
    started = time.monotonic()
    code, _out, err = run_import(path)
    assert code == 1 and "HTML nested" in err and time.monotonic() - started < 10


def test_thousands_of_tag_plugins_stay_fast_and_warnings_are_capped(tmp_path):
    path = write(tmp_path, "p.md", "---\ntitle: t\ndate: 2020-01-01\n---\n" + "{% folding x %}{% raw %}" * 20_000)
    started = time.monotonic()
    code, _out, err = run_import(path)
    assert code == 0 and time.monotonic() - started < 30
    assert err.count(": warning: ") == limits.MAX_WARNINGS + 1 and "39950 more warnings not shown" in err


def test_an_unexpected_error_fails_the_file_not_the_run(tmp_path, monkeypatch):
    from articles.importers import hexo

    def explode(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    write(tmp_path, "a.md", "---\ntitle: a\ndate: 2020-01-01\n---\n")
    monkeypatch.setattr(hexo, "_category_paths", explode)
    code, _out, err = run_import(tmp_path)
    assert code == 1 and "a.md: could not be read: RecursionError" in err


def test_backtick_runs_of_growing_length_stay_fast(tmp_path):
    body = "".join("`" * length + "a" for length in range(1, 1500))
    path = write(tmp_path, "p.md", "---\ntitle: t\ndate: 2020-01-01\n---\n" + body)
    started = time.monotonic()
    code, _out, _err = run_import(path)
    assert code == 0 and time.monotonic() - started < 20


def test_unclosed_tag_openings_on_one_long_line_stay_fast(tmp_path):
    path = write(tmp_path, "p.md", "---\ntitle: t\ndate: 2020-01-01\n---\n" + "{% x " * 100_000)
    started = time.monotonic()
    code, _out, _err = run_import(path)
    assert code == 0 and time.monotonic() - started < 20


def test_a_post_that_takes_too_long_to_read_is_refused(tmp_path, monkeypatch):
    from articles.importers import hexo

    def slow(*args, **kwargs):
        time.sleep(5)

    monkeypatch.setattr(limits, "MAX_PARSE_SECONDS", 0.2)
    monkeypatch.setattr(hexo, "render_body", slow)
    write(tmp_path, "slow.md", "---\ntitle: t\ndate: 2020-01-01\n---\nx")
    started = time.monotonic()
    code, _out, err = run_import(tmp_path)
    assert code == 1 and "slow.md: took longer than 0.2 s to read" in err and time.monotonic() - started < 3
