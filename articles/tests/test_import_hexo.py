"""Hexo semantics: what a post's front matter and body become (no database)."""

import datetime as dt
import os
import zoneinfo

import pytest

from articles.importers.files import find_posts
from articles.importers.frontmatter import split_front_matter
from articles.importers.hexo import PostError, parse_post

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
UTC = dt.UTC


def write(root, name, text):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def post(tmp_path, front, body="正文。", name="p.md", **options):
    path = write(tmp_path, name, f"---\n{front}\n---\n{body}")
    return parse_post(path, tmp_path, tz=options.pop("tz", SHANGHAI), **options)


def messages(data):
    return [message for _line, message in data.warnings]


# Front matter forms ------------------------------------------------------------


def test_json_front_matter():
    meta, body = split_front_matter(';;;\n"title": "标题", "tags": ["a"]\n;;;\n正文')
    assert meta == {"title": "标题", "tags": ["a"]} and body == "正文"


def test_tab_indented_yaml_is_read_as_hexo_does():
    meta, _ = split_front_matter("---\ntags:\n\t- 央行\n\t- 货币\n---\n")
    assert meta["tags"] == ["央行", "货币"]


def test_leading_blank_line_before_front_matter(tmp_path):
    path = write(tmp_path, "p.md", "\n---\ntitle: 标题\ndate: 2020-01-01\n---\n\n<p>正文</p>")
    data = parse_post(path, tmp_path, tz=SHANGHAI)
    assert data.title == "标题" and data.body == "<p>正文</p>"


# Titles -------------------------------------------------------------------------


def test_title_from_the_file_name_without_date_prefix(tmp_path):
    assert post(tmp_path, "date: 2020-01-01", name="2020-01-01-hello-world.md").title == "hello-world"


def test_title_that_yaml_reads_as_a_number_is_text(tmp_path):
    assert post(tmp_path, "title: 2048\ndate: 2020-01-01").title == "2048"


def test_control_characters_leave_the_title(tmp_path):
    assert post(tmp_path, 'title: "央行\\u0007公告"\ndate: 2020-01-01').title == "央行 公告"


def test_overlong_title_is_refused(tmp_path):
    with pytest.raises(PostError, match="title is too long"):
        post(tmp_path, f"title: {'长' * 300}\ndate: 2020-01-01")


# Dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "front, expected",
    [
        ("date: 2021-03-22 04:50:47", dt.datetime(2021, 3, 22, 4, 50, 47, tzinfo=SHANGHAI)),
        ("date: '2022-03-21 08:24:49'", dt.datetime(2022, 3, 21, 8, 24, 49, tzinfo=SHANGHAI)),
        ("date: 2017-05-1 22:43:21", dt.datetime(2017, 5, 1, 22, 43, 21, tzinfo=SHANGHAI)),
        ("date: 2026-7-16 18:18", dt.datetime(2026, 7, 16, 18, 18, tzinfo=SHANGHAI)),
        ("date: 2021-03-7", dt.datetime(2021, 3, 7, tzinfo=SHANGHAI)),
        ("date: 2014-11-28 02:06:00+08:00", dt.datetime(2014, 11, 27, 18, 6, tzinfo=UTC)),
        ("date: Wed, 09 Sep 2020 00:45:33 GMT", dt.datetime(2020, 9, 9, 0, 45, 33, tzinfo=UTC)),
    ],
)
def test_corpus_date_forms(tmp_path, front, expected):
    assert post(tmp_path, f"title: t\n{front}").published_at == expected


def test_timezone_option_applies_to_dates_without_offset(tmp_path):
    data = post(tmp_path, "title: t\ndate: 2021-03-22 04:50:47", tz=UTC)
    assert data.published_at == dt.datetime(2021, 3, 22, 4, 50, 47, tzinfo=UTC)


@pytest.mark.parametrize("value", ["Invalid Date", "2025-08-21 0：00：0jjj0", "2021-2-30", "0900-01-01", "9999-01-01"])
def test_garbage_dates_refuse_the_post(tmp_path, value):
    with pytest.raises(PostError, match="date"):
        post(tmp_path, f"title: t\ndate: {value}")


def test_impossible_date_in_the_file_name_refuses_the_post(tmp_path):
    with pytest.raises(PostError, match="file name"):
        post(tmp_path, "title: t", name="2021-2-30-slider.md")


def test_date_from_a_jekyll_file_name(tmp_path):
    data = post(tmp_path, "title: t", name="2015-03-05-hexo-3.markdown")
    assert data.published_at == dt.datetime(2015, 3, 5, tzinfo=SHANGHAI)


