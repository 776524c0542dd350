"""export_hexo: every article as a Hexo post, and back again unchanged."""

import datetime as dt
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone
from taggit.models import Tag

from articles.importers.frontmatter import split_front_matter
from articles.models import Article, Author, Category

from .factories import ArticleFactory, AuthorFactory, CategoryFactory

pytestmark = pytest.mark.django_db

FIELDS = [
    "title", "slug", "summary", "body", "status", "published_at", "allow_comments",
    "head_image_url", "head_image_alt", "thumbnail_url", "legacy_path",
]  # fmt: skip


def export(outdir):
    call_command("export_hexo", str(outdir), stdout=StringIO())
    return sorted(outdir.iterdir())


def describe(article):
    """An article field by field, relations by name, so two databases compare."""
    row = {name: getattr(article, name) for name in FIELDS}
    row["categories"] = sorted(str(category) for category in article.categories.all())
    row["authors"] = [author.name for author in article.authors.all()]
    row["tags"] = sorted(article.tags.names())
    return row


@pytest.fixture
def newsroom():
    finance = CategoryFactory(name="金融")
    depth = CategoryFactory(name="深度", parent=CategoryFactory(name="财联社", parent=finance))
    tech = CategoryFactory(name="科技")
    wang, li = AuthorFactory(name="王明"), AuthorFactory(name="Smith, John")
    now = timezone.now()
    return [
        ArticleFactory(
            title="阿里云们的十字路口：自研与出海并进",
            slug="aliyun-crossroads",
            summary="编辑写的摘要，不是自动生成的。",
            body="<p>模板 {% raw %}{{ x }}{% endraw %} 与 &#123;括号&#125;</p>"
            "<pre><code>if (a &lt; b) { return; }</code></pre>"
            '<p><img src="https://img.cls.cn/a.png" alt="图" loading="lazy" referrerpolicy="no-referrer"></p>',
            published_at=dt.datetime(2022, 6, 19, 4, 35, 46, 123456, tzinfo=dt.UTC),
            categories=[depth, tech],
            authors=[li, wang],
            tags=["云计算", "Cloud", "出海"],
            allow_comments=False,
            head_image_url="https://img.cls.cn/head.png",
            head_image_alt="阿里云大楼",
            thumbnail_url="https://img.cls.cn/thumb.png",
            legacy_path="/2022/06/19/金融/阿里云/",
        ),
        ArticleFactory(title="草稿：尚未完成", draft=True, categories=[finance], authors=[wang]),
        ArticleFactory(title="待审：港口吞吐量", in_review=True, tags=["港口"]),
        ArticleFactory(title="定时：明早发布", published_at=now + dt.timedelta(days=1), authors=[wang]),
        ArticleFactory(title="../../etc/passwd", body="<p>路径</p>"),
    ]


def test_round_trip_gives_back_the_same_articles(tmp_path, newsroom):
    before = {article.slug: describe(article) for article in Article.objects.all()}
    export(tmp_path)

    Article.objects.all().delete()
    while Category.objects.exists():  # leaves first: a parent is protected
        Category.objects.filter(children=None).delete()
    Author.objects.all().delete()
    Tag.objects.all().delete()
    out, err = StringIO(), StringIO()
    call_command("import_hexo", str(tmp_path), stdout=out, stderr=err)
    assert "5 created" in out.getvalue() and "0 failed" in out.getvalue(), err.getvalue()

    after = {article.slug: describe(article) for article in Article.objects.all()}
    assert after.keys() == before.keys()
    for slug, fields in before.items():
        expected = dict(fields)
        if expected["legacy_path"] is None:  # a published post gets its Hexo address back
            expected["legacy_path"] = after[slug]["legacy_path"]
        assert after[slug] == expected, slug


def test_statuses_are_written_so_hexo_hides_what_is_not_live(tmp_path, newsroom):
    export(tmp_path)
    meta = {}
    for path in tmp_path.iterdir():
        front, _body = split_front_matter(path.read_text("utf-8"))
        meta[front["title"]] = front
    assert "published" not in meta["阿里云们的十字路口：自研与出海并进"]
    assert (meta["草稿：尚未完成"]["published"], meta["草稿：尚未完成"]["status"]) == (False, "draft")
    assert (meta["待审：港口吞吐量"]["published"], meta["待审：港口吞吐量"]["status"]) == (False, "review")
    assert (meta["定时：明早发布"]["published"], meta["定时：明早发布"]["status"]) == (False, "scheduled")


def test_front_matter_is_plain_hexo(tmp_path, newsroom):
    export(tmp_path)
    text = (tmp_path / "aliyun-crossroads.html").read_text("utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["categories"] == [["金融", "财联社", "深度"], ["科技"]]
    assert front["author"] == ["Smith, John", "王明"]
    assert front["tags"] == ["Cloud", "云计算", "出海"]
    assert front["date"] == dt.datetime(2022, 6, 19, 12, 35, 46, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert front["comments"] is False and front["excerpt"] == "编辑写的摘要，不是自动生成的。"
    assert front["headimg"] == "https://img.cls.cn/head.png" and front["permalink"] == "/2022/06/19/金融/阿里云/"
    assert "{" not in text.split("---\n", 2)[2]  # braces are entities: Hexo's templates leave them alone


def test_file_names_are_safe_and_unique(tmp_path):
    ArticleFactory(title="../../etc/passwd")
    ArticleFactory(title="同名", slug="abc")
    ArticleFactory(title="同名", slug="ABC")
    ArticleFactory(title="长" * 100, slug="长" * 100)
    names = [path.name for path in export(tmp_path / "out")]
    assert all("/" not in name and ".." not in name for name in names)
    assert len(names) == 4 and len({name.casefold() for name in names}) == 4
    assert all(len(name.encode()) <= 255 for name in names)
    assert sorted(path.parent for path in (tmp_path / "out").iterdir()) == [tmp_path / "out"] * 4
