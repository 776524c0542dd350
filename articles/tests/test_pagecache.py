"""The page cache: fast for readers, never stale, never for staff."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from articles import sitemaps, workflow

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)  # invalidation happens on commit


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True


def test_second_request_is_served_from_the_cache(client, django_assert_num_queries):
    ArticleFactory(title="缓存的文章")
    first = client.get("/")
    assert "缓存的文章" in first.content.decode()
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"] and "max-age=0" in second["Cache-Control"]


def test_conditional_request_gets_304(client):
    ArticleFactory()
    etag = client.get("/").headers["ETag"]
    response = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response.content == b""


def test_publishing_unpublishing_and_editing_show_at_once(client, editor):
    article = ArticleFactory(draft=True, title="新稿件")
    assert "新稿件" not in client.get("/").content.decode()
    workflow.publish(article, user=editor)
    assert "新稿件" in client.get("/").content.decode()
    detail = article.get_absolute_url()
    assert client.get(detail).status_code == 200
    article.title = "改过的标题"
    article.save()
    assert "改过的标题" in client.get("/").content.decode()
    workflow.unpublish(article, user=editor)
    assert "改过的标题" not in client.get("/").content.decode()
    assert client.get(detail).status_code == 404


def test_deleted_article_is_gone_at_once(client):
    article = ArticleFactory(title="要删除的文章")
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    article.delete()
    assert client.get(url).status_code == 404
    assert "要删除的文章" not in client.get("/feed/").content.decode()


def test_scheduled_article_appears_on_cached_pages_when_due(client, editor):
    with freeze_time("2026-06-20 00:00:00+00:00") as frozen:
        article = ArticleFactory(draft=True, title="定时稿件")
        workflow.publish(article, user=editor, at=timezone.now() + dt.timedelta(minutes=5))
        # Sitemap pages are id ranges; ids on PostgreSQL are not reset between tests.
        sitemap_page = f"/sitemap-articles.xml?p={article.pk // sitemaps.ARTICLES_PER_PAGE + 1}"
        for url in ("/", "/feed/", sitemap_page):
            assert "定时稿件" not in client.get(url).content.decode()
        frozen.tick(dt.timedelta(minutes=5, seconds=1))
        for url in ("/", "/feed/"):
            assert "定时稿件" in client.get(url).content.decode()
        assert f"/articles/{article.pk}/" in client.get(sitemap_page).content.decode()


def test_staff_always_see_fresh_pages(client, editor):
    ArticleFactory(title="第一篇")
    client.get("/")  # cached for readers
    client.force_login(editor)
    response = client.get("/")
    assert "ETag" not in response  # not from, nor into, the cache


def test_uncacheable_pages_are_not_cached(client, django_assert_max_num_queries):
    ArticleFactory(title="芯片")
    client.get("/search/", {"q": "芯片"})
    response = client.get("/search/", {"q": "芯片"})
    assert "ETag" not in response
    assert client.get("/no-such-page/").status_code == 404
    assert "ETag" not in client.get("/no-such-page/")


def test_cache_can_be_turned_off(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    ArticleFactory()
    assert "ETag" not in client.get("/")
