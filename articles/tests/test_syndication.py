"""Feeds, sitemaps, robots.txt, page metadata, archives, related articles."""

import datetime as dt
import json
from pathlib import Path

import feedparser
import pytest
from django.conf import settings
from django.utils import timezone
from lxml import etree

from articles import sitemaps
from articles.models import Article

from .factories import ArticleFactory, AuthorFactory, CategoryFactory

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "data" / "schemas"
NOW = timezone.now()


@pytest.fixture
def stories(section_tree):
    finance, desk, depth = section_tree
    author = AuthorFactory(name="黄心怡")
    live = ArticleFactory(
        title="阿里云们的十字路口",
        summary="云计算进入关键期。",
        body='<p>正文<strong>重点</strong></p><p><img src="https://img.cls.cn/a.png" alt="机房"></p>',
        head_image_url="https://img.cls.cn/head.png",
        categories=[depth],
        authors=[author],
        tags=["云计算"],
        published_at=NOW - dt.timedelta(hours=2),
    )
    old = ArticleFactory(title="三年前的旧闻", categories=[finance], published_at=NOW - dt.timedelta(days=1000))
    hidden = [
        ArticleFactory(title="草稿不可见", draft=True, categories=[depth], tags=["云计算"]),
        ArticleFactory(title="审核中不可见", in_review=True, categories=[depth]),
        ArticleFactory(title="定时不可见", scheduled=True, categories=[depth], tags=["云计算"]),
    ]
    for article in hidden:
        article.set_authors([author])
    return {"live": live, "old": old, "author": author, "depth": depth, "hidden": hidden}


def parse_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


# Feeds ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_site_feeds_are_valid_and_complete(client, stories, url):
    parsed = parse_feed(client, url)
    titles = [entry.title for entry in parsed.entries]
    assert titles == ["阿里云们的十字路口", "三年前的旧闻"]
    entry = parsed.entries[0]
    assert entry.summary == "云计算进入关键期。"
    assert "<strong>重点</strong>" in entry.content[0].value
    assert entry.author == "黄心怡"
    assert {tag.term for tag in entry.tags} >= {"深度", "云计算"}
    assert entry.link.endswith(stories["live"].get_absolute_url())
    enclosures = [link for link in entry.links if link.rel == "enclosure"]
    assert enclosures and enclosures[0].href == "https://img.cls.cn/head.png" and enclosures[0].type == "image/png"


def test_feed_lists_the_latest_thirty(client, db):
    for number in range(35):
        ArticleFactory(title=f"快讯{number}", published_at=NOW - dt.timedelta(minutes=number))
    parsed = parse_feed(client, "/feed/")
    assert len(parsed.entries) == 30 and parsed.entries[0].title == "快讯0"


def test_section_tag_and_author_feeds(client, stories):
    for url in [
        f"{stories['depth'].get_absolute_url()}feed/",
        "/tags/云计算/feed/",
        f"{stories['author'].get_absolute_url()}feed/",
    ]:
        assert [entry.title for entry in parse_feed(client, url).entries] == ["阿里云们的十字路口"]
    finance_feed = parse_feed(client, "/sections/金融/feed/")
    assert [entry.title for entry in finance_feed.entries] == ["阿里云们的十字路口", "三年前的旧闻"]
    assert client.get("/tags/没有/feed/").status_code == 404


# A cold feed: content version + its articles' ids + their bylines, sections
# and tags in one statement + their rows + the section tree. A warm one: the
# ids only; written items are reused until the content changes.
@pytest.mark.parametrize("count", [1, 25])
@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_feed_query_count_is_fixed(client, django_assert_num_queries, url, count):
    authors = AuthorFactory.create_batch(3)
    sections = [CategoryFactory(name=f"栏目{i}") for i in range(3)]
    for _ in range(count):
        ArticleFactory(categories=sections, authors=authors, tags=["芯片", "盈利", "央行"])
    with django_assert_num_queries(5):
        cold = client.get(url).content
    with django_assert_num_queries(1):
        assert client.get(url).content == cold
    assert len(parse_feed(client, url).entries) == count


@pytest.mark.django_db(transaction=True)  # a new content version starts at commit
@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_feed_items_follow_content_changes(client, url):
    kept, edited = ArticleFactory(title="不变的稿件"), ArticleFactory(title="旧标题", tags=["旧标签"])
    assert {entry.title for entry in parse_feed(client, url).entries} == {"不变的稿件", "旧标题"}
    edited.title = "新标题"
    edited.save()
    edited.tags.set(["新标签"])
    entries = {entry.title: entry for entry in parse_feed(client, url).entries}
    assert set(entries) == {"不变的稿件", "新标题"}
    assert {tag.term for tag in entries["新标题"].tags} == {"新标签"}
    kept.status, kept.published_at = Article.Status.DRAFT, None
    kept.save()
    assert [entry.title for entry in parse_feed(client, url).entries] == ["新标题"]
    edited.delete()
    assert parse_feed(client, url).entries == []


