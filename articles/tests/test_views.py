import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article

from .factories import ArticleFactory, AuthorFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def test_home_lists_published_articles_newest_first(client):
    older = ArticleFactory(title="较早的新闻", published_at=timezone.now() - dt.timedelta(days=2))
    newer = ArticleFactory(title="最新的新闻", published_at=timezone.now() - dt.timedelta(hours=1))
    response = client.get("/")
    assert response.status_code == 200
    assert list(response.context["articles"]) == [newer, older]
    html = response.content.decode()
    assert html.index("最新的新闻") < html.index("较早的新闻")


def test_home_shows_card_details(client, section_tree):
    finance, _, depth = section_tree
    ArticleFactory(
        title="券商看消费复苏",
        summary="多家券商上调消费板块评级。",
        thumbnail_url="/static/samples/coins.jpg",
        categories=[depth],
        authors=[AuthorFactory(name="陈思远"), AuthorFactory(name="刘畅")],
        published_at=dt.datetime(2026, 6, 20, 1, 0, tzinfo=dt.timezone.utc),
    )
    html = client.get("/").content.decode()
    assert "券商看消费复苏" in html
    assert "多家券商上调消费板块评级。" in html
    assert 'src="/static/samples/coins.jpg"' in html
    assert f'href="{finance.get_absolute_url()}"' in html  # the section
    assert html.index("陈思远") < html.index("刘畅")
    assert "2026年6月20日 09:00" in html  # in the site's time zone


