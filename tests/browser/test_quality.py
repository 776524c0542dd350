"""Every page type, checked as a browser and the standard checkers see it.

- valid HTML: the Nu Html Checker (vnu.jar) on the HTML the server sent,
  public pages and the main admin pages;
- accessibility: axe-core's WCAG 2.0/2.1 A and AA rules in the rendered page,
  on a phone and on a desktop, plus a keyboard-only walk;
- weight: no request to another host, no console error, and HTML + CSS + JS
  under 100 KB as sent (see ``test_page_weight``).
"""

import json

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error
from playwright.sync_api import expect

from .conftest import PASSWORD, REPO, VIEWPORTS, log_in
from .support import (
    SEARCH_WORD,
    Traffic,
    describe,
    describe_violation,
    errors,
    public_pages,
    run_axe,
    serious,
    validate_html,
)

pytestmark = pytest.mark.browser

BUDGET = 100 * 1024  # bytes of HTML + CSS + JS per page, before images

# Errors from Django's own admin templates that we cannot fix without
# overriding them: (pages, the start of the message, a marker in the extract).
# Everything else on the admin pages is checked as strictly as ours.
KNOWN_ADMIN_ERRORS = [
    # The password's read-only summary is a <div> that Django gives the
    # field's "disabled" attribute (auth/widgets/read_only_password_hash.html).
    ({"user-change"}, "Attribute “disabled” not allowed on element “div”", 'id="id_password"'),
]


def known_admin_error(name, message):
    return any(
        name in pages and message["message"].startswith(text) and marker in message.get("extract", "")
        for pages, text, marker in KNOWN_ADMIN_ERRORS
    )


def test_public_pages_are_valid_html(site, new_context, vnu_jar):
    page = new_context("desktop").new_page()
    documents = {}
    for name, (path, status) in public_pages(site).items():
        response = page.goto(path)
        assert response.status == status, f"{name}: {path} answered {response.status}"
        documents[name] = response.text()
    # The 500 page as Django's handler renders it: without a request context.
    documents["500"] = server_error(RequestFactory().get("/broken/")).content.decode()
    # A page known to be invalid, to show the checker runs and its messages reach us.
    documents["canary"] = '<!DOCTYPE html><html lang="zh"><title>x</title><p><div></div></p>'

    report = validate_html(vnu_jar, documents)
    assert errors(report.pop("canary")), "the Nu Html Checker did not report the canary's error"
    problems = {name: [describe(m) for m in errors(messages)] for name, messages in report.items()}
    assert not any(problems.values()), json.dumps(problems, ensure_ascii=False, indent=1)


@pytest.fixture
def newsroom(make_member):
    """An editor (zhang), a writer (wang) and the writer's article in review,
    saved twice (two revisions to compare)."""
    from articles import revisions, workflow
    from articles.models import Article

    editor = make_member("zhang", "editor", full_name="Zhang Wei")
    writer = make_member("wang", "writer", byline="王明 (记者)")
    in_review = Article.objects.create(title="待审的稿件", body="<p>待审。</p>", created_by=writer)
    revisions.record(in_review, user=writer)
    in_review.body = "<p>待审，<strong>补充了数据</strong>。</p>"
    in_review.save()
    revisions.record(in_review, user=writer)
    workflow.submit(in_review, user=writer)
    return editor, writer, in_review


def editors_pages(in_review):
    """The admin pages an editor works in, by name."""
    from articles import revisions

    newer, older = revisions.versions_of(in_review)[:2]
    return {
        "index": "/admin/",
        "article-changelist": "/admin/articles/article/",
        "article-add": "/admin/articles/article/add/",
        "article-change": f"/admin/articles/article/{in_review.pk}/change/",
        "review-queue": "/admin/articles/articleinreview/",
        "article-history": f"/admin/articles/article/{in_review.pk}/history/",
        "article-compare": f"/admin/articles/article/{in_review.pk}/compare/?a={older.pk}&b={newer.pk}",
        "activity": "/admin/articles/articleevent/",
        "section-changelist": "/admin/articles/category/",
        "section-add": "/admin/articles/category/add/",
        "author-changelist": "/admin/articles/author/",
        "author-add": "/admin/articles/author/add/",
        "tag-changelist": "/admin/taggit/tag/",
        "tag-add": "/admin/taggit/tag/add/",
        "feed-changelist": "/admin/articles/feedsubscription/",
        "feed-add": "/admin/articles/feedsubscription/add/",
        "password-change": "/admin/password_change/",
        "two-factor": "/admin/two-factor/",
    }