def test_no_date_uses_the_file_time_and_says_so(tmp_path):
    path = write(tmp_path, "p.html", "<p>没有日期</p>")
    os.utime(path, (1_600_000_000, 1_600_000_000))
    data = parse_post(path, tmp_path, tz=SHANGHAI)
    assert data.published_at == dt.datetime.fromtimestamp(1_600_000_000, tz=UTC)
    assert "no date; used the file's modification time" in messages(data)


# Status, comments, people ---------------------------------------------------------


@pytest.mark.parametrize(
    "front, status",
    [
        ("published: false", "draft"),
        ("published: 'no'", "draft"),
        ("published: true", "published"),
        ("published: false\nstatus: review", "review"),
        ("status: review", "published"),  # a published post stays published
        ("password: secret", "draft"),
    ],
)
def test_status(tmp_path, front, status):
    assert post(tmp_path, f"title: t\ndate: 2020-01-01\n{front}").status == status


def test_posts_under_drafts_are_drafts(tmp_path):
    path = write(tmp_path, "source/_drafts/p.md", "---\ntitle: t\ndate: 2020-01-01\n---\nx")
    assert parse_post(path, tmp_path, tz=SHANGHAI).status == "draft"


@pytest.mark.parametrize(
    "value, allowed", [("false", False), ("'false'", False), ("no", False), ("true", True), ("", True)]
)
def test_comments(tmp_path, value, allowed):
    assert post(tmp_path, f"title: t\ndate: 2020-01-01\ncomments: {value}").allow_comments is allowed


@pytest.mark.parametrize(
    "front, authors",
    [
        ("author: 财联社", ["财联社"]),
        ("author: [王明, 李雪]", ["王明", "李雪"]),
        ("author: 王明、李雪", ["王明", "李雪"]),
        ("author:\n  name: 王明\n  link: https://example.org", ["王明"]),
        ("author:", []),
    ],
)
def test_authors(tmp_path, front, authors):
    assert post(tmp_path, f"title: t\ndate: 2020-01-01\n{front}").authors == authors


# Categories and tags ----------------------------------------------------------------


@pytest.mark.parametrize(
    "front, expected",
    [
        ("categories: [[金融, 财联社], [科技]]", [["金融", "财联社"], ["科技"]]),
        ("categories:\n - [vue]\n - [前端, js]", [["vue"], ["前端", "js"]]),
        ("category: [金融, 财联社]", [["金融", "财联社"]]),
        ("categories: 2024", [["2024"]]),
    ],
)
def test_more_category_forms(tmp_path, front, expected):
    assert post(tmp_path, f"title: t\ndate: 2020-01-01\n{front}").category_paths == expected


@pytest.mark.parametrize(
    "front, tags",
    [
        ("tags:\n - 云计算\n - 芯片", ["云计算", "芯片"]),
        ("tags: [云计算, 芯片]", ["云计算", "芯片"]),
        ("tags: 云计算, 芯片，出海", ["云计算", "芯片", "出海"]),
        ("tags: Python", ["Python"]),
        ("tags:", []),
        ("tags: [Python, python, PYTHON]", ["Python"]),
        ("tags: [1, 2.5]", ["1", "2.5"]),
    ],
)
def test_tags(tmp_path, front, tags):
    assert post(tmp_path, f"title: t\ndate: 2020-01-01\n{front}").tags == tags


def test_misspelled_keys_are_ignored_with_a_hint(tmp_path):
    data = post(tmp_path, "title: t\ndate: 2020-01-01\ncategries: [a]\ntltle: x")
    assert data.category_paths == []
    assert "front-matter key 'categries' ignored (did you mean 'categories'?)" in messages(data)


# Images ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "front, head",
    [
        ("headimg: https://img.example/a.jpg\ncover: https://img.example/b.jpg", "https://img.example/a.jpg"),
        ("cover: https://img.example/b.jpg", "https://img.example/b.jpg"),
        ("header-img: /img/bg.jpg", "/img/bg.jpg"),
        ("photos:\n - https://img.example/1.jpg\n - https://img.example/2.jpg", "https://img.example/1.jpg"),
        ("thumbnail: https://img.example/t.jpg", ""),
    ],
)
def test_head_image_keys(tmp_path, front, head):
    assert post(tmp_path, f"title: t\ndate: 2020-01-01\n{front}").head_image_url == head