@pytest.mark.parametrize("trait", ["draft", "in_review", "scheduled"])
def test_unpublished_articles_are_invisible(client, trait):
    hidden = ArticleFactory(title="尚未发布的稿件", categories=[CategoryFactory(name="金融")], **{trait: True})
    tag_slug = "secret"
    hidden.tags.set(["secret"])
    author = AuthorFactory(name="编辑甲")
    hidden.set_authors([author])
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(f"/articles/{hidden.pk}/").status_code == 404
    for url in ["/", hidden.categories.first().get_absolute_url(), f"/tags/{tag_slug}/", author.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 200
        assert "尚未发布的稿件" not in response.content.decode()


def test_detail_page_shows_the_article(client, section_tree):
    finance, desk, depth = section_tree
    article = ArticleFactory(
        title="阿里云们的十字路口",
        body='<p>正文<strong>重点</strong></p><p><img src="https://img.cls.cn/a.png" alt="image"></p>',
        head_image_url="https://img.cls.cn/head.png",
        categories=[depth],
        authors=[AuthorFactory(name="黄心怡")],
        tags=["云计算", "芯片"],
        published_at=dt.datetime(2022, 6, 19, 4, 35, 46, tzinfo=dt.timezone.utc),
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "阿里云们的十字路口" in html
    assert "<p>正文<strong>重点</strong></p>" in html
    assert "黄心怡" in html
    assert "2022年6月19日 12:35" in html
    # Breadcrumbs: the whole section path.
    for node in (finance, desk, depth):
        assert f'href="{node.get_absolute_url()}"' in html
    assert 'href="/tags/%E4%BA%91%E8%AE%A1%E7%AE%97/"' in html
    # External images do not leak the referrer and load lazily.
    assert '<img src="https://img.cls.cn/a.png" alt="image" loading="lazy" referrerpolicy="no-referrer">' in html
    assert 'src="https://img.cls.cn/head.png"' in html
    hero = html[html.index('src="https://img.cls.cn/head.png"') :].split(">", 1)[0]
    assert 'referrerpolicy="no-referrer"' in hero and 'loading="lazy"' in hero


def test_detail_with_old_slug_redirects_permanently(client):
    article = ArticleFactory(title="旧标题")
    old_url = article.get_absolute_url()
    article.title, article.slug = "新标题", ""
    article.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_short_url_redirects_to_full_url(client, article):
    response = client.get(f"/articles/{article.pk}/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_unknown_article_is_404_in_site_design(client):
    response = client.get("/articles/999999/nothing/")
    assert response.status_code == 404
    assert "site-header" in response.content.decode()


def test_category_page_lists_descendant_articles(client, section_tree):
    finance, desk, depth = section_tree
    ArticleFactory(title="深度报道", categories=[depth])
    ArticleFactory(title="科技新闻", categories=[CategoryFactory(name="科技")])
    response = client.get(finance.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "深度报道" in html and "科技新闻" not in html
    assert f'href="{desk.get_absolute_url()}"' in html  # sub-section link


def test_unknown_category_is_404(client, section_tree):
    assert client.get("/sections/金融/不存在/").status_code == 404


def test_tag_page(client):
    ArticleFactory(title="芯片新闻", tags=["芯片"])
    ArticleFactory(title="地产新闻", tags=["房地产"])
    response = client.get("/tags/芯片/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "芯片新闻" in html and "地产新闻" not in html
    assert client.get("/tags/不存在/").status_code == 404


def test_author_page(client):
    author = AuthorFactory(name="王明", bio="财经记者")
    ArticleFactory(title="王明的报道", authors=[author])
    ArticleFactory(title="别人的报道", authors=[AuthorFactory()])
    response = client.get(author.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "王明的报道" in html and "别人的报道" not in html and "财经记者" in html
    assert client.get("/authors/nobody/").status_code == 404


def test_lists_are_paginated_by_twenty(client):
    ArticleFactory.create_batch(45)
    first = client.get("/")
    assert len(first.context["articles"]) == 20
    assert 'rel="next"' in first.content.decode()
    third = client.get("/?page=3")
    assert len(third.context["articles"]) == 5
    assert 'rel="next"' not in third.content.decode()
    assert client.get("/?page=4").status_code == 404
    assert client.get("/?page=abc").status_code == 404


def test_header_lists_top_level_sections(client, section_tree):
    CategoryFactory(name="科技")
    html = client.get("/").content.decode()
    assert "金融" in html and "科技" in html
    assert "财联社" not in html  # second level stays off the header


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_reports_database_failure(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise RuntimeError("database is gone")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "database is gone" not in response.content.decode()


def test_english_interface(client, settings):
    settings.LANGUAGE_CODE = "en"
    html = client.get("/").content.decode()
    assert "Latest news" in html
    assert 'lang="en"' in html


def test_chinese_interface_by_default(client):
    html = client.get("/").content.decode()
    assert "最新" in html
    assert 'lang="zh-hans"' in html


# Query counts ----------------------------------------------------------------


def _crowded_articles(count):
    """Articles with many bylines, sections and tags each."""
    sections = [CategoryFactory(name=f"栏目{i}") for i in range(3)]
    sections += [CategoryFactory(name=f"子栏目{i}", parent=sections[i]) for i in range(3)]
    authors = AuthorFactory.create_batch(4)
    articles = []
    for _ in range(count):
        articles.append(ArticleFactory(categories=sections, authors=authors, tags=["芯片", "盈利", "央行", "出口", "消费"]))
    return sections, authors, articles


# A cold list page: content version + count + the page's ids + the cards'
# articles + their bylines, sections and tags in one statement + the section
# tree (+ the tag or author; + the count of all articles for a section).
# A warm one: the page's ids only; counts and rendered cards are reused until
# the content changes.


def assert_list_queries(client, django_assert_num_queries, url, cold, warm=1):
    with django_assert_num_queries(cold):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(warm):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [1, 25])
def test_home_query_count_is_fixed(client, django_assert_num_queries, count):
    _crowded_articles(count)
    assert_list_queries(client, django_assert_num_queries, "/", cold=6)


@pytest.mark.parametrize("count", [1, 25])
def test_section_query_count_is_fixed(client, django_assert_num_queries, count):
    sections, _, _ = _crowded_articles(count)
    url = sections[0].get_absolute_url()  # reads the section tree, as the view would
    assert_list_queries(client, django_assert_num_queries, url, cold=6)


@pytest.mark.parametrize("count", [1, 25])
def test_tag_query_count_is_fixed(client, django_assert_num_queries, count):
    _crowded_articles(count)
    assert_list_queries(client, django_assert_num_queries, "/tags/芯片/", cold=7, warm=2)


@pytest.mark.parametrize("count", [1, 25])
def test_author_query_count_is_fixed(client, django_assert_num_queries, count):
    _, authors, _ = _crowded_articles(count)
    assert_list_queries(client, django_assert_num_queries, authors[0].get_absolute_url(), cold=7, warm=2)


@pytest.mark.django_db(transaction=True)  # a new content version starts at commit
def test_cards_follow_content_changes(client):
    article = ArticleFactory(title="旧标题")
    assert "旧标题" in client.get("/").content.decode()
    article.title = "新标题"
    article.save()
    html = client.get("/").content.decode()
    assert "新标题" in html and "旧标题" not in html


@pytest.mark.django_db(transaction=True)
def test_article_pages_follow_content_changes(client):
    article = ArticleFactory(body="<p>旧的正文</p>", tags=["旧标签"])
    url = article.get_absolute_url()
    assert "旧的正文" in client.get(url).content.decode()
    article.body = "<p>新的正文</p>"
    article.save()
    article.tags.set(["新标签"])
    html = client.get(url).content.decode()
    body = html.split('class="article__body"')[1]  # the summary above keeps its own words
    assert "新的正文" in body and "旧的正文" not in body
    assert "新标签" in html and "旧标签" not in html


# 25 articles in the section: with nothing outside, its first page is read by
# walking the newest articles (25² ≥ 20 × 25) and its second by gathering
# its ids (25² < 40 × 25); with 120 outside, both by gathering (25² < 20 × 145).
@pytest.mark.parametrize(
    "outside, page, walked", [(0, 1, True), (0, 2, False), (120, 1, False)], ids=["walk", "deep", "gather"]
)
def test_both_section_plans_list_the_same_way(client, outside, page, walked):
    top = CategoryFactory(name="财经")
    child = CategoryFactory(name="银行", parent=top)
    ArticleFactory.create_batch(outside)
    now = timezone.now()
    inside = [
        ArticleFactory(categories=[child if number % 2 else top], published_at=now - dt.timedelta(hours=number))
        for number in range(25)
    ]
    ArticleFactory(categories=[top], draft=True)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(top.get_absolute_url(), {"page": page})
    listed = [getattr(article, "pk", article) for article in response.context["articles"]]  # deeper pages: ids
    assert listed == [article.pk for article in inside[(page - 1) * 20 : page * 20]]
    assert response.context["paginator"].count == 25
    ordered = 'ORDER BY "articles_article"."published_at"'
    listing = [query["sql"] for query in captured.captured_queries if ordered in query["sql"]]
    assert len(listing) == 1 and ("EXISTS" in listing[0]) == walked


@pytest.mark.django_db(transaction=True)  # a new content version starts at commit
def test_deeper_section_pages_are_slices_of_ids_read_once_per_content_version(client, django_assert_num_queries):
    section = CategoryFactory(name="财经")
    now = timezone.now()
    for number in range(45):
        ArticleFactory(categories=[section], title=f"第{number}篇", published_at=now - dt.timedelta(hours=number))
    url = section.get_absolute_url()
    assert "第20篇" in client.get(url, {"page": 2}).content.decode()
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url, {"page": 3}).content.decode()
    # Only the page's new cards are read (the articles, their relations): the ids and the count are kept.
    assert len(captured.captured_queries) == 2
    assert not any("ORDER BY" in query["sql"] or "COUNT" in query["sql"] for query in captured.captured_queries)
    assert "第40篇" in html and "第44篇" in html and "第39篇" not in html
    with django_assert_num_queries(0):
        assert client.get(url, {"page": 3}).content.decode() == html
    ArticleFactory(categories=[section], title="最新的一篇")  # moves every article down one place
    html = client.get(url, {"page": 3}).content.decode()
    assert "第39篇" in html and "第44篇" in html


def test_lists_stop_at_the_page_limit_and_point_to_the_archive(client, settings):
    settings.ARTICLES_MAX_PAGES = 2
    ArticleFactory.create_batch(45)
    last = client.get("/?page=2")
    assert last.status_code == 200 and 'rel="next"' not in last.content.decode()
    assert "/archive/" in last.content.decode().split('class="pagination"')[1]
    assert client.get("/?page=3").status_code == 404


@pytest.mark.parametrize("relations", [1, 8])
def test_detail_query_count_is_fixed(client, django_assert_num_queries, relations):
    sections = [CategoryFactory() for _ in range(relations)]
    article = ArticleFactory(
        categories=sections,
        authors=AuthorFactory.create_batch(relations),
        tags=[f"标签{i}" for i in range(relations)],
    )
    ArticleFactory.create_batch(3, tags=["标签0"], categories=sections[:1])  # something to relate to
    # Cold: content version + article + its bylines, sections and tags in one
    # statement + section tree, then the related articles in one statement.
    # Warm: the article only, until content changes.
    with django_assert_num_queries(5):
        assert client.get(article.get_absolute_url()).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_list_query_does_not_load_bodies(client):
    ArticleFactory(body="<p>" + "长" * 1000 + "</p>")
    article = client.get("/").context["articles"][0]
    assert "body" in article.get_deferred_fields()


def test_article_model_ordering_matches_index():
    assert Article._meta.ordering == ["-published_at", "-id"]


def test_first_cards_load_their_pictures_at_once(client):
    for number in range(4):
        ArticleFactory(title=f"有图{number}", thumbnail_url="https://img.example/a.jpg")
    cards = client.get("/").context["cards"]
    assert ['loading="lazy"' in card for card in cards] == [False, False, True, True]
