"""Helpers for the browser tests: the page types, the checkers, the measurements."""

import gzip
import json
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import reverse

SEARCH_WORD = "芯片"
# What counts towards a page's weight "before images": HTML, CSS, JS (and what scripts fetch).
TEXT_RESOURCES = {"document", "stylesheet", "script", "fetch", "xhr", "font"}


def public_pages(site):
    """Every public page type as ``{name: (path, expected HTTP status)}``."""
    from articles.models import Article
    from articles.previews import share_url

    article = Article.objects.get(title__startswith="新能源车企扎堆出海")
    tag = article.tags.get(name="新能源")
    author = site["author"]
    draft = Article.objects.create(title="尚未发布的稿件", body="<p>草稿正文。</p>")
    shared = share_url(draft)
    draft.title = "尚未发布的稿件（改）"
    draft.save()  # the share link now names an older version: 410, "preview unavailable"
    latest = Article.objects.published().order_by("-published_at").first().published_at
    oldest = site["extra"][-1].published_at
    return {
        "home": ("/", 200),
        "home-page-2": ("/?page=2", 200),
        "article": (article.get_absolute_url(), 200),
        "section": (site["section"].get_absolute_url(), 200),
        "section-top": (site["section"].ancestors()[0].get_absolute_url(), 200),
        "tag": (reverse("articles:tag", args=[tag.slug]), 200),
        "author": (author.get_absolute_url(), 200),
        "search": (f"/search/?q={SEARCH_WORD}", 200),
        "search-empty": ("/search/?q=没有这个词语", 200),
        "archive": (reverse("articles:archive"), 200),
        "archive-year": (reverse("articles:archive_year", args=[oldest.year]), 200),
        "archive-month": (reverse("articles:archive_month", args=[latest.year, latest.month]), 200),
        "404": ("/no-such-page/", 404),
        "preview-unavailable": (shared, 410),
    }


# The Nu Html Checker ------------------------------------------------------------


def validate_html(vnu_jar, documents):
    """Check ``{name: html}`` in one run of the checker (one JVM start); ``{name: [messages]}``."""
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        files = []
        for name, html in documents.items():
            path = Path(folder) / f"{name}.html"
            path.write_text(html, encoding="utf-8")
            files.append(str(path))
        command = ["java", "-jar", str(vnu_jar), "--format", "json", "--stdout", "--exit-zero-always", *files]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout)
    by_name = {name: [] for name in documents}
    for message in report["messages"]:
        name = Path(urlsplit(message.get("url", "")).path).stem
        if name not in by_name:  # about the run itself (an unreadable file...): never lose it
            raise AssertionError(f"the Nu Html Checker said: {message}")
        by_name[name].append(message)
    return by_name


def describe(message):
    kind = message["type"] + (f"/{message['subType']}" if "subType" in message else "")
    extract = message.get("extract", "").strip()
    return f"{kind} at line {message.get('lastLine', '?')}: {message['message']} [{extract}]"


def errors(messages):
    return [message for message in messages if message["type"] in ("error", "non-document-error")]


# axe-core ------------------------------------------------------------------------


def run_axe(page, axe_js):
    # Evaluated through the DevTools protocol: the page's CSP (no inline
    # scripts) stays on, and a <script> tag added by the test would be refused.
    page.evaluate(axe_js.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},"
        " resultTypes: ['violations']})"
    )


def serious(violations):
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def describe_violation(violation):
    targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}"


# Page weight -------------------------------------------------------------------


class Traffic:
    """Every request a page makes, with what came back, and the console's errors."""

    def __init__(self, page):
        self.requests = []
        self.failed = []
        self.console_errors = []
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._failed)
        page.on("console", self._console)
        page.on("pageerror", self._page_error)

    def _finished(self, request):
        self.requests.append(request)

    def _failed(self, request):
        self.failed.append(request)

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def _page_error(self, error):
        self.console_errors.append(f"uncaught: {error}")

    def hosts(self):
        urls = [urlsplit(request.url) for request in self.requests + self.failed]
        return {url.netloc for url in urls if url.scheme in ("http", "https")}

    def text_responses(self):
        """``[(url, resource type, bytes on the wire, body bytes, gzip -9 bytes)]`` of the HTML, CSS and JS."""
        rows = []
        for request in self.requests:
            response = request.response()
            if response is None or request.resource_type not in TEXT_RESOURCES:
                continue
            body = response.body()
            sizes = request.sizes()
            wire = sizes["responseBodySize"] + sizes["responseHeadersSize"]
            rows.append((request.url, request.resource_type, wire, len(body), len(gzip.compress(body, 9))))
        return rows
