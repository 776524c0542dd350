"""The admin by role: what each kind of user can see and do, and what they cannot."""

import datetime as dt

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from articles import previews, revisions, workflow
from articles.models import Article

from .factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db

CHANGE = "admin:articles_article_change"


def change_url(article):
    return reverse(CHANGE, args=[article.pk])


def form_data(article, **changes):
    """The change form as the browser would post it, with ``changes`` applied."""
    bylines = list(article.bylines.order_by("position"))
    data = {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "body": article.body,
        "tags": ", ".join(article.tags.names()),
        "allow_comments": "on",
        "head_image_url": article.head_image_url,
        "head_image_alt": article.head_image_alt,
        "thumbnail_url": article.thumbnail_url,
        "base_version": article.version,
        "bylines-TOTAL_FORMS": len(bylines),
        "bylines-INITIAL_FORMS": len(bylines),
        "bylines-MIN_NUM_FORMS": 0,
        "bylines-MAX_NUM_FORMS": 1000,
    }
    for index, byline in enumerate(bylines):
        data.update(
            {
                f"bylines-{index}-id": byline.pk,
                f"bylines-{index}-article": article.pk,
                f"bylines-{index}-author": byline.author_id,
                f"bylines-{index}-position": byline.position,
            }
        )
    if article.pk:
        data["categories"] = [category.pk for category in article.categories.all()]
    data.update(changes)
    return data


def new_article_data(**changes):
    data = {
        "title": "新稿件",
        "slug": "",
        "summary": "",
        "body": "<p>正文</p>",
        "tags": "",
        "allow_comments": "on",
        "bylines-TOTAL_FORMS": 0,
        "bylines-INITIAL_FORMS": 0,
        "bylines-MIN_NUM_FORMS": 0,
        "bylines-MAX_NUM_FORMS": 1000,
    }
    data.update(changes)
    return data


@pytest.fixture
def as_user(client):
    def login(user):
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture
def published_by_other(other_writer):
    return ArticleFactory(title="别人已发表的稿件", created_by=other_writer)


# The permission matrix ------------------------------------------------------------

USERS = ["anonymous", "writer", "other_writer", "editor", "superuser"]


def resolve(request, name):
    return None if name == "anonymous" else request.getfixturevalue(name)


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize(
    "page, allowed",
    [
        ("change", {"writer", "editor", "superuser"}),
        ("history", {"writer", "editor", "superuser"}),
        ("delete", {"editor", "superuser"}),
        ("preview", {"writer", "editor", "superuser"}),
    ],
)
def test_draft_pages_by_role(request, as_user, draft_by_writer, who, page, allowed):
    client = as_user(resolve(request, who))
    url = {
        "change": change_url(draft_by_writer),
        "history": reverse("admin:articles_article_history", args=[draft_by_writer.pk]),
        "delete": reverse("admin:articles_article_delete", args=[draft_by_writer.pk]),
        "preview": reverse("articles:preview", args=[draft_by_writer.pk]),
    }[page]
    response = client.get(url)
    if who in allowed:
        assert response.status_code == 200
        assert "记者的草稿" in response.content.decode()
    else:
        assert response.status_code in (302, 403, 404)
        assert "记者的草稿" not in response.content.decode()


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize(
    "url_name, allowed",
    [
        ("admin:articles_article_changelist", {"writer", "other_writer", "editor", "superuser"}),
        ("admin:articles_articleinreview_changelist", {"editor", "superuser"}),
        ("admin:articles_articleevent_changelist", {"editor", "superuser"}),
        ("admin:articles_article_add", {"writer", "other_writer", "editor", "superuser"}),
    ],
)
def test_admin_lists_by_role(request, as_user, who, url_name, allowed):
    response = as_user(resolve(request, who)).get(reverse(url_name))
    if who in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403)


def test_writer_sees_only_own_articles(as_user, writer, draft_by_writer, published_by_other):
    html = as_user(writer).get(reverse("admin:articles_article_changelist")).content.decode()
    assert "记者的草稿" in html and "别人已发表的稿件" not in html