def test_every_page_links_its_feeds(client, stories):
    for url in ["/", stories["live"].get_absolute_url(), "/search/?q=云"]:
        html = client.get(url).content.decode()
        assert 'type="application/rss+xml"' in html and 'type="application/atom+xml"' in html
    section_html = client.get(stories["depth"].get_absolute_url()).content.decode()
    assert f'href="{stories["depth"].get_absolute_url()}feed/"' in section_html


# Sitemaps -----------------------------------------------------------------------------


def validate(xml_bytes, schema):
    document = etree.fromstring(xml_bytes)
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / schema)))
    assert schema.validate(document), schema.error_log
    return document


NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}


def test_sitemap_index_and_pages_are_valid(client, stories):
    index = validate(client.get("/sitemap.xml").content, "siteindex.xsd")
    locations = index.xpath("//s:sitemap/s:loc/text()", namespaces=NS)
    assert any("sitemap-articles.xml" in loc for loc in locations)
    assert any("sitemap-sections.xml" in loc for loc in locations)
    # Pages are id ranges: follow the index (ids on PostgreSQL are not reset between tests).
    urls, lastmods = [], []
    for loc in (loc for loc in locations if "sitemap-articles.xml" in loc):
        page = validate(client.get(loc.removeprefix(settings.SITE_URL)).content, "sitemap.xsd")
        urls += page.xpath("//s:url/s:loc/text()", namespaces=NS)
        lastmods += page.xpath("//s:url/s:lastmod", namespaces=NS)
    assert len(urls) == 2 and any(stories["live"].get_absolute_url() in url for url in urls)
    assert len(lastmods) == 2
    # The time of the last change, to the second, with its offset.
    live = next(lastmod.text for url, lastmod in zip(urls, lastmods) if stories["live"].get_absolute_url() in url)
    assert dt.datetime.fromisoformat(live) == stories["live"].updated_at.replace(microsecond=0)
    sections = validate(client.get("/sitemap-sections.xml").content, "sitemap.xsd")
    assert len(sections.xpath("//s:url", namespaces=NS)) == 3


def test_article_sitemap_pages_are_id_ranges(client, db, monkeypatch):
    monkeypatch.setattr(sitemaps, "ARTICLES_PER_PAGE", 3)
    articles = ArticleFactory.create_batch(7)
    highest = max(article.pk for article in articles)
    index = validate(client.get("/sitemap.xml").content, "siteindex.xsd")
    pages = [loc for loc in index.xpath("//s:sitemap/s:loc/text()", namespaces=NS) if "articles" in loc]
    assert len(pages) == highest // 3 + 1
    seen = []
    for number in range(1, len(pages) + 1):
        page = validate(client.get(f"/sitemap-articles.xml?p={number}").content, "sitemap.xsd")
        seen += page.xpath("//s:url/s:loc/text()", namespaces=NS)
    assert sorted(seen) == sorted(f"{settings.SITE_URL}{article.get_absolute_url()}" for article in articles)
    assert client.get(f"/sitemap-articles.xml?p={len(pages) + 1}").status_code == 404
    assert client.get("/sitemap-articles.xml?p=x").status_code == 404


def test_news_sitemap_lists_the_last_48_hours(client, stories):
    document = validate(client.get("/sitemap-news.xml").content, "sitemap.xsd")
    titles = document.xpath("//news:title/text()", namespaces=NS)
    assert titles == ["阿里云们的十字路口"]
    assert document.xpath("//news:publication/news:name/text()", namespaces=NS) == ["新闻室"]
    assert document.xpath("//news:publication/news:language/text()", namespaces=NS) == ["zh-cn"]
    published = document.xpath("//news:publication_date/text()", namespaces=NS)[0]
    assert dt.datetime.fromisoformat(published) == stories["live"].published_at


def test_news_sitemap_escapes_titles(client, db):
    article = ArticleFactory(title="A&B <芯片>\x0b 报告", published_at=NOW - dt.timedelta(hours=1))
    document = validate(client.get("/sitemap-news.xml").content, "sitemap.xsd")
    assert document.xpath("//news:title/text()", namespaces=NS) == ["A&B <芯片> 报告"]
    assert document.xpath("//s:loc/text()", namespaces=NS) == [settings.SITE_URL + article.get_absolute_url()]


