"""Every admin URL and every public URL, for every kind of user.

Nothing answers 500; anonymous users are sent to sign in; a writer never gets
another writer's article, an editor never gets the user accounts, and what
each may open matches their role.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from articles import revisions, workflow
from articles.models import ArticleEvent, FeedSubscription
from articles.tests.factories import ArticleFactory, AuthorFactory, CategoryFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "writer", "other_writer", "editor", "superuser"]
SECRET_TITLE = "只属于记者的草稿"


@pytest.fixture
def world(writer, other_writer, editor, superuser):
    """One object of every registered model, and a draft only ``writer`` may see."""
    draft = ArticleFactory(draft=True, title=SECRET_TITLE, created_by=writer)
    draft.set_authors([writer.author_profile])
    published = ArticleFactory(title="公开的文章", categories=[CategoryFactory(name="金融")], tags=["芯片"])
    in_review = ArticleFactory(draft=True, title="待审的稿件", created_by=other_writer)
    workflow.submit(in_review, user=other_writer)
    revisions.record(draft, user=writer, comment="first")
    AuthorFactory(name="作者甲")
    FeedSubscription.objects.create(url="https://example.com/feed.xml", title="订阅")
    ArticleEvent.objects.create(article=published, actor=editor, from_status="draft", to_status="published")
    return {"draft": draft, "published": published, "in_review": in_review}


def admin_urls(world):
    """(model label, kind, url) for every registered ModelAdmin's pages."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append((model._meta.label, "changelist", reverse("admin:%s_%s_changelist" % info)))
        urls.append((model._meta.label, "add", reverse("admin:%s_%s_add" % info)))
        if model._meta.label == "articles.Article":
            obj = world["draft"]
        elif model._meta.label == "articles.ArticleInReview":
            obj = world["in_review"]
        else:
            obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            for kind in ("change", "delete", "history"):
                urls.append((model._meta.label, kind, reverse(f"admin:{info[0]}_{info[1]}_{kind}", args=[obj.pk])))
    draft = world["draft"]
    version = revisions.versions_of(draft)[0].pk
    urls += [
        ("articles.Article", "compare", reverse("admin:articles_article_compare", args=[draft.pk]) + f"?a={version}&b={version}"),
        ("articles.Article", "preview", reverse("articles:preview", args=[draft.pk])),
        ("admin", "index", reverse("admin:index")),
        ("admin", "two-factor", reverse("two_factor_setup")),
    ]
    return urls


def client_for(request, client, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    client.raise_request_exception = False
    return client


# Registrations that are read-only for everybody (logs and the review queue).
NO_ADD = {"articles.ArticleEvent", "articles.ArticleInReview", "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"}
NO_DELETE = {"articles.ArticleEvent", "articles.ArticleInReview"}


def may_open(role, label, kind):
    """What each role is allowed to open (GET 200)."""
    if (kind == "add" and label in NO_ADD) or (kind == "delete" and label in NO_DELETE):
        return False
    if role == "superuser":
        return True
    if role == "anonymous":
        return False
    if label == "admin":
        return True
    editor = role == "editor"
    content = {"articles.Category", "articles.Author", "taggit.Tag"}
    if label == "articles.Article":
        own = role == "writer"
        return {"changelist": True, "add": True, "change": own or editor, "history": own or editor,
                "compare": own or editor, "preview": own or editor, "delete": editor}[kind]  # fmt: skip
    if label in content:
        return editor or kind in ("changelist", "change", "history")
    if label in ("articles.ArticleInReview", "articles.ArticleEvent"):
        return editor and kind in ("changelist", "history", "change")
    if label == "articles.FeedSubscription":
        return editor
    return False  # users, groups, axes, two-factor devices, revisions: administrators only


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_url_by_role(request, client, world, role):
    client = client_for(request, client, role)
    problems = []
    for label, kind, url in admin_urls(world):
        response = client.get(url)
        body = response.content.decode(errors="replace")
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
        elif role == "anonymous":
            if response.status_code != 302 or "/admin/login/" not in response["Location"]:
                problems.append(f"{url}: anonymous got {response.status_code}")
        elif may_open(role, label, kind):
            if response.status_code != 200:
                problems.append(f"{url}: {role} should open it, got {response.status_code}")
        elif response.status_code == 200 and kind not in ("changelist",):
            problems.append(f"{url}: {role} should not open it")
        if role == "other_writer" and SECRET_TITLE in body:
            problems.append(f"{url}: another writer's draft leaked")
    assert problems == []


@pytest.mark.parametrize("role", ROLES)
def test_writer_actions_and_tampering_never_publish(request, client, world, role):
    client = client_for(request, client, role)
    draft = world["draft"]
    client.post(reverse("admin:articles_article_changelist"), {"action": "publish_selected", "_selected_action": [draft.pk]})
    client.post(reverse("admin:articles_article_change", args=[draft.pk]), {"title": "篡改", "status": "published", "_publish": "1"})
    draft.refresh_from_db()
    if role in ("editor", "superuser"):
        assert draft.status == "published"  # the bulk action worked for them
    else:
        assert draft.status == "draft" and draft.title == SECRET_TITLE


PUBLIC_URLS = [
    "/", "/?page=1", "/search/?q=芯片", "/feed/", "/feed/atom/", "/sitemap.xml", "/sitemap-articles.xml",
    "/sitemap-sections.xml", "/sitemap-news.xml", "/robots.txt", "/healthz", "/archive/", "/tags/芯片/",
    "/tags/芯片/feed/", "/sections/金融/", "/sections/金融/feed/",
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_every_public_url_by_role(request, client, world, role):
    client = client_for(request, client, role)
    urls = PUBLIC_URLS + [world["published"].get_absolute_url()]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET_TITLE not in response.content.decode(), url
    # The draft's public address is 404 for everybody, staff included: staff use the preview.
    assert client.get(world["draft"].get_absolute_url()).status_code == 404


_SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


@pytest.mark.parametrize("role", ["anonymous", "editor"])
def test_no_inline_script_without_a_nonce(request, client, world, role):
    client = client_for(request, client, role)
    urls = PUBLIC_URLS[:3] + [world["published"].get_absolute_url(), "/archive/", "/no-such-page/"]
    if role == "editor":
        urls += [
            "/admin/",
            reverse("admin:articles_article_changelist"),
            reverse("admin:articles_article_change", args=[world["draft"].pk]),
            reverse("admin:articles_article_add"),
        ]
    for url in urls:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        for attributes in _SCRIPT.findall(response.content.decode()):
            if "src=" in attributes:
                continue
            nonce = re.search(r'nonce="([^"]+)"', attributes)
            assert nonce, f"{url}: inline <script{attributes}> without a nonce"
            assert f"'nonce-{nonce.group(1)}'" in policy, f"{url}: the nonce is not in the policy"
