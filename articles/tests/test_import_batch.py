"""import_hexo saves new posts a batch at a time: the rows one file at a time
would write, in a few queries a batch plus the workflow's few a post."""

import datetime as dt
import itertools
import zoneinfo

import pytest
from django.core import serializers
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Revision, Version
from reversion.revisions import _get_options as reversion_options
from taggit.models import Tag

from articles import revisions, workflow
from articles.importers import batch
from articles.importers.batch import create_articles
from articles.importers.hexo import parse_post
from articles.importers.store import RunCache, save_article
from articles.models import Article, ArticleEvent, Author, Category

from .commands import run_import
from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

# The seed's format: a head image without alt text, three-level sections, a byline.
SEED = """
---
title: '{title}'
categories:
 - 金融
 - {desk}
 - 电报
headimg: 'https://img.cls.cn/images/20220619/{number}.PNG'
author: {author}
comments: false
date: Sun, 19 Jun 2022 04:{minute:02d}:46 GMT
tags:
 - 央行
 - {tag}
---

<div>
<div class="m-b-10"><p><strong>财联社6月19日讯</strong>央行今日开展第{number}次逆回购操作。</p>
<p><img src="https://img.cls.cn/images/20220619/{number}.PNG" alt="image" referrerpolicy="no-referrer"></p></div>
</div>
"""


def write_posts(root, count, *, start=0, **overrides):
    for number in range(start, start + count):
        values = {
            "title": f"央行开展第{number}次逆回购",
            "desk": ["财联社", "证券时报"][number % 2],
            "author": ["财联社", "证券时报", "新华社"][number % 3],
            "tag": f"货币政策{number % 4}",
            "number": number,
            "minute": number % 60,
            **overrides,
        }
        path = root / f"p{number:03d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SEED.format(**values), encoding="utf-8")
    return root


def parse_all(root):
    return [parse_post(path, root, tz=SHANGHAI) for path in sorted(root.rglob("*.md"))]


def written():
    """Everything an import writes, by names rather than ids."""
    articles = []
    for article in Article.objects.order_by("source_key"):
        fields = {
            field.attname: getattr(article, field.attname)
            for field in Article._meta.concrete_fields
            if field.attname not in ("id", "created_at", "updated_at", "imported_at")
        }
        versions = [
            (
                version.revision.comment,
                {name: value for name, value in revisions.snapshot(version).items() if not name.endswith("_ids")},
                sorted((row.content_type.model, row.object_repr) for row in version.revision.version_set.all()),
                sorted(name for name in version.field_dict if name != "id"),
            )
            for version in Version.objects.get_for_object(article)
        ]
        articles.append(
            {
                **fields,
                "imported": article.imported_at == article.updated_at,
                "categories": sorted(str(category) for category in article.categories.all()),
                "bylines": [(byline.author.name, byline.position) for byline in article.bylines.all()],
                "tags": sorted(article.tags.names()),
                "events": list(
                    article.events.values_list("from_status", "to_status", "note", "scheduled_for", "actor")
                ),
                "versions": versions,
            }
        )
    return {
        "articles": articles,
        "categories": sorted((str(category), category.slug) for category in Category.objects.all()),
        "authors": sorted(Author.objects.values_list("name", "slug")),
        "tags": sorted(Tag.objects.values_list("name", "slug")),
    }


def forget_everything():
    Article.objects.all().delete()
    for category in sorted(Category.objects.all(), key=lambda category: -category.depth):
        category.delete()
    Author.objects.all().delete()
    Tag.objects.all().delete()
    Revision.objects.all().delete()


def test_a_batch_writes_what_saving_one_file_at_a_time_writes(tmp_path):
    root = write_posts(tmp_path, 6)
    # Two more that share a title (slugs -2) and an old address (the second is refused it).
    write_posts(tmp_path, 1, start=6, title="央行开展逆回购")
    (tmp_path / "p007.md").write_text(
        SEED.format(title="央行开展逆回购", desk="财联社", author="财联社", tag="央行", number=7, minute=7).replace(
            "tags:", "permalink: /same/\ntags:"
        ),
        encoding="utf-8",
    )
    (tmp_path / "p008.md").write_text(
        SEED.format(title="央行开展逆回购", desk="财联社", author="财联社", tag="央行", number=8, minute=8).replace(
            "tags:", "permalink: /same/\ntags:"
        ),
        encoding="utf-8",
    )
    posts = parse_all(root)
    cache = RunCache()
    one_by_one = [save_article(post, cache) for post in posts]
    expected = written()
    forget_everything()

    with transaction.atomic():
        batched = create_articles(posts, RunCache())

    assert written() == expected
    for version in Version.objects.select_related("content_type"):  # as django-reversion writes them
        obj = version.content_type.model_class().objects.get(pk=version.object_id)
        if isinstance(obj, Article):
            obj.imported_at = None  # set after the revision
        options = reversion_options(type(obj))
        assert version.serialized_data == serializers.serialize(
            "json", [obj], fields=options.fields, use_natural_foreign_keys=options.use_natural_foreign_keys
        )
        assert (version.format, version.db, version.object_repr) == ("json", "default", str(obj))
    assert [(result.action, result.warnings) for result in batched] == [
        (result.action, result.warnings) for result in one_by_one
    ]
    assert Article.objects.get(source_key="hexo:p007.md").slug != Article.objects.get(source_key="hexo:p006.md").slug


def test_the_published_posts_are_found_by_search(tmp_path):
    from articles.search import search

    run_import(write_posts(tmp_path, 5, title="鹦鹉螺号开展逆回购"))  # a word no other test indexes
    assert search("鹦鹉螺").count() == 5


