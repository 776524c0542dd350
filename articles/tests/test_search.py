"""Search that finds Chinese words: recall, precision, ranking, freshness of the index."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles import search, workflow
from articles.search.backends import backend
from articles.search.tokens import Phrase, index_tokens, parse_query

from .factories import ArticleFactory
from .plans import explain

NOW = timezone.now()

# title, body: a fixed newsroom of Chinese, English and mixed stories.
CORPUS = {
    "chip": ("国产芯片加速替代", "<p>多家厂商发布新一代芯片，AI 芯片需求旺盛。</p>"),
    "profit": ("券商三季报出炉", "<p>多数券商盈利改善，自营业务贡献较大。</p>"),
    "both": ("半导体公司盈利回升", "<p>受益于芯片价格上涨，公司三季度盈利回升。</p>"),
    "ai": ("人工智能大模型商业化", "<p>大模型公司加速落地，人工智能应用增多。</p>"),
    "tesla": ("Model Y deliveries rise", "<p>Tesla said Model Y deliveries rose 12% in October.</p>"),
    "mixed": ("Model Y 交付量创新高", "<p>特斯拉 Model Y 十月交付量同比增长。</p>"),
    "pmi": ("10月制造业PMI为49.2", "<p>制造业采购经理指数为49.2%，比上月下降0.4个百分点。</p>"),
    "near_miss": ("芯，片与片芯", "<p>这里只有“芯”和“片”分开出现：芯。片。</p>"),
    "summary_only": ("一则快讯", "<p>正文没有关键词。</p>"),
}


@pytest.fixture(autouse=True)
def empty_index(request):
    """Each test starts from an empty index (in its transaction). Transactional
    tests elsewhere (the browser tests) flush the articles between tests but
    not the index, and counts come from the index alone."""
    if "db" in request.fixturenames:
        request.getfixturevalue("db")
        index = backend()
        with connection.cursor() as cursor:
            index.reset(cursor)
            index.finish(cursor)


@pytest.fixture
def newsroom(db):
    articles = {}
    for offset, (key, (title, body)) in enumerate(CORPUS.items()):
        articles[key] = ArticleFactory(title=title, body=body, published_at=NOW - dt.timedelta(hours=offset + 1))
    articles["summary_only"].summary = "盈利预警"
    articles["summary_only"].save()
    return articles


def found(query):
    results = search.search(query)
    return {article.title for article in results[0 : results.count() + 1]}


def titles(keys):
    return {CORPUS[key][0] for key in keys}


def test_tokens_are_character_pairs_and_words():
    assert index_tokens("人工智能 AI 芯片") == ["人工", "工智", "智能", "ai", "芯片", "能", "片"]


@pytest.mark.parametrize(
    "text", ["ＡＩ芯片，（测试）：　完成！", "Ｍｏｄｅｌ　Ｙ；４９．２？", "㈱カタカナ・ﾊﾝｶｸ ﬁ ①", ""]
)
def test_normalising_folds_as_nfkc_does(text):
    import unicodedata

    from articles.search.tokens import index_text, normalise

    assert normalise(text) == unicodedata.normalize("NFKC", text).lower()
    assert index_text(text) == " ".join(index_tokens(text))


def test_query_words_become_phrases():
    phrases, terms = parse_query('AI 芯片 "Model Y" 芯')
    assert phrases == [Phrase(["model", "y"]), Phrase(["ai"]), Phrase(["芯片"]), Phrase(["芯"], prefix=True)]
    assert terms == ["model y", "ai", "芯片", "芯"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("芯片", {"chip", "both"}),
        ("盈利", {"profit", "both", "summary_only"}),
        ("人工智能", {"ai"}),
        ("智能", {"ai"}),
        ("AI 芯片", {"chip"}),
        ("芯片 盈利", {"both"}),
        ("Model Y", {"tesla", "mixed"}),
        ('"Model Y" 交付量', {"mixed"}),
        ("deliveries", {"tesla"}),
        ("tesla", {"tesla"}),
        ("49.2", {"pmi"}),
        ("PMI", {"pmi"}),
        ("ＡＩ", {"chip"}),  # full-width letters fold to ASCII
        ("芯", {"chip", "both", "near_miss"}),
        ("不存在的词", set()),
    ],
)
def test_recall_and_precision(newsroom, query, expected):
    assert found(query) == titles(expected)


def test_a_word_split_by_punctuation_is_not_a_match(newsroom):
    # "芯，片" and "芯。片。" contain both characters but never the word.
    assert CORPUS["near_miss"][0] not in found("芯片")


def test_title_matches_rank_above_body_matches_then_newest(newsroom):
    older_title = ArticleFactory(title="芯片出口（旧）", body="<p>无</p>", published_at=NOW - dt.timedelta(days=30))
    results = list(search.search("芯片")[0:20])
    in_title = [article for article in results if "芯片" in article.title]
    assert results[: len(in_title)] == in_title  # titles first
    assert results.index(older_title) == len(in_title) - 1  # then by recency within titles
    dates = [article.published_at for article in results[len(in_title) :]]
    assert dates == sorted(dates, reverse=True)


def test_snippets_highlight_the_words(newsroom):
    article = search.search("芯片")[0:1][0]
    assert "<mark>芯片</mark>" in article.title_highlighted
    assert "<mark>芯片</mark>" in article.snippet


def test_snippet_escapes_html(db):
    ArticleFactory(title="安全", body="<p>&lt;script&gt;芯片&lt;/script&gt;</p>")
    snippet = search.search("芯片")[0:1][0].snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


@pytest.mark.parametrize("trait", ["draft", "in_review", "scheduled"])
def test_unpublished_articles_are_never_found(db, trait):
    ArticleFactory(title="秘密芯片计划", **{trait: True})
    assert found("秘密") == set()


def test_scheduled_article_is_found_once_its_time_comes(db):
    from freezegun import freeze_time

    with freeze_time("2026-06-20 00:00:00+00:00") as frozen:
        ArticleFactory(title="定时芯片稿件", published_at=timezone.now() + dt.timedelta(minutes=10))
        assert found("定时") == set()
        frozen.tick(dt.timedelta(minutes=11))
        assert found("定时") == {"定时芯片稿件"}


def test_index_follows_edits_publish_unpublish_and_delete(db, editor):
    article = ArticleFactory(draft=True, title="光伏装机")
    assert found("光伏") == set()
    workflow.publish(article, user=editor)
    assert found("光伏") == {"光伏装机"}
    article.title = "风电装机"
    article.save()
    assert found("光伏") == set() and found("风电") == {"风电装机"}
    workflow.unpublish(article, user=editor)
    assert found("风电") == set()
    workflow.publish(article, user=editor)
    article.delete()
    assert found("风电") == set()


def test_import_is_indexed(db, tmp_path):
    post = tmp_path / "p.html"
    post.write_text(
        "\n---\ntitle: '储能电池出货'\ndate: Sun, 19 Jun 2022 04:35:46 GMT\n---\n<div><p>储能</p></div>",
        encoding="utf-8",
    )
    call_command("import_hexo", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    assert found("储能") == {"储能电池出货"}


def test_rebuild_search_index(newsroom):
    with connection.cursor() as cursor:
        backend().reset(cursor)
    assert found("芯片") == set()
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert f"Indexed {len(CORPUS)}" in out.getvalue()
    assert found("芯片") == titles({"chip", "both"})


def test_search_page(client, newsroom):
    response = client.get("/search/", {"q": "芯片"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "国产<mark>芯片</mark>加速替代" in html
    assert html.count('class="search-result"') == 2


def test_search_page_is_paginated(client, db):
    for number in range(25):
        ArticleFactory(title=f"芯片新闻 {number}", published_at=NOW - dt.timedelta(minutes=number))
    first = client.get("/search/", {"q": "芯片"})
    assert len(first.context["articles"]) == 20 and 'rel="next"' in first.content.decode()
    second = client.get("/search/", {"q": "芯片", "page": 2})
    assert len(second.context["articles"]) == 5


def test_empty_and_hostile_queries(client, newsroom):
    for query in ["", "   ", '"', "*", "AND OR NOT", "title:芯片", "' OR 1=1 --", "(", "NEAR(芯片)", "芯" * 500]:
        assert client.get("/search/", {"q": query}).status_code == 200
    assert client.get("/search/", {"q": "芯片\x00"}).status_code == 400


def test_search_query_count_is_fixed(client, newsroom, django_assert_num_queries):
    for number in range(30):
        ArticleFactory(title=f"芯片 {number}", tags=["芯片", "半导体"])
    # On PostgreSQL each of the two search statements runs in a transaction
    # (a savepoint here) with a planner setting: three more statements each.
    extra = 6 if connection.vendor == "postgresql" else 0
    # content version + counts + the page's articles and snippets + bylines + section tree
    with django_assert_num_queries(5 + extra):
        client.get("/search/", {"q": "芯片"})
    # Bylines are rendered once per content version, the section tree is kept.
    with django_assert_num_queries(2 + extra):
        client.get("/search/", {"q": "芯片"})
    with django_assert_num_queries(3 + extra):
        client.get("/search/", {"q": "芯片", "page": 2})


def _plan(sql, params):
    return " ".join(explain(sql, params, settings=backend().query_settings))  # as searches run


def test_search_uses_the_index(newsroom):
    """Counting reads the full-text index only; a page reads its own articles by id."""
    from articles.search import MAX_HITS, SearchResults
    from articles.search.backends import SMALLEST_KEY

    results = SearchResults("芯片")
    index = results._index
    count_plan = _plan(*index.window_sql(results.phrases, results._newest, MAX_HITS))
    parts = [("title", 1, 0), ("rest", 1, 0)]
    page_plan = _plan(*index.page_sql(results.phrases, parts, SMALLEST_KEY, results._newest, results._now))
    assert "articles_article" not in count_plan
    if connection.vendor == "postgresql":
        # With a handful of rows and no statistics the planner's choices say
        # little (here it may walk the published articles or the sort key);
        # what matters is that nothing is scanned and the match itself can
        # use the GIN index.
        assert "Seq Scan" not in count_plan and "Seq Scan" not in page_plan
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = off")
            match_sql = "SELECT sort_key FROM articles_search WHERE document @@ %s::tsquery"
            match_plan = _plan(match_sql, [index.match(results.phrases)])
        assert "articles_search_document" in match_plan
    else:
        assert count_plan.count("VIRTUAL TABLE INDEX") == 2
        assert "SEARCH a USING INTEGER PRIMARY KEY" in page_plan and not re.search(r"SCAN a\b", page_plan)


def test_very_common_words_rank_only_the_newest_matches(db, monkeypatch):
    import articles.search as search_module

    monkeypatch.setattr(search_module, "MAX_HITS", 5)
    # An old title match, then articles added newest first (as an import of old posts would be).
    ArticleFactory(title="市场周报", body="<p>无</p>", published_at=NOW - dt.timedelta(days=30))
    for number in range(8):
        ArticleFactory(title=f"普通新闻{number}", body="<p>市场</p>", published_at=NOW - dt.timedelta(hours=number))
    results = search.search("市场")
    assert results.count() == 5 and results.capped
    assert [article.title for article in results[0:5]] == [f"普通新闻{number}" for number in range(5)]


def test_a_page_may_hold_the_last_title_matches_and_the_first_others(db):
    for number in range(3):
        ArticleFactory(title=f"芯片标题{number}", body="<p>无</p>", published_at=NOW - dt.timedelta(days=10 + number))
    for number in range(25):
        ArticleFactory(title=f"新闻{number}", body="<p>芯片</p>", published_at=NOW - dt.timedelta(hours=number))
    expected = [f"芯片标题{number}" for number in range(3)] + [f"新闻{number}" for number in range(25)]
    results = search.search("芯片")
    assert results.count() == 28
    assert [article.title for article in results[0:20]] + [article.title for article in results[20:40]] == expected
    for start, stop in [(2, 5), (3, 4), (0, 3), (27, 40)]:
        assert [article.title for article in results[start:stop]] == expected[start:stop]


def test_a_new_publication_time_moves_the_article(db):
    earlier = ArticleFactory(title="光伏早报", published_at=NOW - dt.timedelta(days=2))
    ArticleFactory(title="光伏晚报", published_at=NOW - dt.timedelta(days=1))
    assert [article.title for article in search.search("光伏")[0:2]] == ["光伏晚报", "光伏早报"]
    earlier.published_at = NOW - dt.timedelta(minutes=1)
    earlier.save(update_fields=["published_at"])
    assert [article.title for article in search.search("光伏")[0:2]] == ["光伏早报", "光伏晚报"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_rebuild_indexes_every_batch(db, jobs):
    for number in range(7):
        ArticleFactory(title=f"储能{number}", published_at=NOW - dt.timedelta(hours=number))
    ArticleFactory(title="储能草稿", draft=True)
    ArticleFactory(title="储能预告", scheduled=True)
    with connection.cursor() as cursor:
        backend().reset(cursor)
    seen = []
    count = search.rebuild(batch_size=3, progress=lambda done, total, seconds: seen.append((done, total)), jobs=jobs)
    assert count == 8 and seen == [(3, 8), (6, 8), (8, 8)]
    assert found("储能") == {f"储能{number}" for number in range(7)}


def test_an_article_saved_during_a_rebuild_is_indexed_once(db):
    articles = [ArticleFactory(title=f"氢能{n}", published_at=NOW - dt.timedelta(hours=n)) for n in range(4)]
    newest = articles[0]

    def edit_the_newest(done, total, seconds):
        if done == 2:  # the two oldest are in; the newest is saved before its batch
            newest.title = "氢能快讯"
            newest.save()

    assert search.rebuild(batch_size=2, progress=edit_the_newest) == 4
    assert found("氢能") == {"氢能快讯", "氢能1", "氢能2", "氢能3"}
    assert search.search("氢能").count() == 4


def test_rebuild_command_reports_progress(newsroom):
    out = StringIO()
    call_command("rebuild_search_index", "--batch-size", "4", stdout=out)
    assert f"{len(CORPUS)}/{len(CORPUS)} articles" in out.getvalue()
    assert found("芯片") == titles({"chip", "both"})


@pytest.mark.parametrize(
    "html",
    [
        "<p>国产<strong>芯片</strong>加速</p><p>第二段</p>",
        '<p title="a>b">标题</p>尾<br/>行<BR>行<hr >线<P class="x">大写</P>',
        "<pre>代码</pre><p-x>不是段落</p-x><h2>小标题</h2><h7>未知</h7>",
        "&lt;script&gt;芯片&lt;/script&gt; &amp; &#x4e2d;&nbsp;文\u3000字",
        "&am<b></b>p; 被标签切开的字符引用",
        "<!-- 注释 -->芯<b>片</b><script>var a = '<p>';</script>",
        "a < b <3 </> 结尾 <",
        "行一\r行二<p>行\x0b三</p>",
        "<a href=x>未加引号</a>",
        "",
    ],
)
def test_index_reads_bodies_as_the_site_shows_them(html):
    from articles.search.documents import body_text
    from articles.text import html_to_text

    assert body_text(html) == html_to_text(html)


def test_search_page_says_when_a_search_is_capped(client, db, monkeypatch):
    import articles.search as search_module

    monkeypatch.setattr(search_module, "MAX_HITS", 3)
    for number in range(4):
        ArticleFactory(title=f"快讯{number}", published_at=NOW - dt.timedelta(hours=number))
    response = client.get("/search/", {"q": "快讯"})
    assert response.content.decode().count('class="search-result"') == 3
    assert response.context["page_obj"].paginator.object_list.capped