@pytest.fixture
def administrator(django_user_model):
    """A superuser (root), who manages the accounts."""
    return django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)


def accounts_pages(administrator):
    """The admin pages where people and their roles are managed, by name."""
    from django.contrib.auth.models import Group

    return {
        "users": "/admin/auth/user/",
        "user-add": "/admin/auth/user/add/",
        "user-change": f"/admin/auth/user/{administrator.pk}/change/",
        "groups": "/admin/auth/group/",
        "group-change": f"/admin/auth/group/{Group.objects.get(name='Editors').pk}/change/",
    }


def test_admin_pages_are_valid_html(site, new_context, newsroom, administrator, vnu_jar):
    from articles import workflow
    from articles.models import Article

    editor, writer, in_review = newsroom
    draft = Article.objects.create(title="记者的稿件", body="<p>正文<strong>加粗</strong>。</p>", created_by=writer)
    draft.set_authors([writer.author_profile])
    workflow.submit(draft, user=writer)
    workflow.request_changes(draft, user=editor, note="请补充数据来源。")

    documents = {}
    page = new_context("desktop").new_page()
    response = page.goto("/admin/login/")
    documents["login"] = response.text()
    log_in(page, "zhang")
    pages = {**editors_pages(in_review), "preview": f"/preview/{in_review.pk}/"}
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, f"{name}: {path} answered {response.status}"
        documents[name] = response.text()

    root_page = new_context("desktop").new_page()
    log_in(root_page, "root")
    for name, path in accounts_pages(administrator).items():
        response = root_page.goto(path)
        assert response.status == 200, f"{name}: {path} answered {response.status}"
        documents[name] = response.text()

    writer_page = new_context("desktop").new_page()
    log_in(writer_page, "wang")
    response = writer_page.goto(f"/admin/articles/article/{draft.pk}/change/")
    documents["article-change-writer"] = response.text()
    assert "请补充数据来源。" in documents["article-change-writer"]

    report = validate_html(vnu_jar, documents)
    problems, known = {}, []
    for name, messages in report.items():
        for message in errors(messages):
            found = known if known_admin_error(name, message) else problems.setdefault(name, [])
            found.append(f"{name}: {describe(message)}")
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
    for line in known:
        print("known Django admin error:", line)


@pytest.mark.parametrize("kind", list(VIEWPORTS))
def test_public_pages_pass_axe(kind, site, new_context, axe_js):
    page = new_context(kind).new_page()
    found = {}
    for name, (path, _status) in public_pages(site).items():
        page.goto(path)
        no_alt = page.eval_on_selector_all("img:not([alt])", "images => images.map(image => image.outerHTML)")
        assert not no_alt, f"{name}: images without alt text: {no_alt}"
        result = run_axe(page, axe_js)
        assert result["testEngine"]["version"].startswith("4."), "axe did not run"
        bad = serious(result["violations"])
        if bad:
            found[name] = [describe_violation(violation) for violation in bad]
        for violation in result["violations"]:
            if violation not in bad:
                print(f"{kind} {name}: minor: {describe_violation(violation)}")
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def test_admin_pages_pass_axe(site, new_context, newsroom, administrator, axe_js):
    """The editors' and administrators' pages too: the rich-text area, the
    autocomplete boxes, the bylines' columns and the sections' positions have
    names (static/admin-extra/accessible-names.js)."""
    _editor, _writer, in_review = newsroom
    editors, administrators = new_context("desktop").new_page(), new_context("desktop").new_page()
    log_in(editors, "zhang")
    log_in(administrators, "root")
    pages = [(editors, name, path) for name, path in editors_pages(in_review).items()]
    pages += [(administrators, name, path) for name, path in accounts_pages(administrator).items()]
    found = {}
    for page, name, path in pages:
        page.goto(path)
        if name == "article-change":
            area = page.locator(".prose-editor [contenteditable]")
            expect(area).to_be_visible()
            assert page.locator(f"#{area.get_attribute('aria-labelledby')}").inner_text().startswith("正文")
            page.locator(".add-row a").first.click()  # a byline row added later is named too
        bad = serious(run_axe(page, axe_js)["violations"])
        if bad:
            found[name] = [describe_violation(violation) for violation in bad]
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def test_axe_reports_what_it_should(live_server, new_context, axe_js):
    """The harness itself: low contrast and a missing alt are reported as serious or worse."""
    page = new_context("desktop").new_page()
    page.goto("/no-such-page/")
    page.evaluate(
        """() => {
            document.querySelector('.site-footer p').style.color = '#c8c8c8';
            const img = document.createElement('img');
            img.src = '/static/img/logo.svg';
            document.querySelector('main').append(img);
        }"""
    )
    found = {violation["id"] for violation in serious(run_axe(page, axe_js)["violations"])}
    assert {"color-contrast", "image-alt"} <= found, found


