"""Every way a body reaches the database stores clean HTML."""

import pytest
from django.core.management import call_command

from articles.fields import CleanHTML
from articles.models import Article

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<p onclick="steal()">新闻</p><script>alert(1)</script><a href="javascript:alert(2)">链接</a><img src=x onerror=alert(3)>'
CLEAN = '<p>新闻</p><a>链接</a><img src="x" loading="lazy">'


def stored_body(pk):
    """The body as the database holds it, bypassing the model instance."""
    return Article.objects.filter(pk=pk).values_list("body", flat=True).get()


def test_save_stores_clean_html():
    article = Article(title="save", body=HOSTILE)
    article.save()
    assert stored_body(article.pk) == CLEAN
    assert article.body == CLEAN  # the instance matches the database


def test_create_stores_clean_html():
    article = Article.objects.create(title="create", body=HOSTILE)
    assert stored_body(article.pk) == CLEAN


def test_bulk_create_stores_clean_html():
    Article.objects.bulk_create([Article(title=f"bulk {i}", slug=f"bulk-{i}", body=HOSTILE) for i in range(3)])
    assert set(Article.objects.values_list("body", flat=True)) == {CLEAN}


def test_bulk_update_stores_clean_html():
    article = ArticleFactory()
    article.body = HOSTILE
    Article.objects.bulk_update([article], ["body"])
    assert stored_body(article.pk) == CLEAN


def test_queryset_update_stores_clean_html():
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(body=HOSTILE)
    assert stored_body(article.pk) == CLEAN


def test_update_or_create_stores_clean_html():
    article, _ = Article.objects.update_or_create(title="uoc", defaults={"body": HOSTILE})
    assert stored_body(article.pk) == CLEAN


def test_cleaning_happens_once_per_save(monkeypatch):
    calls = []
    import articles.fields

    original = articles.fields.clean_html
    monkeypatch.setattr(articles.fields, "clean_html", lambda html: calls.append(html) or original(html))
    Article.objects.create(title="once", body=HOSTILE)
    assert len(calls) == 1


def test_marked_clean_value_is_not_cleaned_again():
    # The importer and admin form clean first and mark the result.
    article = Article.objects.create(title="marked", body=CleanHTML("<p>已清理</p>"))
    assert stored_body(article.pk) == "<p>已清理</p>"


def test_admin_form_stores_clean_html_and_tells_the_editor(admin_client):
    response = admin_client.post(
        "/admin/articles/article/add/",
        {
            "title": "后台文章",
            "slug": "",
            "summary": "",
            "body": HOSTILE,
            "status": "draft",
            "allow_comments": "on",
            "tags": "",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
        },
        follow=True,
    )
    assert response.status_code == 200
    article = Article.objects.get(title="后台文章")
    assert stored_body(article.pk) == CLEAN
    messages = [str(message) for message in response.context["messages"]]
    assert any("onclick" in message and "script" in message for message in messages), messages


def test_admin_form_refuses_html_nested_too_deep_before_cleaning_it(admin_client, monkeypatch):
    from articles import sanitizer

    cleaned = []
    monkeypatch.setattr(sanitizer._cleaner, "clean_with_report", lambda text: cleaned.append(text) or ("", set()))
    depth = sanitizer.MAX_DEPTH + 1
    response = admin_client.post(
        "/admin/articles/article/add/",
        {
            "title": "嵌套太深",
            "slug": "",
            "summary": "",
            "body": "<blockquote>" * depth + "字" + "</blockquote>" * depth,
            "status": "draft",
            "allow_comments": "on",
            "tags": "",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert f"正文的 HTML 元素嵌套了 {depth} 层，最多允许 {depth - 1} 层。" in response.content.decode()
    assert not Article.objects.filter(title="嵌套太深").exists()
    assert cleaned == []  # refused before the slow part


def test_nesting_depth_counts_elements_that_nest():
    from articles.sanitizer import nesting_depth

    assert nesting_depth("<p>一<p>二<p>三") == 0  # each <p> closes the one before
    assert nesting_depth("<blockquote><b><i>字</i></b></blockquote><b>又</b>") == 3
    assert nesting_depth("<b>" * 50) == 50  # left open: still nested
    assert nesting_depth("<br><img src=x><hr>") == 0


def test_importer_stores_clean_html(tmp_path):
    post = tmp_path / "hostile.html"
    post.write_text(
        "\n---\ntitle: '恶意稿件'\ndate: Sun, 19 Jun 2022 04:35:46 GMT\n---\n\n<div>" + HOSTILE + "</div>",
        encoding="utf-8",
    )
    call_command("import_hexo", str(tmp_path), stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    article = Article.objects.get(title="恶意稿件")
    assert stored_body(article.pk) == CLEAN