def publish_queries():
    """What publishing one draft costs, less the locked read and the event's
    insert (``publish_many`` makes those one query each for the batch): the
    importer's only cost per post."""
    article = ArticleFactory(draft=True)
    with CaptureQueriesContext(connection) as captured:
        workflow.publish(article, user=workflow.SYSTEM)
    return len(captured.captured_queries) - 2


def test_new_posts_cost_only_the_status_move_each_and_a_few_queries_a_batch(tmp_path):
    per_post = publish_queries()
    run_import(write_posts(tmp_path / "warm", 3))  # the sections, authors and tags exist from now on
    queries = {}
    few, full = 5, batch.FIRST_BATCH_SIZE  # both one batch
    for count, start in ((few, 100), (full, 200)):  # new source keys each time
        folder = write_posts(tmp_path / f"run{count}", count, start=start)
        with CaptureQueriesContext(connection) as captured:
            code, out, _err = run_import(folder)
        assert code == 0 and f"{count} created" in out
        queries[count] = len(captured.captured_queries)
    assert queries[full] - queries[few] <= (full - few) * per_post
    assert queries[full] <= full * per_post + 20


def test_publish_many_publishes_each_as_publish_does():
    minute = dt.timedelta(minutes=1)
    future = timezone.now() + dt.timedelta(days=1)
    one_by_one = [ArticleFactory(draft=True, title=f"甲{n}", body="<p><img src='/a.jpg'></p>") for n in range(3)]
    together = [ArticleFactory(draft=True, title=f"甲{n}", body="<p><img src='/a.jpg'></p>") for n in range(3)]
    times = [None, future, dt.datetime(2022, 6, 19, tzinfo=dt.UTC)]
    for article, when in zip(one_by_one, times, strict=True):
        workflow.publish(article, user=workflow.SYSTEM, at=when)
    with CaptureQueriesContext(connection) as captured:
        events = workflow.publish_many(together, user=workflow.SYSTEM, at=times)
    assert len(captured.captured_queries) <= 2 + 2 + 3 * publish_queries()  # the savepoint, read, events

    def state(articles):
        rows = Article.objects.filter(pk__in=[article.pk for article in articles]).order_by("title")
        return [
            (row.title, row.status, "now" if abs(row.published_at - timezone.now()) < minute else row.published_at,
             row.published_by, list(row.events.values_list("from_status", "to_status", "note", "actor")),
             row.events.get().scheduled_for is not None)
            for row in rows
        ]  # fmt: skip

    assert state(together) == state(one_by_one)
    assert [event.pk is not None for event in events] == [True] * 3
    assert [article.status for article in together] == ["published"] * 3


def test_publish_many_is_all_or_nothing():
    drafts = [ArticleFactory(draft=True) for _ in range(2)]
    published = ArticleFactory()
    with pytest.raises(workflow.TransitionError):
        workflow.publish_many([*drafts, published], user=workflow.SYSTEM, at=[None] * 3)
    assert [Article.objects.get(pk=article.pk).status for article in drafts] == ["draft", "draft"]
    assert not ArticleEvent.objects.exists()


def test_new_sections_authors_and_tags_cost_a_few_queries_however_many(tmp_path):
    few = write_posts(tmp_path / "few", 10, desk="财联社", author="财联社", tag="央行")
    many = write_posts(tmp_path / "many", 10, start=100)  # two desks, three authors, four more tags
    queries = []
    for folder in (few, many):
        forget_everything()
        with CaptureQueriesContext(connection) as captured:
            run_import(folder)
        queries.append(len(captured.captured_queries))
    # One insert per new tag (taggit makes their slugs); sections and authors are made in bulk.
    assert queries[1] - queries[0] <= 4 * 3


def test_an_unchanged_run_costs_one_query_a_batch(tmp_path):
    sizes = list(itertools.islice(batch.batch_sizes(), 3))
    folder = write_posts(tmp_path, sum(sizes))
    run_import(folder)
    with CaptureQueriesContext(connection) as captured:
        code, out, _err = run_import(folder)
    assert code == 0 and f"{sum(sizes)} unchanged" in out
    # The run's sections and authors, then which of the batch's posts exist.
    assert len(captured.captured_queries) == 2 + len(sizes)


def test_batches_grow_to_their_size():
    assert list(itertools.islice(batch.batch_sizes(100), 6)) == [10, 20, 40, 80, 100, 100]


def test_a_failure_in_a_batch_saves_the_others_one_by_one(tmp_path, monkeypatch):
    folder = write_posts(tmp_path, 12)
    real_publish = workflow.publish

    def failing_publish(article, **kwargs):
        if article.title == "央行开展第5次逆回购":
            raise RuntimeError("disk full")
        return real_publish(article, **kwargs)

    monkeypatch.setattr(workflow, "publish", failing_publish)
    code, out, err = run_import(folder)
    assert code == 1 and "11 created" in out and "1 failed" in out
    assert err.splitlines()[0] == f"{folder / 'p005.md'}: could not be saved: RuntimeError: disk full"
    assert not Article.objects.filter(source_key="hexo:p005.md").exists()
    assert Revision.objects.count() == 11 and Version.objects.count() == 11 * 4  # each with its byline and two tags
    for article in Article.objects.all():
        assert article.status == "published" and article.events.count() == 1 and article.categories.count() == 1


def test_messages_come_in_file_order(tmp_path):
    folder = write_posts(tmp_path, 4)
    for number in (1, 3):
        path = folder / f"p{number:03d}.md"
        path.write_text(path.read_text("utf-8").replace("tags:", "headimg_x: x\ntags:"), "utf-8")
    _code, _out, err = run_import(folder)
    assert [line.split(": ", 1)[0].rsplit("/", 1)[1] for line in err.splitlines()] == ["p001.md", "p003.md"]
