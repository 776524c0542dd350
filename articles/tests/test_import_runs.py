"""import_hexo runs: saving through the workflow, re-runs, dry runs, reports, old addresses."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Version
from taggit.models import Tag

from articles import workflow
from articles.models import Article, ArticleEvent, Author, Category

from .commands import run_import

pytestmark = pytest.mark.django_db

POST = """---
title: 央行开展逆回购操作
date: 2022-06-19 12:35:46
categories: [金融, 财联社, 电报]
tags: [央行, 货币政策]
author: 财联社
---
<p>央行今日开展逆回购操作。</p>
"""


def write(root, name, text):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def counts(out):
    match = re.search(
        r"(\d+) created, (\d+) updated, (\d+) unchanged, (\d+) skipped, (\d+) failed, (\d+) warnings", out
    )
    assert match, out
    keys = ["created", "updated", "unchanged", "skipped", "failed", "warnings"]
    return dict(zip(keys, map(int, match.groups()), strict=True))


def snapshot():
    """Everything an import may write, to prove a run wrote nothing."""
    return (
        list(Article.objects.values_list("pk", "title", "version", "updated_at", "status")),
        Category.objects.count(),
        Author.objects.count(),
        Tag.objects.count(),
        ArticleEvent.objects.count(),
        Version.objects.count(),
    )


# Through the workflow ---------------------------------------------------------------


def test_published_post_is_published_through_the_workflow(tmp_path):
    write(tmp_path, "a.md", POST)
    run_import(tmp_path)
    article = Article.objects.get()
    assert article.status == "published" and article.is_live
    assert article.published_at == dt.datetime(2022, 6, 19, 4, 35, 46, tzinfo=dt.UTC)
    event = article.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("draft", "published", None)
    assert article.imported_at == article.updated_at


def test_review_post_is_submitted(tmp_path):
    write(tmp_path, "a.md", POST.replace("author:", "published: false\nstatus: review\nauthor:"))
    run_import(tmp_path)
    article = Article.objects.get()
    assert article.status == "review" and article.published_at is None
    assert article.events.get().to_status == "review"


def test_draft_post_stays_a_draft(tmp_path):
    write(tmp_path, "a.md", POST.replace("author:", "published: false\nauthor:"))
    run_import(tmp_path)
    article = Article.objects.get()
    assert article.status == "draft" and article.published_at is None and not article.events.exists()


def test_future_post_is_scheduled(tmp_path):
    write(tmp_path, "a.md", POST.replace("2022-06-19", "2099-01-01"))
    run_import(tmp_path)
    article = Article.objects.get()
    assert article.status == "published" and not article.is_live
    assert article.events.get().scheduled_for == article.published_at


def test_import_writes_a_revision(tmp_path):
    write(tmp_path, "a.md", POST)
    run_import(tmp_path)
    version = Version.objects.get_for_object(Article.objects.get()).get()
    assert version.revision.comment == "Imported from hexo:a.md"


# Re-runs -------------------------------------------------------------------------------


def test_second_run_changes_nothing(tmp_path):
    write(tmp_path, "a.md", POST)
    run_import(tmp_path)
    before = snapshot()
    code, out, _ = run_import(tmp_path)
    assert code == 0 and counts(out)["unchanged"] == 1
    assert snapshot() == before


def test_changed_file_updates_the_article_and_leaves_a_revision(tmp_path):
    path = write(tmp_path, "a.md", POST)
    run_import(tmp_path)
    path.write_text(
        POST.replace("逆回购操作。", "1000亿元逆回购操作。").replace("tags: [央行, 货币政策]", "tags: [央行]"), "utf-8"
    )
    code, out, _ = run_import(tmp_path)
    assert counts(out)["updated"] == 1
    article = Article.objects.get()
    assert "1000亿元" in article.body and list(article.tags.names()) == ["央行"]
    assert Version.objects.get_for_object(article).count() == 2
    assert article.imported_at == article.updated_at


def test_changed_date_moves_a_published_article(tmp_path):
    path = write(tmp_path, "a.md", POST)
    run_import(tmp_path)
    path.write_text(POST.replace("2022-06-19 12:35:46", "2022-06-20 08:00:00"), "utf-8")
    run_import(tmp_path)
    assert Article.objects.get().published_at == dt.datetime(2022, 6, 20, tzinfo=dt.UTC)


def test_file_turned_draft_unpublishes_through_the_workflow(tmp_path):
    path = write(tmp_path, "a.md", POST)
    run_import(tmp_path)
    path.write_text(POST.replace("author:", "published: false\nauthor:"), "utf-8")
    run_import(tmp_path)
    article = Article.objects.get()
    assert article.status == "draft"
    assert list(article.events.values_list("to_status", flat=True)) == ["draft", "published"]


def test_article_edited_in_the_cms_is_skipped(tmp_path):
    path = write(tmp_path, "a.md", POST)
    run_import(tmp_path)
    article = Article.objects.get()
    article.title = "编辑改过"
    article.save()
    path.write_text(POST.replace("逆回购", "正回购"), "utf-8")
    code, out, err = run_import(tmp_path)
    assert code == 0 and counts(out)["skipped"] == 1
    assert f"{path}: skipped: edited in the CMS since import; use --overwrite" in err
    assert Article.objects.get().title == "编辑改过"


def test_a_workflow_move_in_the_cms_counts_as_an_edit(tmp_path):
    path = write(tmp_path, "a.md", POST)
    run_import(tmp_path)
    workflow.unpublish(Article.objects.get(), user=workflow.SYSTEM)
    path.write_text(POST.replace("逆回购", "正回购"), "utf-8")
    _code, out, _err = run_import(tmp_path)
    assert counts(out)["skipped"] == 1 and Article.objects.get().status == "draft"


def test_overwrite_replaces_cms_edits(tmp_path):
    path = write(tmp_path, "a.md", POST)
    run_import(tmp_path)
    article = Article.objects.get()
    article.title = "编辑改过"
    article.save()
    path.write_text(POST.replace("逆回购", "正回购"), "utf-8")
    _code, out, _err = run_import(tmp_path, overwrite=True)
    assert counts(out)["updated"] == 1
    article = Article.objects.get()
    assert article.title == "央行开展正回购操作"
    assert "replacing edits made in the CMS" in Version.objects.get_for_object(article).first().revision.comment


def test_same_story_in_two_sections_stays_two_articles(tmp_path):
    write(tmp_path, "金融/财联社/电报/同一篇.md", POST)
    write(tmp_path, "金融/财联社/深度/同一篇.md", POST.replace("电报", "深度").replace("12:35:46", "13:00:00"))
    run_import(tmp_path)
    assert Article.objects.count() == 2
    assert sorted(str(a.categories.get()) for a in Article.objects.all()) == [
        "金融 › 财联社 › 深度",
        "金融 › 财联社 › 电报",
    ]
    assert Category.objects.count() == 4


# Dry runs -------------------------------------------------------------------------------


def test_dry_run_reports_what_a_real_run_does_and_writes_nothing(tmp_path):
    write(tmp_path, "a.md", POST)
    write(tmp_path, "b.md", POST.replace("央行开展", "财政部开展"))
    write(tmp_path, "bad.md", "---\ntitle: x\ndate: Invalid Date\n---\n")
    write(tmp_path, "warn.md", POST.replace("---\n<p>", "headimg: javascript:alert(1)\n---\n<p>"))
    before = snapshot()
    _code, dry, dry_err = run_import(tmp_path, dry_run=True)
    assert snapshot() == before
    _code, real, real_err = run_import(tmp_path)
    assert counts(dry) == counts(real) == {
        "created": 3, "updated": 0, "unchanged": 0, "skipped": 0, "failed": 1, "warnings": 1
    }  # fmt: skip
    assert dry_err == real_err


def test_dry_run_after_a_change_reports_the_update_and_keeps_the_old_text(tmp_path):
    path = write(tmp_path, "a.md", POST)
    run_import(tmp_path)
    path.write_text(POST.replace("逆回购", "正回购"), "utf-8")
    before = snapshot()
    _code, out, _err = run_import(tmp_path, dry_run=True)
    assert counts(out)["updated"] == 1 and snapshot() == before


# Reports and failures -----------------------------------------------------------------------


def test_one_line_per_failure_naming_the_file(tmp_path):
    write(tmp_path, "good.md", POST)
    bad = write(tmp_path, "bad.md", "---\ntitle: [unclosed\n---\n")
    code, out, err = run_import(tmp_path)
    assert code == 1
    assert err.splitlines() == [f"{bad}: invalid YAML front matter: {err.split('front matter: ')[1].splitlines()[0]}"]
    assert counts(out) == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 0, "failed": 1, "warnings": 0}


def test_a_save_failure_rolls_back_that_file_only(tmp_path, monkeypatch):
    write(tmp_path, "a.md", POST)
    write(tmp_path, "b.md", POST.replace("央行开展", "财政部开展"))
    real_publish = workflow.publish

    def failing_publish(article, **kwargs):
        if article.title.startswith("央行"):
            raise RuntimeError("disk full")
        return real_publish(article, **kwargs)

    monkeypatch.setattr(workflow, "publish", failing_publish)
    code, out, err = run_import(tmp_path)
    assert code == 1 and "a.md: could not be saved: RuntimeError: disk full" in err
    article = Article.objects.get()  # nothing half-written for a.md
    assert article.title.startswith("财政部") and str(article.categories.get()) == "金融 › 财联社 › 电报"
    assert Category.objects.count() == 3


def test_progress_only_on_a_terminal(tmp_path):
    write(tmp_path, "a.md", POST)
    _code, _out, err = run_import(tmp_path)
    assert "\r" not in err and "[1/" not in err


def test_stats_option_prints_the_rate(tmp_path):
    write(tmp_path, "a.md", POST)
    _code, out, _err = run_import(tmp_path, stats=True)
    assert re.search(r"1 files in [\d.]+ s: [\d.]+ posts/s", out)


def test_unknown_time_zone_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="unknown time zone"):
        call_command("import_hexo", str(tmp_path), timezone="Mars/Base", stdout=StringIO(), stderr=StringIO())


# Queries --------------------------------------------------------------------------------------


def test_tags_and_sections_cost_the_same_few_queries_however_many(tmp_path, monkeypatch):
    # Revisions are left out: django-reversion's own queries grow with the
    # number of tags (each tag link's repr loads its tag); see revisions.py.
    monkeypatch.setattr("articles.importers.store.revisions.record", lambda *args, **kwargs: None)
    names = [f"标签{n}" for n in range(30)]
    for name in names:
        Tag.objects.create(name=name)
    write(tmp_path / "warm", "p.md", POST)
    write(tmp_path / "few", "few.md", POST.replace("tags: [央行, 货币政策]", f"tags: [{names[0]}, {names[1]}]"))
    write(tmp_path / "many", "many.md", POST.replace("tags: [央行, 货币政策]", f"tags: [{', '.join(names)}]"))
    run_import(tmp_path / "warm")  # the sections and the author exist from now on
    queries = []
    for folder in ("few", "many"):
        with CaptureQueriesContext(connection) as captured:
            run_import(tmp_path / folder)
        queries.append(len(captured.captured_queries))
    assert queries[0] == queries[1] <= 30
    assert Article.objects.get(source_key="hexo:many.md").tags.count() == 30


# Old addresses ---------------------------------------------------------------------------------


def test_old_address_redirects_to_the_article(client, tmp_path):
    write(tmp_path, "source/_posts/金融/央行公告.md", POST)
    run_import(tmp_path / "source" / "_posts")
    article = Article.objects.get()
    assert article.legacy_path == "/2022/06/19/金融/央行公告/"
    for path in [
        "/2022/06/19/金融/央行公告/",
        "/2022/06/19/%E9%87%91%E8%9E%8D/%E5%A4%AE%E8%A1%8C%E5%85%AC%E5%91%8A",
        "/2022/06/19/金融/央行公告/index.html",
    ]:
        response = client.get(path)
        assert response.status_code == 301, path
        assert response["Location"] == article.get_absolute_url()


def test_old_address_of_an_unpublished_article_is_a_404(client, tmp_path):
    write(tmp_path, "a.md", POST)
    run_import(tmp_path)
    article = Article.objects.get()
    workflow.unpublish(article, user=workflow.SYSTEM)
    assert client.get(article.legacy_path).status_code == 404


def test_taken_old_address_is_kept_by_its_first_owner(tmp_path):
    write(tmp_path, "a.md", POST.replace("---\n<p>", "permalink: /same/\n---\n<p>"))
    write(tmp_path, "b.md", POST.replace("---\n<p>", "permalink: /same/\n---\n<p>"))
    _code, out, err = run_import(tmp_path)
    assert counts(out)["created"] == 2
    assert sorted(Article.objects.values_list("legacy_path", flat=True), key=str) == [None, "/same/"] or set(
        Article.objects.values_list("legacy_path", flat=True)
    ) == {None, "/same/"}
    assert "old address /same/ already belongs to another article" in err


def test_imported_at_survives_only_until_an_editor_saves(tmp_path):
    write(tmp_path, "a.md", POST)
    run_import(tmp_path)
    article = Article.objects.get()
    assert article.imported_at == article.updated_at
    article.save()
    article.refresh_from_db()
    assert article.updated_at != article.imported_at and article.updated_at <= timezone.now()


def test_a_second_run_is_quiet(tmp_path):
    write(tmp_path, "a.md", POST.replace("---\n<p>", "headimg: javascript:alert(1)\n---\n<p>{% folding %}"))
    _code, _out, first = run_import(tmp_path)
    _code, out, second = run_import(tmp_path)
    assert "warning" in first and second == "" and counts(out)["warnings"] == 0