def test_unpublished_articles_are_in_no_feed_or_sitemap(client, stories):
    for url in ["/feed/", "/feed/atom/", "/tags/云计算/feed/", f"{stories['author'].get_absolute_url()}feed/",
                "/sitemap-articles.xml", "/sitemap-news.xml", "/archive/"]:
        body = client.get(url).content.decode()
        assert "不可见" not in body, url
    for article in stories["hidden"]:  # on the sitemap page of its id range
        page = client.get(f"/sitemap-articles.xml?p={article.pk // sitemaps.ARTICLES_PER_PAGE + 1}")
        assert f"/articles/{article.pk}/" not in page.content.decode()


def test_robots_txt_points_at_the_sitemaps(client, settings):
    settings.SITE_URL = "https://news.example.com"
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://news.example.com/sitemap.xml" in body
    assert "Sitemap: https://news.example.com/sitemap-news.xml" in body
    assert "Disallow: /admin/" in body


# Page metadata -------------------------------------------------------------------------


def test_article_metadata_and_json_ld(client, stories, settings):
    settings.SITE_URL = "https://news.example.com"
    live = stories["live"]
    html = client.get(live.get_absolute_url()).content.decode()
    canonical = f"https://news.example.com{live.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="阿里云们的十字路口">' in html
    assert '<meta property="og:image" content="https://img.cls.cn/head.png">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    start = html.index(">", html.index('<script type="application/ld+json"')) + 1
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "阿里云们的十字路口"
    assert dt.datetime.fromisoformat(data["datePublished"]) == live.published_at
    assert "dateModified" in data
    assert data["author"] == [{"@type": "Person", "name": "黄心怡", "url": f"https://news.example.com{stories['author'].get_absolute_url()}"}]
    assert data["image"] == ["https://img.cls.cn/head.png"]
    assert data["publisher"]["name"] == "新闻室"
    assert data["mainEntityOfPage"]["@id"] == canonical


