"""E-mail about workflow moves: editors hear of submissions, writers of requests."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def article_submitted(article, submitter):
    """Tell every editor that ``article`` waits for review."""
    editors = get_user_model().objects.filter(
        Q(groups__name="Editors") | Q(is_superuser=True), is_active=True
    ).exclude(email="")
    _send(
        _("For review: %(title)s") % {"title": article.title},
        _("%(who)s submitted “%(title)s” for review.\n\n%(url)s")
        % {"who": _name(submitter), "title": article.title, "url": _admin_url(article)},
        {user.email for user in editors},
    )


def changes_requested(article, editor, note):
    """Tell the article's writers what the editor wants changed."""
    _send(
        _("Changes requested: %(title)s") % {"title": article.title},
        _("%(who)s sent “%(title)s” back to you:\n\n%(note)s\n\n%(url)s")
        % {"who": _name(editor), "title": article.title, "note": note, "url": _admin_url(article)},
        {user.email for user in writers_of(article) if user.email},
    )


def writers_of(article):
    """Whoever created the article, and the accounts behind its bylines."""
    User = get_user_model()
    return User.objects.filter(
        Q(pk=article.created_by_id) | Q(author_profile__bylines__article=article), is_active=True
    ).distinct()


def _send(subject, body, recipients):
    if not recipients:
        return
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, sorted(recipients))
    except OSError:
        # A mail server outage must not undo or block the editorial move.
        logger.exception("Could not send workflow e-mail %r", subject)


def _name(user):
    if user is None or getattr(user, "pk", None) is None:
        return _("The newsroom")
    return user.get_full_name() or user.get_username()


def _admin_url(article):
    return settings.SITE_URL + reverse("admin:articles_article_change", args=[article.pk])
