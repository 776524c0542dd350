"""Parts kept per content version (articles/fragments.py) stay right: each
page still gets its own menu state, search box and nonce, and a kept article
is still checked against the database on every request."""

import re

import pytest

from articles import fragments
from articles.models import Article

from .factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def _menu(html):
    """``{link text: its aria-current value, or None}`` for the sections menu."""
    nav = html.split('<nav class="sections"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="[^"]*"(?: aria-current="([^"]*)")?>([^<]*)</a>', nav)
    return {text: current or None for current, text in links}


def test_menu_marks_the_current_section_on_each_page(client, section_tree):
    finance, desk, _ = section_tree
    other = CategoryFactory(name="科技")

    def menu(url):
        return _menu(client.get(url).content.decode())

    assert menu("/") == {"最新": "page", "金融": None, "科技": None}
    assert menu(finance.get_absolute_url()) == {"最新": None, "金融": "page", "科技": None}
    assert menu(desk.get_absolute_url()) == {"最新": None, "金融": "true", "科技": None}
    assert menu(other.get_absolute_url()) == {"最新": None, "金融": None, "科技": "page"}
    # The kept menus do not leak from one page to another.
    assert menu("/") == {"最新": "page", "金融": None, "科技": None}


@pytest.mark.django_db(transaction=True)  # a new content version starts on commit
def test_menu_shows_a_new_section_at_once(client, section_tree):
    assert "新栏目" not in client.get("/").content.decode()
    CategoryFactory(name="新栏目")
    assert "新栏目" in _menu(client.get("/").content.decode())


def test_search_box_shows_only_its_own_query(client):
    ArticleFactory(title="芯片出口")
    assert 'value="芯片"' in client.get("/search/", {"q": "芯片"}).content.decode()
    assert 'name="q" maxlength="200" placeholder="搜索" value=""' in client.get("/").content.decode()


def test_a_kept_article_is_still_checked_against_the_database(client):
    article = ArticleFactory(title="先发布后撤回")
    assert client.get(article.get_absolute_url()).status_code == 200
    # Bypassing the signals keeps the content version: only the per-request
    # query can notice.
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_kept_article_still_moves_an_old_slug_to_the_canonical_address(client):
    article = ArticleFactory(title="地址")
    canonical = article.get_absolute_url()
    assert client.get(canonical).status_code == 200
    response = client.get(f"/articles/{article.pk}/old-slug/")
    assert response.status_code == 301 and response["Location"] == canonical


def test_every_response_carries_its_own_nonce_on_the_kept_article(client):
    article = ArticleFactory(title="随机数")
    nonces = []
    for _ in range(2):
        response = client.get(article.get_absolute_url())
        nonce = re.search(r'<script type="application/ld\+json" nonce="([^"]+)">', response.content.decode()).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_an_article_rendered_by_one_process_serves_the_others(client, django_assert_num_queries):
    article = ArticleFactory(title="共享")
    first = client.get(article.get_absolute_url()).content.decode()
    fragments.forget()  # what another worker has kept: nothing yet
    with django_assert_num_queries(1):  # only whether the article is live
        second = client.get(article.get_absolute_url()).content.decode()
    assert "共享" in second
    strip_nonce = re.compile(r'nonce="[^"]+"')
    assert strip_nonce.sub("", first) == strip_nonce.sub("", second)
