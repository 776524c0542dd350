import pytest

from .factories import ArticleFactory, AuthorFactory, CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/add/",
        "/admin/articles/category/",
        "/admin/articles/category/add/",
        "/admin/articles/author/",
        "/admin/articles/author/add/",
    ],
)
def test_admin_pages_load(admin_client, url, section_tree):
    ArticleFactory(categories=[section_tree[2]], authors=[AuthorFactory()])
    assert admin_client.get(url).status_code == 200


def test_article_change_page_loads(admin_client, article):
    assert admin_client.get(f"/admin/articles/article/{article.pk}/change/").status_code == 200


def test_article_changelist_shows_sections_and_bylines(admin_client, section_tree):
    ArticleFactory(title="列表里的文章", categories=[section_tree[2]], authors=[AuthorFactory(name="王明")])
    html = admin_client.get("/admin/articles/article/").content.decode()
    assert "列表里的文章" in html and "深度" in html and "王明" in html


def test_article_changelist_filters_by_status(admin_client):
    ArticleFactory(title="已发布稿")
    ArticleFactory(title="草稿稿件", draft=True)
    html = admin_client.get("/admin/articles/article/?status__exact=draft").content.decode()
    assert "草稿稿件" in html and "已发布稿" not in html


def test_article_search(admin_client):
    ArticleFactory(title="芯片出口数据")
    ArticleFactory(title="楼市政策")
    html = admin_client.get("/admin/articles/article/?q=芯片").content.decode()
    assert "芯片出口数据" in html and "楼市政策" not in html


def test_category_changelist_shows_the_tree_in_order(admin_client):
    tech = CategoryFactory(name="科技")
    finance = CategoryFactory(name="金融")
    CategoryFactory(name="快讯", parent=finance)
    CategoryFactory(name="深度", parent=tech)
    html = admin_client.get("/admin/articles/category/").content.decode()
    # Each child sits right below its parent, indented.
    positions = [html.index(name) for name in ("科技", "└ 深度", "金融", "└ 快讯")]
    assert positions == sorted(positions)


def test_author_and_category_autocomplete(admin_client, section_tree):
    AuthorFactory(name="黄心怡")
    author_json = admin_client.get(
        "/admin/autocomplete/", {"app_label": "articles", "model_name": "byline", "field_name": "author", "term": "黄"}
    ).json()
    assert [item["text"] for item in author_json["results"]] == ["黄心怡"]
    category_json = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "article", "field_name": "categories", "term": "深"},
    ).json()
    assert [item["text"] for item in category_json["results"]] == ["金融 › 财联社 › 深度"]


@pytest.mark.parametrize(
    "url, field", [("/admin/articles/category/add/", "parent"), ("/admin/articles/author/add/", "user")]
)
def test_optional_autocomplete_boxes_label_their_blank_choice(admin_client, url, field):
    # An empty <option> is valid HTML only in a required select.
    html = admin_client.get(url).content.decode()
    select = html[html.index(f'name="{field}"') : html.index("</select>", html.index(f'name="{field}"'))]
    assert "admin-autocomplete" in select
    assert '<option value="">---------</option>' in select


def test_every_admin_page_names_the_widgets_controls(admin_client, article):
    for url in ["/admin/", "/admin/articles/category/", f"/admin/articles/article/{article.pk}/change/"]:
        html = admin_client.get(url).content.decode()
        assert html.count("admin-extra/accessible-names") == 1, url
