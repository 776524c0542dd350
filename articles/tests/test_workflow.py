import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from freezegun import freeze_time

from articles import workflow
from articles.models import Article, ArticleEvent
from articles.workflow import TransitionError

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def statuses(article):
    article.refresh_from_db()
    return article.status


# Each transition, by the right user -------------------------------------------


def test_writer_submits_own_draft(writer, draft_by_writer):
    event = workflow.submit(draft_by_writer, user=writer)
    assert statuses(draft_by_writer) == "review"
    assert (event.from_status, event.to_status, event.actor) == ("draft", "review", writer)


def test_editor_requests_changes_with_a_note(editor, draft_by_writer, writer):
    workflow.submit(draft_by_writer, user=writer)
    event = workflow.request_changes(draft_by_writer, user=editor, note="请补充数据来源")
    assert statuses(draft_by_writer) == "draft"
    assert event.note == "请补充数据来源"


def test_request_changes_needs_a_note(editor, draft_by_writer, writer):
    workflow.submit(draft_by_writer, user=writer)
    with pytest.raises(ValueError):
        workflow.request_changes(draft_by_writer, user=editor, note="   ")
    assert statuses(draft_by_writer) == "review"


def test_editor_publishes_now(editor, draft_by_writer):
    before = timezone.now()
    event = workflow.publish(draft_by_writer, user=editor)
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.status == "published" and draft_by_writer.is_live
    assert draft_by_writer.published_at >= before
    assert draft_by_writer.published_by == editor
    assert event.scheduled_for is None


def test_editor_schedules(editor, draft_by_writer):
    at = timezone.now() + dt.timedelta(hours=3)
    event = workflow.publish(draft_by_writer, user=editor, at=at)
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.status == "published" and draft_by_writer.published_at == at
    assert not draft_by_writer.is_live
    assert event.scheduled_for == at


def test_scheduled_article_appears_exactly_on_time(editor, draft_by_writer):
    with freeze_time("2026-06-20 00:59:59+00:00") as frozen:
        at = dt.datetime(2026, 6, 20, 1, 0, 0, tzinfo=dt.timezone.utc)
        workflow.publish(draft_by_writer, user=editor, at=at)
        assert not Article.objects.published().exists()
        frozen.tick(dt.timedelta(milliseconds=999))
        assert not Article.objects.published().exists()
        frozen.tick(dt.timedelta(milliseconds=1))
        assert list(Article.objects.published()) == [draft_by_writer]


def test_editor_unpublishes(editor):
    article = ArticleFactory()
    event = workflow.unpublish(article, user=editor, note="更正中")
    article.refresh_from_db()
    assert article.status == "draft" and article.published_at is None
    assert event.note == "更正中"


def test_editor_can_cancel_a_schedule_by_unpublishing(editor):
    article = ArticleFactory(scheduled=True)
    workflow.unpublish(article, user=editor)
    assert statuses(article) == "draft"


def test_the_instance_passed_in_is_updated(editor, draft_by_writer):
    workflow.publish(draft_by_writer, user=editor)
    assert draft_by_writer.status == "published" and draft_by_writer.published_at is not None


def test_transitions_do_not_count_as_content_saves(editor, draft_by_writer):
    version = draft_by_writer.version
    workflow.publish(draft_by_writer, user=editor)
    draft_by_writer.refresh_from_db()
    assert draft_by_writer.version == version


# Wrong user -----------------------------------------------------------------------


def test_writer_cannot_publish(writer, draft_by_writer):
    with pytest.raises(PermissionDenied):
        workflow.publish(draft_by_writer, user=writer)
    assert statuses(draft_by_writer) == "draft"


def test_writer_cannot_unpublish(writer):
    article = ArticleFactory(created_by=writer)
    with pytest.raises(PermissionDenied):
        workflow.unpublish(article, user=writer)


def test_writer_cannot_request_changes(writer, other_writer):
    article = ArticleFactory(in_review=True, created_by=other_writer)
    with pytest.raises(PermissionDenied):
        workflow.request_changes(article, user=writer, note="x")


