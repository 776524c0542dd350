import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from freezegun import freeze_time

from articles.models import Article, Category
from articles.slugs import SLUG_LENGTH

from .factories import ArticleFactory, AuthorFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def test_slug_keeps_chinese():
    article = ArticleFactory(title="阿里云们的十字路口：自研与出海并进")
    assert article.slug == "阿里云们的十字路口自研与出海并进"


def test_slug_mixes_chinese_and_ascii():
    article = ArticleFactory(title="Model Y 交付量创新高")
    assert article.slug == "model-y-交付量创新高"


def test_duplicate_titles_get_numbered_slugs():
    slugs = [ArticleFactory(title="盈利预告").slug for _ in range(3)]
    assert slugs == ["盈利预告", "盈利预告-2", "盈利预告-3"]


def test_very_long_title_gives_bounded_unique_slugs():
    title = "芯片" * 300
    first = ArticleFactory(title=title[:255])
    second = ArticleFactory(title=title[:255])
    assert len(first.slug) <= SLUG_LENGTH
    assert len(second.slug) <= SLUG_LENGTH
    assert first.slug != second.slug
    assert second.slug.endswith("-2")


def test_title_without_letters_gets_fallback_slug():
    assert ArticleFactory(title="？！……").slug == "article"


def test_explicit_slug_is_kept():
    assert ArticleFactory(title="标题", slug="my-slug").slug == "my-slug"


def test_slug_must_be_unique():
    ArticleFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(title="x", slug="same")


def test_bulk_create_articles_without_slug_are_saved_clean():
    # bulk_create skips save(); the body field cleans itself anyway.
    Article.objects.bulk_create([Article(title="甲", slug="jia", body="<p>ok</p><script>x()</script>")])
    assert Article.objects.get(slug="jia").body == "<p>ok</p>"


def test_published_excludes_drafts_review_and_scheduled():
    live = ArticleFactory()
    ArticleFactory(draft=True)
    ArticleFactory(in_review=True)
    ArticleFactory(scheduled=True)
    assert list(Article.objects.published()) == [live]


def test_scheduled_article_appears_when_its_time_comes():
    with freeze_time("2026-06-20 01:00:00+00:00") as frozen:
        article = ArticleFactory(published_at=timezone.now() + dt.timedelta(minutes=5))
        assert not Article.objects.published().exists()
        frozen.tick(dt.timedelta(minutes=6))
        assert list(Article.objects.published()) == [article]
        assert article.is_live


def test_published_needs_a_publication_time():
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(title="x", status="published", published_at=None)


def test_unknown_status_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(title="x", status="deleted")


def test_absolute_url_has_id_and_slug():
    article = ArticleFactory(title="十月出口数据超预期")
    assert article.get_absolute_url() == f"/articles/{article.pk}/%E5%8D%81%E6%9C%88%E5%87%BA%E5%8F%A3%E6%95%B0%E6%8D%AE%E8%B6%85%E9%A2%84%E6%9C%9F/"


def test_summary_is_made_from_body_when_blank():
    article = ArticleFactory(summary="", body="<p>第一句话。第二句话！</p>")
    assert article.summary == "第一句话。第二句话！"


def test_summary_given_is_kept():
    assert ArticleFactory(summary="编辑写的摘要").summary == "编辑写的摘要"


def test_bylines_keep_their_order():
    first, second, third = AuthorFactory(name="王明"), AuthorFactory(name="李雪"), AuthorFactory(name="陈思远")
    article = ArticleFactory(authors=[third, first, second])
    fetched = Article.objects.with_relations().get(pk=article.pk)
    assert [author.name for author in fetched.authors.all()] == ["陈思远", "王明", "李雪"]


def test_category_path_and_url(section_tree):
    finance, desk, depth = section_tree
    assert depth.path == f"{finance.slug}/{desk.slug}/{depth.slug}"
    assert depth.get_absolute_url() == "/sections/%E9%87%91%E8%9E%8D/%E8%B4%A2%E8%81%94%E7%A4%BE/%E6%B7%B1%E5%BA%A6/"
    assert str(depth) == "金融 › 财联社 › 深度"


def test_same_section_name_under_different_parents():
    a, b = CategoryFactory(name="金融"), CategoryFactory(name="科技")
    one, two = CategoryFactory(name="快讯", parent=a), CategoryFactory(name="快讯", parent=b)
    assert one.slug == two.slug == "快讯"
    assert one.path != two.path


def test_top_level_section_slugs_are_unique():
    CategoryFactory(name="金融", slug="finance")
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(name="Finance", slug="finance")


def test_section_cannot_be_its_own_ancestor(section_tree):
    finance, _, depth = section_tree
    finance.parent = depth
    with pytest.raises(ValidationError):
        finance.full_clean()


def test_in_category_includes_descendants(section_tree):
    finance, desk, depth = section_tree
    deep = ArticleFactory(categories=[depth])
    top = ArticleFactory(categories=[finance])
    other = ArticleFactory(categories=[CategoryFactory(name="科技")])
    assert set(Article.objects.in_category(finance)) == {deep, top}
    assert set(Article.objects.in_category(desk)) == {deep}
    assert other not in Article.objects.in_category(finance)


def test_article_in_two_sections_listed_once(section_tree):
    finance, desk, depth = section_tree
    ArticleFactory(categories=[desk, depth])
    assert Article.objects.in_category(finance).count() == 1


def test_new_section_is_seen_by_the_tree_at_once(section_tree):
    finance, _, _ = section_tree
    assert finance.path == "金融"
    child = CategoryFactory(name="公司", parent=finance)
    assert child.path == "金融/公司"


def test_migrations_are_complete():
    from io import StringIO

    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_live_slug_answers_as_published_does(db):
    now = timezone.now()
    live = ArticleFactory(title="已发布", published_at=now - dt.timedelta(minutes=1))
    scheduled = ArticleFactory(title="定时", published_at=now + dt.timedelta(minutes=1))
    draft = ArticleFactory(title="草稿", draft=True)
    for article in (live, scheduled, draft):
        expected = Article.objects.published().filter(pk=article.pk).values_list("slug", flat=True).first()
        assert Article.objects.live_slug(article.pk) == expected
    assert Article.objects.live_slug(live.pk) == live.slug
    assert Article.objects.live_slug(scheduled.pk) is None and Article.objects.live_slug(draft.pk) is None
    assert Article.objects.live_slug(max(a.pk for a in (live, scheduled, draft)) + 1) is None


@pytest.mark.parametrize(
    "moment", [dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC), dt.datetime(2026, 3, 1, 8, 0, 0, 500, tzinfo=dt.UTC)]
)
def test_live_slug_at_the_exact_moment_of_publication(db, moment):
    on_time = ArticleFactory(title="准点", published_at=moment)
    just_after = ArticleFactory(title="晚一微秒", published_at=moment + dt.timedelta(microseconds=1))
    with freeze_time(moment):
        assert Article.objects.live_slug(on_time.pk) == on_time.slug
        assert Article.objects.live_slug(just_after.pk) is None