def focus_ring(page):
    """How the focused element shows its focus: an outline (or a box shadow) at least 2px wide."""
    return page.evaluate(
        """() => {
            const el = document.activeElement, style = getComputedStyle(el), box = el.getBoundingClientRect();
            return {
                tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
                text: (el.innerText || el.value || '').trim(),
                outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
                shadow: style.boxShadow !== 'none',
                onscreen: box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
                          && box.bottom <= innerHeight && box.right <= innerWidth,
                inMain: !!el.closest('main'),
            };
        }"""
    )


def test_keyboard_only(site, new_context):
    from articles.models import Category

    page = new_context("desktop").new_page()
    page.goto("/")

    # The first Tab reaches the skip link; it shows itself, and Enter moves focus to the main content.
    page.keyboard.press("Tab")
    focused = focus_ring(page)
    assert focused["cls"] == "skip-link", focused
    assert focused["onscreen"] and (focused["outline"] or focused["shadow"]), focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")
    assert focus_ring(page)["inMain"], "after the skip link, Tab goes on inside the main content"

    # Without skipping: the brand, every section of the menu, the search box and its button, each visibly focused.
    page.goto("/")
    page.keyboard.press("Tab")
    reached = []
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = focus_ring(page)
        if focused["inMain"]:
            break
        assert focused["onscreen"] and (focused["outline"] or focused["shadow"]), f"no visible focus: {focused}"
        reached.append(focused["id"] or focused["text"])
    sections = [category.name for category in Category.objects.filter(parent=None)]
    for expected in ["新闻室", "最新", *sections, "site-search", "搜索"]:
        assert expected in reached, f"{expected} not reached by Tab: {reached}"
    assert reached.index("site-search") > reached.index(sections[-1])

    # A search typed and sent from the keyboard alone.
    page.goto("/")
    while focus_ring(page)["id"] != "site-search":
        page.keyboard.press("Tab")
    page.keyboard.type(SEARCH_WORD)
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    expect(page.locator(".search-result").first).to_contain_text(SEARCH_WORD)
    # The results' links are reachable and visibly focused too.
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = focus_ring(page)
        if focused["inMain"] and focused["tag"] == "a":
            break
    assert focused["inMain"] and focused["outline"], focused


def test_page_weight_and_hosts(site, new_context, base_url):
    """No other host, no console error, and at most BUDGET bytes of HTML + CSS + JS per page.

    Measured cold (a new browser context per page), from Chromium's own count
    of the bytes each response took on the wire (``request.sizes()``: headers +
    body as sent). The test server sends everything uncompressed, so that is
    the upper bound; the gzip -9 size of each body (what whitenoise's
    precompressed .gz files give for CSS and JS) is recorded beside it.
    """
    from urllib.parse import urlsplit

    own_host = urlsplit(base_url).netloc
    rows = {}
    over = {}
    for name, (path, status) in public_pages(site).items():
        page = new_context("desktop").new_page()
        traffic = Traffic(page)
        response = page.goto(path)
        assert response.status == status
        # Scroll to the end so that lazy images load too, then let the network settle.
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")

        assert traffic.hosts() == {own_host}, f"{name}: requests to other hosts: {traffic.hosts() - {own_host}}"
        expected_status_error = f"the server responded with a status of {status}"
        console = [e for e in traffic.console_errors if not (status >= 400 and expected_status_error in e)]
        assert not console, f"{name}: console errors: {console}"
        assert not traffic.failed, f"{name}: failed requests: {[r.url for r in traffic.failed]}"

        text = traffic.text_responses()
        wire = sum(row[2] for row in text)
        gzipped = sum(row[4] for row in text)
        rows[name] = {
            "path": path,
            "requests": len(traffic.requests),
            "html_css_js_bytes_on_wire": wire,
            "html_css_js_bytes_gzip": gzipped,
            "responses": [{"url": url, "type": kind, "wire": w, "body": b, "gzip": g} for url, kind, w, b, g in text],
        }
        if wire > BUDGET:
            over[name] = wire
        page.context.close()

    report = REPO / "var" / "e2e" / "page-weights.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    for name, row in rows.items():
        wire, gzipped = row["html_css_js_bytes_on_wire"], row["html_css_js_bytes_gzip"]
        print(f"{name:20} {wire:7d} B on the wire, {gzipped:6d} B gzip")
    assert not over, f"over {BUDGET} bytes of HTML + CSS + JS: {over}"
