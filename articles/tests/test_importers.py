import datetime as dt
import zoneinfo
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.importers.dates import DateError, parse_date
from articles.importers.frontmatter import FrontMatterError, split_front_matter
from articles.importers.hexo import PostError, parse_post
from articles.models import Article, Category

from .commands import run_import

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
SAMPLES = Path(settings.BASE_DIR) / "samples"

SEED_POST = """
---
title: '阿里云们的十字路口：自研与出海并进'
categories: 
 - 金融
 - 财联社
 - 深度
headimg: 'https://img.cls.cn/images/20220619/LD0UNiEi81.PNG'
author: 财联社
comments: false
date: Sun, 19 Jun 2022 04:35:46 GMT
thumbnail: 'https://img.cls.cn/images/20220619/thumb.PNG'
tags:
 - 云计算
 - 芯片
---

<div>   
<div class="m-b-10"><style>.markdown-body&#123;color:#333&#125;</style><p><strong>《科创板日报》6月19日讯（记者 黄心怡）</strong>国内云计算的发展已经走在了关键的十字路口。</p>
<!-- ad slot -->
<p><img src="https://img.cls.cn/images/20220619/LD0UNiEi81.PNG" alt="image" referrerpolicy="no-referrer"></p></div>
</div>
            """


def write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# Parsing (no database) -------------------------------------------------------


def test_seed_post_is_parsed(tmp_path):
    path = write(tmp_path, "金融/财联社/深度/阿里云.md", SEED_POST)
    post = parse_post(path, tmp_path, tz=SHANGHAI)
    assert post.source_key == "hexo:金融/财联社/深度/阿里云.md"
    assert post.title == "阿里云们的十字路口：自研与出海并进"
    assert post.category_paths == [["金融", "财联社", "深度"]]
    assert post.authors == ["财联社"]
    assert post.tags == ["云计算", "芯片"]
    assert post.allow_comments is False
    assert post.published_at == dt.datetime(2022, 6, 19, 4, 35, 46, tzinfo=dt.UTC)
    assert post.head_image_url == "https://img.cls.cn/images/20220619/LD0UNiEi81.PNG"
    assert post.thumbnail_url == "https://img.cls.cn/images/20220619/thumb.PNG"
    assert "<strong>《科创板日报》6月19日讯（记者 黄心怡）</strong>" in post.body
    assert 'referrerpolicy="no-referrer"' in post.body
    assert "markdown-body" not in post.body and "class=" not in post.body and "ad slot" not in post.body
    assert post.summary.startswith("《科创板日报》6月19日讯")


def test_front_matter_at_byte_zero():
    meta, body = split_front_matter("---\ntitle: 标题\n---\n正文")
    assert meta == {"title": "标题"} and body == "正文"


def test_front_matter_with_bom_and_crlf():
    meta, body = split_front_matter("\ufeff---\r\ntitle: 标题\r\n---\r\n正文\r\n")
    assert meta == {"title": "标题"} and body == "正文\n"


def test_legacy_front_matter_without_opening_separator():
    meta, body = split_front_matter("title: Categories\ndate: 2013-12-24 23:30:09\n---\n\nThis post")
    assert meta["title"] == "Categories" and body.strip() == "This post"


def test_file_without_front_matter_is_all_body():
    assert split_front_matter("<p>只有正文</p>") == ({}, "<p>只有正文</p>")


def test_invalid_yaml_is_an_error_naming_the_line():
    with pytest.raises(FrontMatterError, match=r"\(line 3\)"):
        split_front_matter("\n---\ntitle: @大道无形\n---\nbody")
    with pytest.raises(FrontMatterError, match=r"\(line 3\)"):
        split_front_matter("---\ndate: 2020-01-01\ntitle: @大道无形\n---\nbody")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Sun, 19 Jun 2022 04:35:46 GMT", dt.datetime(2022, 6, 19, 4, 35, 46, tzinfo=dt.UTC)),
        ("2021-03-22 04:50:47", dt.datetime(2021, 3, 22, 4, 50, 47, tzinfo=SHANGHAI)),
        ("2025-8-18", dt.datetime(2025, 8, 18, tzinfo=SHANGHAI)),
        ("2019/10/21", dt.datetime(2019, 10, 21, tzinfo=SHANGHAI)),
        ("2018-03-19 6:00:00", dt.datetime(2018, 3, 19, 6, tzinfo=SHANGHAI)),
        ("2014-11-28 02:06:00+08:00", dt.datetime(2014, 11, 27, 18, 6, tzinfo=dt.UTC)),
        (dt.date(2020, 8, 28), dt.datetime(2020, 8, 28, tzinfo=SHANGHAI)),
    ],
)
def test_dates(value, expected):
    assert parse_date(value, SHANGHAI) == expected