@pytest.mark.parametrize(
    "value, reason",
    [
        ("javascript:alert(1)", "not an http(s) address"),
        ("img/post-bg.jpg", "not an http(s) address"),
        ("https://picsum.photos/400/300?random=6880", "placeholder"),
    ],
)
def test_unusable_images_are_dropped_with_a_warning(tmp_path, value, reason):
    data = post(tmp_path, f"title: t\ndate: 2020-01-01\nheadimg: '{value}'\nthumbnail: '{value}'")
    assert data.head_image_url == "" and data.thumbnail_url == ""
    assert any(reason in message for message in messages(data))


# Summary ----------------------------------------------------------------------------------


def test_summary_from_excerpt(tmp_path):
    assert post(tmp_path, "title: t\ndate: 2020-01-01\nexcerpt: 摘要。\ndescription: 描述").summary == "摘要。"


def test_summary_from_description(tmp_path):
    assert post(tmp_path, "title: t\ndate: 2020-01-01\ndescription: 描述").summary == "描述"


def test_summary_from_the_more_marker(tmp_path):
    data = post(tmp_path, "title: t\ndate: 2020-01-01", body="第一段**重点**。\n\n<!-- more -->\n\n后文。")
    assert data.summary == "第一段重点。"
    assert "后文" in data.body and "more" not in data.body


def test_summary_made_from_the_text_at_a_sentence_end(tmp_path):
    body = "央行今日开展逆回购操作。" * 20
    summary = post(tmp_path, "title: t\ndate: 2020-01-01", body=body).summary
    assert summary.endswith("。") and len(summary) <= 120


# Bodies --------------------------------------------------------------------------------------


def test_markdown_strikethrough_table_and_raw_html(tmp_path):
    body = '~~旧~~新\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<figure><img src="https://img.example/a.jpg"></figure>\n'
    html = post(tmp_path, "title: t\ndate: 2020-01-01", body=body).body
    assert "<s>旧</s>新" in html and "<td>1</td>" in html and "<figure><img" in html


def test_html_post_is_kept_as_html(tmp_path):
    html = post(tmp_path, "title: t\ndate: 2020-01-01", body="<p>**不是Markdown**</p>", name="p.html").body
    assert html == "<p>**不是Markdown**</p>"


def test_entity_escaped_braces_become_braces(tmp_path):
    html = post(tmp_path, "title: t\ndate: 2020-01-01", body="<p>&#123;a&#125;</p>", name="p.html").body
    assert html == "<p>{a}</p>"


def test_markdown_refuses_javascript_links_and_warns(tmp_path):
    data = post(tmp_path, "title: t\ndate: 2020-01-01", body="[点我](javascript:alert(1)) ![x](javascript:x)")
    assert "<a" not in data.body and "<img" not in data.body
    assert "unsafe address dropped: javascript:alert(1)" in messages(data)


def test_unsafe_html_links_are_dropped_with_a_warning(tmp_path):
    data = post(
        tmp_path,
        "title: t\ndate: 2020-01-01",
        body='<p><a href="vbscript:x">a</a><img src="data:image/png;base64,AA"></p>',
    )
    assert "vbscript" not in data.body and "data:" not in data.body
    assert "unsafe address dropped: vbscript:x" in messages(data)


# Keys that are not mapped ------------------------------------------------------------------------


def test_unmapped_keys_never_reach_the_article(tmp_path):
    data = post(
        tmp_path, "title: t\ndate: 2020-01-01\nid: 1\npk: 1\nsource_key: hexo:other.md\nversion: 99\nlayout: post"
    )
    assert data.source_key == "hexo:p.md"
    assert not hasattr(data, "id") and not hasattr(data, "pk") and not hasattr(data, "version")


def test_slug_cannot_be_a_path(tmp_path):
    assert post(tmp_path, "title: t\ndate: 2020-01-01\nslug: ../../admin/x").slug == "adminx"


# Which files are posts -----------------------------------------------------------------------------


def test_directory_rule(tmp_path):
    for name in [
        "a.md", "b.markdown", "c.html", "notes.txt", "README.md", "SOURCE.md", "sub/d.md", ".git/e.md",
        "node_modules/pkg/README.md", "_posts/README.md",
    ]:  # fmt: skip
        write(tmp_path, name, "x")
    found = sorted(path.relative_to(tmp_path).as_posix() for path, _root in find_posts([tmp_path]))
    assert found == ["_posts/README.md", "a.md", "b.markdown", "c.html", "sub/d.md"]