def test_writer_sees_articles_with_their_byline(as_user, writer, other_writer):
    shared = ArticleFactory(draft=True, title="合写的稿件", created_by=other_writer)
    shared.set_authors([other_writer.author_profile, writer.author_profile])
    html = as_user(writer).get(reverse("admin:articles_article_changelist")).content.decode()
    assert "合写的稿件" in html


def test_other_writer_cannot_open_the_draft_by_id(as_user, other_writer, draft_by_writer):
    response = as_user(other_writer).get(change_url(draft_by_writer))
    assert response.status_code in (302, 403, 404)
    assert "记者的草稿" not in response.content.decode()


def test_writer_cannot_post_to_another_writers_draft(as_user, other_writer, draft_by_writer):
    response = as_user(other_writer).post(change_url(draft_by_writer), form_data(draft_by_writer, title="被篡改"))
    assert response.status_code in (302, 403, 404)
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.title == "记者的草稿"


def test_editor_sees_everything(as_user, editor, draft_by_writer, published_by_other):
    html = as_user(editor).get(reverse("admin:articles_article_changelist")).content.decode()
    assert "记者的草稿" in html and "别人已发表的稿件" in html


# Writers cannot publish by any route -------------------------------------------------


def test_writer_form_has_no_status_or_time_fields(as_user, writer, draft_by_writer):
    html = as_user(writer).get(change_url(draft_by_writer)).content.decode()
    assert 'name="status"' not in html and 'name="published_at"' not in html
    assert 'name="_submit"' in html and 'name="_publish"' not in html and 'name="_schedule"' not in html


def test_tampered_status_field_is_ignored(as_user, writer, draft_by_writer):
    data = form_data(draft_by_writer, status="published", published_at="2020-01-01 00:00:00")
    as_user(writer).post(change_url(draft_by_writer), data)
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.status == "draft" and draft_by_writer.published_at is None


def test_tampered_publish_button_is_refused(as_user, writer, draft_by_writer):
    response = as_user(writer).post(change_url(draft_by_writer), form_data(draft_by_writer, _publish="1"), follow=True)
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.status == "draft"
    assert not draft_by_writer.events.exists()
    assert any("editors" in str(message).lower() or "编辑" in str(message) for message in response.context["messages"])


def test_tampered_schedule_button_is_refused(as_user, writer, draft_by_writer):
    future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    as_user(writer).post(change_url(draft_by_writer), form_data(draft_by_writer, _schedule="1", schedule_at=future))
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.status == "draft"


def test_writer_cannot_use_the_bulk_publish_action(as_user, writer, draft_by_writer):
    as_user(writer).post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [draft_by_writer.pk]},
    )
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.status == "draft"


def test_writer_cannot_edit_after_submitting(as_user, writer, draft_by_writer):
    client = as_user(writer)
    client.post(change_url(draft_by_writer), form_data(draft_by_writer, _submit="1"))
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.status == "review"
    response = client.post(change_url(draft_by_writer), form_data(draft_by_writer, title="提交后再改"))
    assert response.status_code == 403
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.title == "记者的草稿"
    # They still see it, read-only.
    page = client.get(change_url(draft_by_writer))
    assert page.status_code == 200 and 'name="title"' not in page.content.decode()