@pytest.mark.parametrize("value", ["Invalid Date", "2025-08-21 0：00：0jjj0", "2021-2-30", "Fri, 01 Jan 0900 00:00:00 GMT"])
def test_bad_dates_are_errors(value):
    with pytest.raises(DateError):
        parse_date(value, SHANGHAI)


def test_bad_date_is_a_post_error(tmp_path):
    path = write(tmp_path, "bad.md", "---\ntitle: x\ndate: Invalid Date\n---\nbody")
    with pytest.raises(PostError, match="Invalid Date"):
        parse_post(path, tmp_path, tz=SHANGHAI)


def test_date_from_file_name(tmp_path):
    path = write(tmp_path, "2019-06-01-hello.md", "---\ntitle: hello\n---\nbody")
    assert parse_post(path, tmp_path, tz=SHANGHAI).published_at == dt.datetime(2019, 6, 1, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "yaml_value, expected",
    [
        ("categories: 金融", [["金融"]]),
        ("categories: [金融, 财联社]", [["金融", "财联社"]]),
        ("categories:\n- [金融, 财联社]\n- 科技", [["金融", "财联社"], ["科技"]]),
        ("category: 科技", [["科技"]]),
        ("categories:", []),
    ],
)
def test_category_paths(tmp_path, yaml_value, expected):
    path = write(tmp_path, "p.md", f"---\ntitle: t\ndate: 2020-01-01\n{yaml_value}\n---\nbody")
    assert parse_post(path, tmp_path, tz=SHANGHAI).category_paths == expected


def test_multiple_authors_in_one_string(tmp_path):
    path = write(tmp_path, "p.md", "---\ntitle: t\ndate: 2020-01-01\nauthor: 王明, 李雪\n---\nbody")
    assert parse_post(path, tmp_path, tz=SHANGHAI).authors == ["王明", "李雪"]