def test_a_site_root_reads_only_its_posts(tmp_path):
    for name in [
        "_config.yml", "README.md", "scaffolds/post.md", "source/about/index.md", "themes/x/README.md",
        "source/_posts/one.md", "source/_posts/sub/two.md", "source/_drafts/three.md",
    ]:  # fmt: skip
        write(tmp_path, name, "x")
    found = sorted(path.relative_to(tmp_path).as_posix() for path, _root in find_posts([tmp_path]))
    assert found == ["source/_drafts/three.md", "source/_posts/one.md", "source/_posts/sub/two.md"]


def test_symbolic_links_are_not_followed(tmp_path):
    outside = write(tmp_path / "outside", "secret.md", "---\ntitle: secret\n---\n")
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "link.md").symlink_to(outside)
    (tmp_path / "posts" / "dir").symlink_to(outside.parent)
    assert list(find_posts([tmp_path / "posts"])) == []


def test_source_key_is_the_path_below_the_directory_given(tmp_path):
    path = write(tmp_path, "source/_posts/金融/财联社/深度/标题.md", "---\ntitle: t\ndate: 2020-01-01\n---\n")
    assert parse_post(path, tmp_path / "source" / "_posts", tz=SHANGHAI).source_key == "hexo:金融/财联社/深度/标题.md"
    assert parse_post(path, tmp_path, tz=SHANGHAI).source_key == "hexo:source/_posts/金融/财联社/深度/标题.md"


# Old addresses -----------------------------------------------------------------------------------------


def test_old_address_from_the_default_pattern(tmp_path):
    path = write(
        tmp_path, "source/_posts/金融/2022-06-19-标题 一.md", "---\ntitle: t\ndate: 2022-06-19 08:00:00\n---\n"
    )
    assert parse_post(path, tmp_path, tz=SHANGHAI).legacy_path == "/2022/06/19/金融/标题 一/"


def test_old_address_uses_the_site_time_zone(tmp_path):
    path = write(tmp_path, "_posts/p.md", "---\ntitle: t\ndate: Sat, 18 Jun 2022 20:00:00 GMT\n---\n")
    assert parse_post(path, tmp_path, tz=SHANGHAI).legacy_path == "/2022/06/19/p/"


@pytest.mark.parametrize(
    "front, pattern, expected",
    [
        ("permalink: /archives/abc/", None, "/archives/abc/"),
        ("permalink: archives/%E4%B8%AD.html", None, "/archives/中.html"),
        ("permalink: https://old.example/posts/6/", None, "/posts/6/"),
        ("abbrlink: 4a17b156", "posts/:abbrlink/", "/posts/4a17b156/"),
        ("slug: hello", ":year/:title.html", "/2022/hello.html"),
        ("categories: [Big Data, Spark]", ":category/:name/", "/Big-Data/Spark/p/"),
    ],
)
def test_old_address_forms(tmp_path, front, pattern, expected):
    options = {"permalink": pattern} if pattern else {}
    assert post(tmp_path, f"title: t\ndate: 2022-06-19\n{front}", **options).legacy_path == expected


@pytest.mark.parametrize("value", ["../../etc/passwd", "javascript:alert(1)", "/a/%2e%2e/%2e%2e/b", "/a\\b"])
def test_old_addresses_cannot_escape_the_site(tmp_path, value):
    data = post(tmp_path, f"title: t\ndate: 2022-06-19\npermalink: '{value}'")
    assert data.legacy_path is None
    assert any("no old address kept" in message for message in messages(data))


def test_drafts_had_no_old_address(tmp_path):
    assert post(tmp_path, "title: t\ndate: 2022-06-19\npublished: false").legacy_path is None


@pytest.mark.parametrize(
    "text, meta, body",
    [
        ("---\n---\n正文", {}, "正文"),
        ("---  \ntitle: 标题\n---\t\n正文", {"title": "标题"}, "正文"),
        ("---\ntitle: 标题\n---", {"title": "标题"}, ""),
        ("---\ntitle: 标题\nnote: |\n  ---\n---\n正文", {"title": "标题", "note": "---"}, "正文"),
    ],
)
def test_front_matter_edges(text, meta, body):
    assert split_front_matter(text) == (meta, body)


def test_a_file_named_alone_keeps_the_key_its_posts_folder_gives(tmp_path):
    path = write(tmp_path, "source/_posts/金融/标题.md", "x")
    other = write(tmp_path, "elsewhere/标题.md", "x")
    assert list(find_posts([path])) == [(path, tmp_path / "source" / "_posts")]
    assert list(find_posts([other])) == [(other, tmp_path / "elsewhere")]