def test_writer_cannot_delete(as_user, writer, draft_by_writer):
    response = as_user(writer).post(reverse("admin:articles_article_delete", args=[draft_by_writer.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Article.objects.filter(pk=draft_by_writer.pk).exists()


def test_writer_new_article_is_their_draft_with_their_byline(as_user, writer):
    as_user(writer).post(reverse("admin:articles_article_add"), new_article_data(status="published"))
    article = Article.objects.get(title="新稿件")
    assert article.status == "draft" and article.created_by == writer
    assert [author.name for author in article.authors.all()] == ["王明"]


# Editors' buttons and actions ---------------------------------------------------------


def test_editor_buttons(as_user, editor, writer, draft_by_writer):
    workflow.submit(draft_by_writer, user=writer)
    html = as_user(editor).get(change_url(draft_by_writer)).content.decode()
    for button in ("_publish", "_schedule", "_request_changes"):
        assert f'name="{button}"' in html
    assert 'name="_unpublish"' not in html


def test_editor_publishes_from_the_form(as_user, editor, draft_by_writer):
    as_user(editor).post(change_url(draft_by_writer), form_data(draft_by_writer, _publish="1"))
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.is_live and draft_by_writer.published_by == editor


def test_editor_schedules_from_the_form(as_user, editor, draft_by_writer):
    with freeze_time("2026-06-19 12:00:00+08:00"):
        as_user(editor).post(change_url(draft_by_writer), form_data(draft_by_writer, _schedule="1", schedule_at="2026-06-20T09:00"))
        draft_by_writer.refresh_from_db()
        assert draft_by_writer.status == "published"
        assert draft_by_writer.published_at == dt.datetime(2026, 6, 20, 1, 0, tzinfo=dt.timezone.utc)
        html = as_user(editor).get(reverse("admin:articles_article_changelist")).content.decode()
        assert "6月20日 09:00" in html


def test_schedule_in_the_past_is_a_form_error(as_user, editor, draft_by_writer):
    response = as_user(editor).post(change_url(draft_by_writer), form_data(draft_by_writer, _schedule="1", schedule_at="2001-01-01T00:00"))
    assert response.status_code == 200
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.status == "draft"


def test_request_changes_needs_a_note_and_shows_it_to_the_writer(as_user, editor, writer, draft_by_writer):
    workflow.submit(draft_by_writer, user=writer)
    client = as_user(editor)
    response = client.post(change_url(draft_by_writer), form_data(draft_by_writer, _request_changes="1", workflow_note=""))
    assert response.status_code == 200  # redisplayed with an error
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.status == "review"
    client.post(change_url(draft_by_writer), form_data(draft_by_writer, _request_changes="1", workflow_note="第三段的数字需要核实"))
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.status == "draft"
    client.force_login(writer)
    assert "第三段的数字需要核实" in client.get(change_url(draft_by_writer)).content.decode()


def test_bulk_actions_report_per_article(as_user, editor):
    draft = ArticleFactory(draft=True, title="可发布的草稿")
    live = ArticleFactory(title="已发布的文章")
    response = as_user(editor).post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk, live.pk]},
        follow=True,
    )
    messages = [str(message) for message in response.context["messages"]]
    assert any("可发布的草稿" in message for message in messages)
    assert any("已发布的文章" in message for message in messages)
    draft.refresh_from_db()
    assert draft.is_live
    response = as_user(editor).post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [draft.pk, live.pk]},
    )
    assert set(Article.objects.values_list("status", flat=True)) == {"draft"}


def test_review_queue_lists_articles_in_review_oldest_first(as_user, editor):
    with freeze_time("2026-06-01"):
        older = ArticleFactory(draft=True, title="先提交的稿件")
        workflow.submit(older, user=editor)
    with freeze_time("2026-06-02"):
        newer = ArticleFactory(draft=True, title="后提交的稿件")
        workflow.submit(newer, user=editor)
    ArticleFactory(draft=True, title="还在草稿")
    html = as_user(editor).get(reverse("admin:articles_articleinreview_changelist")).content.decode()
    assert html.index("先提交的稿件") < html.index("后提交的稿件")
    assert "还在草稿" not in html


def test_review_queue_is_linked_from_the_admin_index(as_user, editor):
    html = as_user(editor).get(reverse("admin:index")).content.decode()
    assert reverse("admin:articles_articleinreview_changelist") in html


def test_recent_activity_lists_moves(as_user, editor, draft_by_writer):
    workflow.publish(draft_by_writer, user=editor)
    html = as_user(editor).get(reverse("admin:articles_articleevent_changelist")).content.decode()
    assert "记者的草稿" in html


def test_change_page_shows_the_timeline(as_user, editor, writer, draft_by_writer):
    client = as_user(writer)
    client.post(change_url(draft_by_writer), form_data(draft_by_writer, title="改过的标题"))
    workflow.submit(draft_by_writer, user=writer)
    html = as_user(editor).get(change_url(draft_by_writer)).content.decode()
    assert "timeline__item--event" in html and "timeline__item--version" in html


