"""Bylines, sections and tags loaded in one statement for the public pages."""

import pytest

from articles import relations
from articles.models import Article, Byline

from .factories import ArticleFactory, AuthorFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def test_attach_loads_every_relation_in_one_query(django_assert_num_queries):
    first, second = AuthorFactory(name="甲"), AuthorFactory(name="乙")
    top = CategoryFactory(name="科技")
    child = CategoryFactory(name="芯片", parent=top)
    one = ArticleFactory(authors=[second, first], categories=[child, top], tags=["出口", "芯片", "AI"])
    two = ArticleFactory(authors=[first], tags=[])
    bare = ArticleFactory()
    articles = list(Article.objects.filter(pk__in=[one.pk, two.pk, bare.pk]).order_by("pk"))
    relations.attach(articles[:1])  # reads the section tree and content type once
    articles = list(Article.objects.filter(pk__in=[one.pk, two.pk, bare.pk]).order_by("pk"))
    with django_assert_num_queries(1):
        relations.attach(articles)
        loaded = {article.pk: article for article in articles}
        # Bylines in their order, sections as Category orders them, tags by name.
        assert [author.name for author in loaded[one.pk].authors.all()] == ["乙", "甲"]
        assert [category.name for category in loaded[one.pk].categories.all()] == sorted(["科技", "芯片"])
        assert [tag.name for tag in loaded[one.pk].tags.all()] == ["AI", "出口", "芯片"]
        assert [author.name for author in loaded[two.pk].authors.all()] == ["甲"]
        assert list(loaded[two.pk].tags.all()) == list(loaded[bare.pk].categories.all()) == []
        child_url = loaded[one.pk].categories.all()[1].get_absolute_url()
        assert child_url == "/sections/%E7%A7%91%E6%8A%80/%E8%8A%AF%E7%89%87/"


def test_byline_order_follows_positions_not_insertion():
    first, second = AuthorFactory(name="甲"), AuthorFactory(name="乙")
    article = ArticleFactory(authors=[first, second])
    Byline.objects.filter(article=article, author=first).update(position=5)
    relations.attach([article])
    assert [author.name for author in article.authors.all()] == ["乙", "甲"]


def test_attached_authors_load_other_fields_on_access():
    author = AuthorFactory(name="丙", bio="财经记者")
    article = ArticleFactory(authors=[author])
    relations.attach([article])
    attached = article.authors.all()[0]
    assert attached.get_deferred_fields() >= {"bio"}
    assert attached.bio == "财经记者"


def test_attached_tags_still_filter_to_the_article():
    article = ArticleFactory(tags=["芯片", "出口"])
    ArticleFactory(tags=["房地产"])
    relations.attach([article])
    assert sorted(article.tags.values_list("name", flat=True)) == ["出口", "芯片"]
    assert sorted(article.tags.names()) == ["出口", "芯片"]


def test_names_match_what_attach_gives(django_assert_num_queries):
    first, second = AuthorFactory(name="甲"), AuthorFactory(name="乙")
    top = CategoryFactory(name="科技")
    article = ArticleFactory(
        authors=[second, first], categories=[CategoryFactory(name="芯片", parent=top), top], tags=["出口", "AI"]
    )
    relations.attach([article])
    expected = {name: [item.name for item in getattr(article, name).all()] for name in relations.RELATIONS}
    with django_assert_num_queries(1):
        assert relations.names([article.pk]) == {article.pk: expected}