def test_other_writer_cannot_submit_someone_elses_draft(other_writer, draft_by_writer):
    with pytest.raises(PermissionDenied):
        workflow.submit(draft_by_writer, user=other_writer)


def test_byline_writer_may_submit(other_writer, writer):
    article = ArticleFactory(draft=True, created_by=other_writer)
    article.set_authors([writer.author_profile])
    workflow.submit(article, user=writer)
    assert statuses(article) == "review"


def test_anonymous_cannot_publish(draft_by_writer):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        workflow.publish(draft_by_writer, user=AnonymousUser())


def test_inactive_editor_cannot_publish(editor, draft_by_writer):
    editor.is_active = False
    editor.save()
    with pytest.raises(PermissionDenied):
        workflow.publish(draft_by_writer, user=editor)


def test_superuser_can_publish(superuser, draft_by_writer):
    workflow.publish(draft_by_writer, user=superuser)
    assert statuses(draft_by_writer) == "published"


# Wrong status -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "move, trait",
    [
        ("submit", "in_review"),
        ("submit", "published"),
        ("request_changes", "draft"),
        ("request_changes", "published"),
        ("publish", "published"),
        ("unpublish", "draft"),
        ("unpublish", "in_review"),
    ],
)
def test_moves_that_do_not_apply_raise_transition_error(editor, move, trait):
    traits = {"draft": {"draft": True}, "in_review": {"in_review": True}, "published": {}}[trait]
    article = ArticleFactory(**traits)
    before = article.status
    kwargs = {"note": "x"} if move == "request_changes" else {}
    with pytest.raises(TransitionError):
        getattr(workflow, move)(article, user=editor, **kwargs)
    assert statuses(article) == before
    assert not ArticleEvent.objects.exists()


def test_status_is_read_from_the_database_not_the_stale_instance(editor, writer, draft_by_writer):
    stale = Article.objects.get(pk=draft_by_writer.pk)
    workflow.publish(draft_by_writer, user=editor)
    with pytest.raises(TransitionError):
        workflow.submit(stale, user=writer)


# Events and notifications -----------------------------------------------------------


def test_every_success_writes_one_event(editor, writer, draft_by_writer):
    workflow.submit(draft_by_writer, user=writer)
    workflow.request_changes(draft_by_writer, user=editor, note="改标题")
    workflow.submit(draft_by_writer, user=writer)
    workflow.publish(draft_by_writer, user=editor)
    workflow.unpublish(draft_by_writer, user=editor)
    moves = list(draft_by_writer.events.order_by("created_at", "id").values_list("from_status", "to_status"))
    assert moves == [
        ("draft", "review"),
        ("review", "draft"),
        ("draft", "review"),
        ("review", "published"),
        ("published", "draft"),
    ]


def test_failed_moves_write_no_event(writer, draft_by_writer):
    with pytest.raises(PermissionDenied):
        workflow.publish(draft_by_writer, user=writer)
    assert not ArticleEvent.objects.exists()


def test_submitting_emails_the_editors(writer, editor, superuser, draft_by_writer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(draft_by_writer, user=writer)
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {editor.email, superuser.email}
    assert "记者的草稿" in mail.outbox[0].subject


def test_requesting_changes_emails_the_writer(writer, editor, draft_by_writer, django_capture_on_commit_callbacks):
    workflow.submit(draft_by_writer, user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_changes(draft_by_writer, user=editor, note="请核实第二段的数字")
    assert [message.to for message in mail.outbox] == [[writer.email]]
    assert "请核实第二段的数字" in mail.outbox[0].body


def test_only_workflow_assigns_status():
    """No module but workflow.py sets ``status`` on an article."""
    import re
    from pathlib import Path

    import articles

    root = Path(articles.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "workflow.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"(?m)^\s*[\w.]+\.status\s*=[^=]|status=Article\.Status\.|\"status\":\s*Article\.Status", text):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