def test_markdown_body_is_rendered_and_cleaned(tmp_path):
    path = write(tmp_path, "p.md", "---\ntitle: t\ndate: 2020-01-01\n---\n# 标题\n\n**粗体** <script>x</script>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    body = parse_post(path, tmp_path, tz=SHANGHAI).body
    assert "<h2>标题</h2>" in body and "<strong>粗体</strong>" in body and "<td>1</td>" in body
    assert "script" not in body


# Saving (database) -------------------------------------------------------------


@pytest.mark.django_db
def test_import_creates_article_with_relations(tmp_path):
    write(tmp_path, "金融/财联社/深度/阿里云.md", SEED_POST)
    code, out, err = run_import(tmp_path)
    assert code == 0, err
    article = Article.objects.get()
    assert article.status == "published" and article.is_live
    assert article.source_key == "hexo:金融/财联社/深度/阿里云.md"
    assert [str(c) for c in article.categories.all()] == ["金融 › 财联社 › 深度"]
    assert [a.name for a in article.authors.all()] == ["财联社"]
    assert sorted(article.tags.names()) == ["云计算", "芯片"]
    assert article.allow_comments is False


@pytest.mark.django_db
def test_reimport_creates_no_duplicates(tmp_path):
    write(tmp_path, "a.md", SEED_POST)
    run_import(tmp_path)
    code, out, _ = run_import(tmp_path)
    assert code == 0 and "1 unchanged" in out
    assert Article.objects.count() == 1
    assert Category.objects.count() == 3


@pytest.mark.django_db
def test_changed_file_updates_the_article(tmp_path):
    path = write(tmp_path, "a.md", SEED_POST)
    run_import(tmp_path)
    path.write_text(SEED_POST.replace("十字路口：", "新路口："), encoding="utf-8")
    code, out, _ = run_import(tmp_path)
    assert "1 updated" in out
    assert Article.objects.get().title == "阿里云们的新路口：自研与出海并进"


@pytest.mark.django_db
def test_article_edited_in_cms_is_not_overwritten(tmp_path):
    path = write(tmp_path, "a.md", SEED_POST)
    run_import(tmp_path)
    article = Article.objects.get()
    article.title = "编辑改过的标题"
    article.save()
    path.write_text(SEED_POST.replace("十字路口：", "新路口："), encoding="utf-8")
    code, out, err = run_import(tmp_path)
    assert code == 0
    assert "edited in the CMS" in err
    assert Article.objects.get().title == "编辑改过的标题"


@pytest.mark.django_db
def test_bad_file_is_reported_and_the_rest_go_on(tmp_path):
    write(tmp_path, "good.md", SEED_POST)
    bad = write(tmp_path, "bad.md", "\n---\ntitle: @大道无形我有型\n---\nbody")
    code, out, err = run_import(tmp_path)
    assert code == 1
    assert str(bad) in err and "YAML" in err
    assert len(err.strip().splitlines()) == 1
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_dry_run_saves_nothing(tmp_path):
    write(tmp_path, "a.md", SEED_POST)
    out = StringIO()
    call_command("import_hexo", str(tmp_path), "--dry-run", stdout=out, stderr=StringIO())
    assert "1 created" in out.getvalue() and "dry run" in out.getvalue()
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_missing_path_is_a_clear_error():
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_hexo", "/nonexistent/posts", stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
def test_bundled_samples_import_cleanly():
    code, out, err = run_import(SAMPLES)
    assert code == 0, err
    assert Article.objects.published().count() >= 12
    assert Category.objects.filter(parent=None).count() >= 3
    for article in Article.objects.all():
        assert "<style" not in article.body and "class=" not in article.body and "<!--" not in article.body


def _dated_post(title, updated):
    return f"---\ntitle: {title}\ndate: 2024-05-01 09:00:00\nupdated: {updated}\ntags: [芯片]\n---\n<p>{title}的正文。</p>\n"


@pytest.mark.django_db
def test_hexo_updated_becomes_the_time_of_the_last_change(tmp_path):
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    # New posts are saved a batch at a time ...
    write(tmp_path, "a.md", _dated_post("甲", "2024-05-03 10:30:00"))
    write(tmp_path, "b.md", _dated_post("乙", "2024-04-01 00:00:00"))  # before its date: the date
    write(tmp_path, "c.md", _dated_post("丙", "2999-01-01 00:00:00"))  # in the future: now
    write(tmp_path, "d.md", _dated_post("丁", "昨天"))  # unreadable: the import time, with a warning
    started = dt.datetime.now(dt.UTC)
    code, out, err = run_import(tmp_path)
    assert code == 0 and "updated: " in err
    articles = {article.title: article for article in Article.objects.all()}
    assert articles["甲"].updated_at == dt.datetime(2024, 5, 3, 10, 30, tzinfo=shanghai)
    assert articles["乙"].updated_at == dt.datetime(2024, 5, 1, 9, 0, tzinfo=shanghai)
    assert started <= articles["丙"].updated_at <= dt.datetime.now(dt.UTC)
    assert started <= articles["丁"].updated_at <= dt.datetime.now(dt.UTC)
    assert all(article.imported_at == article.updated_at for article in articles.values())
    # ... a changed one alone, and an editor's save is still told apart.
    write(tmp_path, "a.md", _dated_post("甲", "2024-06-01 08:00:00").replace("的正文", "改过的正文"))
    run_import(tmp_path)
    changed = Article.objects.get(title="甲")
    assert changed.updated_at == changed.imported_at == dt.datetime(2024, 6, 1, 8, 0, tzinfo=shanghai)
    changed.summary = "编辑写的摘要"
    changed.save()
    write(tmp_path, "a.md", _dated_post("甲", "2024-07-01 08:00:00"))
    code, out, err = run_import(tmp_path)
    assert "edited in the CMS" in err
    assert Article.objects.get(title="甲").summary == "编辑写的摘要"