def test_json_ld_cannot_break_out_of_its_script(client, db):
    article = ArticleFactory(title="</script><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    block = html[html.index('<script type="application/ld+json"') :]
    assert "<script>alert(1)" not in block.split("</script>", 1)[0]


@pytest.mark.parametrize("url", ["/", "/archive/", "/search/?q=云"])
def test_every_page_has_title_description_and_social_tags(client, stories, url):
    html = client.get(url).content.decode()
    for needle in ["<title>", '<meta name="description"', '<meta property="og:title"', '<meta name="twitter:card"']:
        assert needle in html, needle


def test_list_canonical_includes_the_page(client, db, settings):
    settings.SITE_URL = "https://news.example.com"
    ArticleFactory.create_batch(21)
    html = client.get("/?page=2").content.decode()
    assert '<link rel="canonical" href="https://news.example.com/?page=2">' in html


def test_english_article_gets_its_language(client, db):
    article = ArticleFactory(title="Model Y deliveries rise", summary="Tesla said deliveries rose.", body="<p>English text.</p>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<html lang="zh-hans">' in html and '<article class="article" lang="en">' in html


# Archives, related articles, reading time --------------------------------------------------


def test_archive_pages(client, db):
    tz = timezone.get_current_timezone()
    ArticleFactory(title="六月一日", published_at=dt.datetime(2025, 6, 1, 0, 30, tzinfo=tz))
    ArticleFactory(title="六月三十日", published_at=dt.datetime(2025, 6, 30, 23, 30, tzinfo=tz))
    ArticleFactory(title="七月", published_at=dt.datetime(2025, 7, 1, 0, 0, tzinfo=tz))
    ArticleFactory(title="去年", published_at=dt.datetime(2024, 12, 31, 23, 59, tzinfo=tz))
    index = client.get("/archive/").content.decode()
    assert "/archive/2025/6/" in index and "(2)" in index
    month = client.get("/archive/2025/6/")
    assert {article.title for article in month.context["articles"]} == {"六月一日", "六月三十日"}
    year = client.get("/archive/2025/")
    assert {article.title for article in year.context["articles"]} == {"六月一日", "六月三十日", "七月"}
    assert [count for _, count in year.context["month_counts"]] == [1, 2]
    assert client.get("/archive/2025/13/").status_code == 404
    assert "/archive/" in client.get("/").content.decode()  # linked from the footer


def test_archive_index_counts_every_month_in_the_sites_time_zone(client, db):
    tz = timezone.get_current_timezone()
    for when in [(2023, 11, 30, 23, 59), (2024, 1, 1, 0, 0), (2024, 1, 31, 23, 59), (2025, 12, 1, 0, 0)]:
        ArticleFactory(published_at=dt.datetime(*when, tzinfo=tz))
    ArticleFactory(draft=True, published_at=None)
    ArticleFactory(scheduled=True)  # not counted before its time
    years = dict(client.get("/archive/").context["years"])
    counts = {year: [(month.month, count) for month, count in months] for year, months in years.items()}
    assert counts == {2025: [(12, 1)], 2024: [(1, 2)], 2023: [(11, 1)]}  # empty months are left out


@pytest.mark.django_db(transaction=True)  # a new content version starts at commit
def test_archive_counts_are_kept_until_the_content_changes(client, django_assert_num_queries):
    tz = timezone.get_current_timezone()
    ArticleFactory(published_at=dt.datetime(2025, 6, 1, tzinfo=tz))
    assert "(1)" in client.get("/archive/").content.decode()
    with django_assert_num_queries(0):  # the counts come from the cache
        assert "(1)" in client.get("/archive/").content.decode()
    ArticleFactory(published_at=dt.datetime(2025, 6, 2, tzinfo=tz))
    assert "(2)" in client.get("/archive/").content.decode()


def test_related_articles_share_tags_or_sections(client, section_tree):
    _, _, depth = section_tree
    article = ArticleFactory(title="主文章", tags=["芯片", "出口"], categories=[depth])
    ArticleFactory(title="两个标签相同", tags=["芯片", "出口"], published_at=NOW - dt.timedelta(days=3))
    ArticleFactory(title="同一栏目", categories=[depth])
    ArticleFactory(title="毫不相关", tags=["房地产"], categories=[CategoryFactory(name="其他")])
    ArticleFactory(title="相关但是草稿", draft=True, tags=["芯片"])
    related = client.get(article.get_absolute_url()).context["related"]
    titles = [item.title for item in related]
    assert titles[0] == "两个标签相同"
    assert set(titles) == {"两个标签相同", "同一栏目"}


def test_reading_time_counts_characters_and_words(db):
    from articles.text import reading_minutes

    assert reading_minutes("<p>" + "字" * 1200 + "</p>") == 3
    assert reading_minutes("<p>" + "word " * 660 + "</p>") == 3
    assert reading_minutes("<p>短</p>") == 1


def test_feed_bodies_use_full_urls(client, db, settings):
    settings.SITE_URL = "https://news.example.com"
    ArticleFactory(body='<p><a href="/articles/1/x/">站内</a><img src="/media/a.jpg" alt="图"><a href="https://other.example/">外站</a></p>')
    content = parse_feed(client, "/feed/").entries[0].content[0].value
    assert 'href="https://news.example.com/articles/1/x/"' in content
    assert 'src="https://news.example.com/media/a.jpg"' in content
    assert 'href="https://other.example/"' in content


def test_feed_response_is_one_chunk(client, stories):
    # A chunk per XML element would mean a socket write per element.
    response = client.get("/feed/")
    assert len(response._container) == 1
    assert response.content.startswith(b"<?xml")
    assert response["Last-Modified"]


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_feeds_escape_markup_and_drop_control_characters(client, db, url):
    author = AuthorFactory(name='记者"甲" & <乙>')
    ArticleFactory(
        title="A<b>&C\x0b ]]> 标题", summary="摘要 <i>斜体</i> & \x01", authors=[author],
        tags=['"引号"'], head_image_url="https://img.example/a.jpg?x=1&y=2",
    )
    entry = parse_feed(client, url).entries[0]
    assert entry.title == "A<b>&C ]]> 标题"
    assert entry.author == '记者"甲" & <乙>'
    assert '"引号"' in {tag.term for tag in entry.tags}
    assert [link.href for link in entry.links if link.rel == "enclosure"] == ["https://img.example/a.jpg?x=1&y=2"]


def test_empty_feeds_are_valid(client, db):
    for url in ["/feed/", "/feed/atom/"]:
        assert parse_feed(client, url).entries == []


@pytest.mark.parametrize("url", ["/articles/1/x/", "//cdn.example/a.jpg", "https://other.example/b", "media/c.jpg"])
def test_feed_addresses_are_absolute_as_urljoin_makes_them(settings, url):
    from urllib.parse import urljoin

    from articles.feeds import absolute

    settings.SITE_URL = "https://news.example.com"
    assert absolute(url) == urljoin("https://news.example.com/", url)
