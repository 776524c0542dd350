"""Real-browser tests: Debian's Chromium driven by Playwright against the live server.

Chromium is not downloaded (``playwright install`` cannot reach its CDN here):
the tests use ``/usr/bin/chromium`` or the browser named by
``PLAYWRIGHT_CHROMIUM``. Without one, the tests here are left out of the run
and one line at the end of pytest's report says why.

The Nu Html Checker (``node_modules/vnu-jar``, run with Java) and axe-core
(``node_modules/axe-core``) come from ``npm ci`` (see package.json). When one is
missing its tests skip with the reason, unless ``BROWSER_TOOLS_REQUIRED=1``
(set by ``.ci/run`` after it installed them), when they fail instead.
"""

import os

# Playwright's sync API keeps an event loop running in this thread; without
# this, Django refuses every ORM call (test database set-up included).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import datetime as dt  # noqa: E402
import importlib  # noqa: E402
import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "var" / "screenshots"
CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM") or "/usr/bin/chromium"
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
TOOLS_REQUIRED = os.environ.get("BROWSER_TOOLS_REQUIRED", "").lower() in {"1", "true", "yes"}

PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

PASSWORD = "pw-for-browser-tests-only"


def chromium_missing():
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return None
    return f"browser tests: no Chromium at {CHROMIUM} (apt-get install chromium, or set PLAYWRIGHT_CHROMIUM)"


def pytest_collection_modifyitems(config, items):
    """Without Chromium, leave the browser tests out and say so once (see pytest_terminal_summary)."""
    reason = chromium_missing()
    here = Path(__file__).resolve().parent
    ours = [item for item in items if here in Path(item.path).resolve().parents]
    if reason and ours:
        items[:] = [item for item in items if item not in ours]
        config.hook.pytest_deselected(items=ours)
        _left_out.append(f"{len(ours)} {reason}")


_left_out = []


def pytest_terminal_summary(terminalreporter):
    for line in _left_out:
        terminalreporter.write_line(f"SKIPPED {line}", yellow=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url


def tool_missing(message):
    """Skip (on a developer's machine) or fail (when CI installed the tools) for a missing checker."""
    if TOOLS_REQUIRED:
        pytest.fail(f"{message}, and BROWSER_TOOLS_REQUIRED is set")
    pytest.skip(message)


@pytest.fixture(scope="session")
def vnu_jar():
    if shutil.which("java") is None:
        tool_missing("the Nu Html Checker needs Java (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        tool_missing(f"the Nu Html Checker is not installed: no {VNU_JAR.relative_to(REPO)} (npm ci)")
    return VNU_JAR


@pytest.fixture(scope="session")
def axe_js():
    if not AXE_JS.exists():
        tool_missing(f"axe-core is not installed: no {AXE_JS.relative_to(REPO)} (npm ci)")
    return AXE_JS


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# The data ----------------------------------------------------------------------


@pytest.fixture
def fresh_state():
    """A clean cache and search index: the live server's database is flushed
    between tests, but the section-tree cache and the FTS table are not."""
    from django.core.cache import cache

    from articles import categories, search

    cache.clear()
    categories._local.update(version=None, tree=None)
    search.rebuild()
    yield
    cache.clear()
    categories._local.update(version=None, tree=None)


@pytest.fixture
def roles(live_server, fresh_state):
    """The Writers and Editors groups with the data migration's permissions
    (a transactional test's flush removed the groups; the permissions come back
    with the flush's post_migrate)."""
    from django.contrib.auth.models import Group, Permission

    migration = importlib.import_module("articles.migrations.0003_roles")
    for name, codenames in migration.ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *[Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in codenames]
        )


@pytest.fixture
def site(live_server, fresh_state):
    """The sample posts (``make run``'s content) plus enough articles to page through."""
    from django.core.management import call_command
    from django.utils import timezone

    from articles import search
    from articles.models import Article, Author, Category
    from articles.tests.factories import ArticleFactory

    call_command("import_hexo", str(REPO / "samples"), verbosity=0)
    section = Category.objects.get(name="快讯", parent__name="财联社", parent__parent__name="宏观")
    author = Author.objects.get(name="王明")
    now = timezone.now()
    older = [
        ArticleFactory(
            title=f"港口集装箱吞吐量月度观察 第{n}期",
            summary=f"第{n}期：港口吞吐量保持增长。",
            published_at=now - dt.timedelta(days=400 + n),
            categories=[section],
            authors=[author],
            tags=["港口", "月度观察"],
        )
        for n in range(1, 26)
    ]
    search.rebuild()
    published = Article.objects.published()
    assert published.count() >= 12 + len(older), "the samples did not import"
    return {"section": section, "author": author, "extra": older}


# Users ------------------------------------------------------------------------


@pytest.fixture
def make_member(roles, django_user_model):
    """``make_member("wang", "writer", byline="王明")``: what ``set_role`` does, plus a password."""
    from django.contrib.auth.models import Group

    from articles.models import Author

    def make(username, role, *, byline=None, full_name=""):
        first, _, last = full_name.partition(" ")
        user = django_user_model.objects.create_user(
            username, f"{username}@example.com", PASSWORD, is_staff=True, first_name=first, last_name=last
        )
        user.groups.add(Group.objects.get(name={"writer": "Writers", "editor": "Editors"}[role]))
        if byline:
            Author.objects.create(name=byline, user=user)
        return user

    return make


@pytest.fixture
def new_context(browser, base_url):
    """``new_context("phone")``: a fresh browser context (own cookies), closed after the test."""
    contexts = []

    def make(kind="desktop", **options):
        context = browser.new_context(base_url=base_url, locale="zh-CN", **VIEWPORTS[kind], **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def log_in(page, username, password=PASSWORD):
    """Sign in through the admin's login form, as a person would."""
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator('#login-form [type="submit"]').click()
    page.wait_for_load_state("load")
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert "/admin/login/" not in page.url, f"{username} could not sign in: {errors}"