def test_changelist_filters_by_status(as_user, editor):
    ArticleFactory(title="定时稿件", scheduled=True)
    ArticleFactory(title="在线稿件")
    html = as_user(editor).get(reverse("admin:articles_article_changelist") + "?state=scheduled").content.decode()
    assert "定时稿件" in html and "在线稿件" not in html


# No lost edits --------------------------------------------------------------------------


def test_stale_form_is_refused_and_keeps_the_text(as_user, editor, writer, draft_by_writer):
    opened_by_writer = form_data(draft_by_writer)
    as_user(editor).post(change_url(draft_by_writer), form_data(draft_by_writer, title="编辑先改的标题"))
    client = as_user(writer)
    response = client.post(change_url(draft_by_writer), {**opened_by_writer, "body": "<p>记者写了很久的正文</p>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "editor" in html  # names who saved in between
    assert "记者写了很久的正文" in html  # their text comes back
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.title == "编辑先改的标题"
    assert "记者写了很久的正文" not in draft_by_writer.body


def test_fresh_form_saves(as_user, writer, draft_by_writer):
    as_user(writer).post(change_url(draft_by_writer), form_data(draft_by_writer, title="新标题"))
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.title == "新标题" and draft_by_writer.last_edited_by == writer


def test_sanitiser_tells_the_editor_what_it_removed(as_user, editor, draft_by_writer):
    body = '<p><a href="#" onclick="steal()">链接</a></p><script>alert(1)</script>'
    response = as_user(editor).post(change_url(draft_by_writer), form_data(draft_by_writer, body=body), follow=True)
    messages = " ".join(str(message) for message in response.context["messages"])
    assert "onclick" in messages and "<script>" in messages


# Revisions ----------------------------------------------------------------------------


def test_every_save_keeps_a_revision(as_user, writer, draft_by_writer):
    client = as_user(writer)
    client.post(change_url(draft_by_writer), form_data(draft_by_writer, title="第一版"))
    draft_by_writer.refresh_from_db()
    client.post(change_url(draft_by_writer), form_data(draft_by_writer, title="第二版", tags="芯片"))
    versions = list(revisions.versions_of(draft_by_writer))
    assert [version.field_dict["title"] for version in versions] == ["第二版", "第一版"]
    assert versions[0].revision.user == writer
    assert revisions.snapshot(versions[0])["tags"] == ["芯片"]


def test_compare_marks_the_differences(as_user, editor, draft_by_writer):
    client = as_user(editor)
    client.post(change_url(draft_by_writer), form_data(draft_by_writer, body="<p>营收增长百分之十</p>"))
    draft_by_writer.refresh_from_db()
    client.post(change_url(draft_by_writer), form_data(draft_by_writer, body="<p>利润增长百分之二十</p>"))
    newer, older = revisions.versions_of(draft_by_writer)[:2]
    url = reverse("admin:articles_article_compare", args=[draft_by_writer.pk]) + f"?a={older.pk}&b={newer.pk}"
    html = client.get(url).content.decode()
    assert "<del>营收</del>" in html and "<ins>利润</ins>" in html and "<ins>二</ins>" in html


def test_restore_makes_old_content_current_as_a_new_revision(as_user, editor, draft_by_writer):
    client = as_user(editor)
    author = AuthorFactory(name="原作者")
    client.post(change_url(draft_by_writer), form_data(draft_by_writer, title="旧标题", tags="旧标签"))
    draft_by_writer.refresh_from_db()
    draft_by_writer.set_authors([author])
    revisions.record(draft_by_writer, user=editor)
    old = revisions.versions_of(draft_by_writer)[0]
    draft_by_writer.refresh_from_db()
    client.post(change_url(draft_by_writer), form_data(draft_by_writer, title="新标题", tags="新标签"))
    draft_by_writer.refresh_from_db()
    draft_by_writer.set_authors([AuthorFactory(name="新作者")])
    count = revisions.versions_of(draft_by_writer).count()
    client.post(reverse("admin:articles_article_restore", args=[draft_by_writer.pk, old.pk]))
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.title == "旧标题"
    assert list(draft_by_writer.tags.names()) == ["旧标签"]
    assert [a.name for a in draft_by_writer.authors.all()] == ["原作者"]
    assert draft_by_writer.status == "draft"
    assert revisions.versions_of(draft_by_writer).count() == count + 1


def test_restore_leaves_the_status_alone(as_user, editor, draft_by_writer):
    client = as_user(editor)
    client.post(change_url(draft_by_writer), form_data(draft_by_writer, title="草稿时的标题"))
    old = revisions.versions_of(draft_by_writer)[0]
    workflow.publish(draft_by_writer, user=editor)
    client.post(reverse("admin:articles_article_restore", args=[draft_by_writer.pk, old.pk]))
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.status == "published"


def test_other_writer_cannot_restore_or_compare(as_user, writer, other_writer, draft_by_writer):
    as_user(writer).post(change_url(draft_by_writer), form_data(draft_by_writer, title="有版本了"))
    version = revisions.versions_of(draft_by_writer)[0]
    client = as_user(other_writer)
    restore = client.post(reverse("admin:articles_article_restore", args=[draft_by_writer.pk, version.pk]))
    compare = client.get(
        reverse("admin:articles_article_compare", args=[draft_by_writer.pk]) + f"?a={version.pk}&b={version.pk}"
    )
    assert restore.status_code in (302, 403, 404) and compare.status_code in (302, 403, 404)
    assert "有版本了" not in compare.content.decode()


# Previews and share links ------------------------------------------------------------------


def test_preview_shows_a_draft_in_the_public_design(as_user, writer, draft_by_writer):
    response = as_user(writer).get(reverse("articles:preview", args=[draft_by_writer.pk]))
    assert response.status_code == 200
    assert "记者的草稿" in response.content.decode() and "preview-banner" in response.content.decode()
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]


def test_share_link_shows_the_draft_without_an_account(client, draft_by_writer):
    url = previews.share_url(draft_by_writer)
    response = client.get(url)
    assert response.status_code == 200 and "记者的草稿" in response.content.decode()


def test_share_link_expires_after_48_hours(client, draft_by_writer):
    with freeze_time("2026-06-01 00:00:00+00:00") as frozen:
        url = previews.share_url(draft_by_writer)
        frozen.tick(dt.timedelta(hours=47, minutes=59))
        assert client.get(url).status_code == 200
        frozen.tick(dt.timedelta(minutes=2))
        response = client.get(url)
        assert response.status_code == 410
        assert "记者的草稿" not in response.content.decode()


def test_share_link_stops_when_the_article_changes(client, draft_by_writer):
    url = previews.share_url(draft_by_writer)
    draft_by_writer.title = "改了"
    draft_by_writer.save()
    response = client.get(url)
    assert response.status_code == 410
    assert "改了" not in response.content.decode()


def test_tampered_share_link_is_404(client, draft_by_writer):
    token = signing.dumps({"pk": draft_by_writer.pk, "v": draft_by_writer.version}, salt="wrong-salt")
    assert client.get(reverse("articles:shared_preview", args=[token])).status_code == 404


def test_editor_makes_a_share_link(as_user, editor, draft_by_writer):
    response = as_user(editor).post(reverse("admin:articles_article_share", args=[draft_by_writer.pk]), follow=True)
    messages = " ".join(str(message) for message in response.context["messages"])
    assert "/preview/shared/" in messages


def test_writer_cannot_make_a_share_link(as_user, writer, draft_by_writer):
    response = as_user(writer).post(reverse("admin:articles_article_share", args=[draft_by_writer.pk]))
    assert response.status_code == 403


def test_set_role_command(django_user_model):
    from io import StringIO

    from django.core.management import call_command

    user = django_user_model.objects.create_user("newbie", password="pw-for-tests-only")
    call_command("set_role", "newbie", "editor", stdout=StringIO())
    user.refresh_from_db()
    assert user.is_staff and workflow.can_publish(user)
    call_command("set_role", "newbie", "writer", stdout=StringIO())
    user = django_user_model.objects.get(pk=user.pk)
    assert user.is_staff and not workflow.can_publish(user) and user.has_perm("articles.change_article")
    call_command("set_role", "newbie", "none", stdout=StringIO())
    user = django_user_model.objects.get(pk=user.pk)
    assert not user.is_staff and not user.groups.exists()
