"""The editorial workflow: the only code that changes an article's status.

    draft ──submit──▶ review ──publish──▶ published
      ▲                 │                     │
      └─request_changes─┘                     │
      └────────────────unpublish──────────────┘

``publish`` also takes drafts (an editor may publish directly), and a future
``at`` schedules the article: it is published, and ``Article.objects.published()``
shows it once that time has passed, with no job to run. It refuses an article
whose head image or body images lack alt text (``MissingAltText`` names them),
unless the importers publish it (see ``_check_alt_text``).

Each function takes the article and keyword-only arguments, runs in one
transaction with the article's row locked, raises ``PermissionDenied`` for a
user without the right and ``TransitionError`` for a move that does not apply
to the current status, and writes one ``ArticleEvent`` when it succeeds.
``publish_many`` publishes several articles in one go (an import's batch).
"""

from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import notifications
from .images import html as images_html
from .models import Article, ArticleEvent

Status = Article.Status
# Inside ``publish_many``: the rows it read, and the events its moves make.
_batch = ContextVar("workflow_batch", default=None)


class TransitionError(Exception):
    """The move does not apply to the article's current status."""


WorkflowError = TransitionError


class MissingAltText(TransitionError):
    """An image of the article has no alt text; ``images`` names each one."""

    def __init__(self, message, images):
        super().__init__(message)
        self.images = images


class _System:
    """The actor for moves made by the system itself (importers), not by a person."""

    is_authenticated = True
    is_superuser = True
    pk = None

    def has_perm(self, perm, obj=None):
        return True

    def __repr__(self):
        return "SYSTEM"


SYSTEM = _System()


def can_publish(user):
    return user is SYSTEM or bool(user and user.is_active and user.has_perm("articles.publish_article"))


def is_own(user, article):
    """Whether ``user`` created ``article`` or is one of its bylines."""
    if user is SYSTEM or not getattr(user, "pk", None) or article.pk is None:
        return False
    return article.created_by_id == user.pk or article.bylines.filter(author__user=user).exists()


def can_edit(user, article):
    """Editors edit any article at any time; writers their own drafts only."""
    if can_publish(user):
        return True
    if not (user and user.is_active and user.has_perm("articles.change_article")):
        return False
    return article.status == Status.DRAFT and is_own(user, article)


@transaction.atomic
def submit(article, *, user):
    """A writer (or editor) sends a draft for review."""
    current = _lock(article)
    if not (can_publish(user) or (is_own(user, current) and user.has_perm("articles.change_article"))):
        raise PermissionDenied(_("You may not submit this article."))
    _expect(current, {Status.DRAFT}, _("submitted for review"))
    event = _move(article, current, Status.REVIEW, user)
    transaction.on_commit(lambda: notifications.article_submitted(current, user))
    return event


@transaction.atomic
def request_changes(article, *, user, note):
    """An editor sends an article in review back to its writer, saying why."""
    if not can_publish(user):
        raise PermissionDenied(_("Only editors may request changes."))
    if not (note or "").strip():
        raise ValueError(_("Say what should change: a note is required."))
    current = _lock(article)
    _expect(current, {Status.REVIEW}, _("sent back"))
    event = _move(article, current, Status.DRAFT, user, note=note.strip())
    transaction.on_commit(lambda: notifications.changes_requested(current, user, event.note))
    return event


@transaction.atomic
def publish(article, *, user, at=None):
    """An editor publishes now, or at ``at`` (a future time schedules it)."""
    if not can_publish(user):
        raise PermissionDenied(_("Only editors may publish."))
    if at is not None and timezone.is_naive(at):
        raise ValueError("publish(at=...) needs an aware datetime")
    current = _lock(article)
    _expect(current, {Status.DRAFT, Status.REVIEW}, _("published"))
    note = _check_alt_text(current, user)
    when = at or timezone.now()
    for target in (article, current):
        target.published_at = when
        target.published_by = None if user is SYSTEM else user
    scheduled = when if when > timezone.now() else None
    return _move(
        article, current, Status.PUBLISHED, user, note=note, scheduled_for=scheduled, extra_fields=["published_at", "published_by"]
    )


@transaction.atomic
def publish_many(articles, *, user, at):
    """``publish`` each of ``articles`` at its time in ``at`` (an import's batch):
    the same checks, fields and events, with the rows read in one query and the
    events written in one, instead of one each."""
    rows = Article.objects.select_for_update().in_bulk([article.pk for article in articles])
    events = []
    token = _batch.set((rows, events))
    try:
        for article, when in zip(articles, at, strict=True):
            publish(article, user=user, at=when)
    finally:
        _batch.reset(token)
    return ArticleEvent.objects.bulk_create(events)


@transaction.atomic
def unpublish(article, *, user, note=""):
    """An editor takes a published (or scheduled) article back to draft."""
    if not can_publish(user):
        raise PermissionDenied(_("Only editors may unpublish."))
    current = _lock(article)
    _expect(current, {Status.PUBLISHED}, _("unpublished"))
    for target in (article, current):
        target.published_at = None
    return _move(article, current, Status.DRAFT, user, note=(note or "").strip(), extra_fields=["published_at"])


def missing_alt_text(article):
    """The images of ``article`` that lack alt text (the head image, body images), for people."""
    return images_html.missing_alt_text(article)


def _check_alt_text(current, user):
    """People may not publish images without alt text. Imports (``SYSTEM``)
    may: a post that is live elsewhere is not held back, but the event notes
    which images lack it, and the importer reports it as a warning."""
    missing = missing_alt_text(current)
    if not missing:
        return ""
    listed = "; ".join(missing)
    if user is SYSTEM:
        return f"Published without alt text for: {listed}"
    raise MissingAltText(
        _("“%(title)s” cannot be published: add alt text (what the picture shows) to %(images)s.")
        % {"title": current.title, "images": listed},
        missing,
    )


def _lock(article):
    """The article's row as the database has it now, locked until commit."""
    if article.pk is None:
        raise TransitionError(_("Save the article before changing its status."))
    batch = _batch.get()
    if batch is not None and article.pk in batch[0]:
        return batch[0][article.pk]  # read and locked by publish_many
    return Article.objects.select_for_update().get(pk=article.pk)


def _expect(current, allowed, verb):
    if current.status not in allowed:
        raise TransitionError(
            _("“%(title)s” is %(status)s and cannot be %(verb)s.")
            % {"title": current.title, "status": current.get_status_display(), "verb": verb}
        )


def _move(article, current, to_status, user, *, note="", scheduled_for=None, extra_fields=()):
    from_status = current.status
    for target in (article, current):
        target.status = to_status
    current.save(update_fields=["status", "updated_at", *extra_fields])
    article.updated_at = current.updated_at
    event = ArticleEvent(
        article=current,
        actor=None if user is SYSTEM else user,
        from_status=from_status,
        to_status=to_status,
        note=note,
        scheduled_for=scheduled_for,
    )
    batch = _batch.get()
    if batch is not None:
        batch[1].append(event)  # publish_many writes them together
    else:
        event.save()
    return event
