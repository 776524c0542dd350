"""import_feed: RSS 2.0, RSS 1.0 and Atom from files and from a small HTTP server."""

import datetime as dt
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.importers import feeds, limits
from articles.models import Article, FeedSubscription

from .commands import run_feed

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "feeds"
RSS2, RSS1, ATOM = DATA / "rss2.xml", DATA / "rss1.xml", DATA / "atom.xml"


class FeedServer:
    """A feed server on 127.0.0.1: ``routes[path] = (status, headers, body)``."""

    def __init__(self):
        self.routes, self.requests = {}, []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                status, headers, body = server.routes.get(self.path, (404, {}, b"not found"))
                if callable(body):
                    body = body(self)
                    if body is None:
                        return
                etag = headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    status, body = 304, b""
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    feed_server = FeedServer()
    yield feed_server
    feed_server.close()


# Files -----------------------------------------------------------------------------


def test_rss2_entries_become_articles(tmp_path):
    code, out, err = run_feed(RSS2, category="金融/财联社/电报")
    assert code == 0, err
    first = Article.objects.get(title="央行开展2000亿元逆回购操作")
    assert first.source_key == f"feed:{RSS2.resolve().as_uri()}#cls-1001"
    assert first.status == "draft"
    assert first.body == (
        '<p><strong>财联社6月19日电</strong>，央行今日开展2000亿元7天期逆回购操作。</p><p><a href="">点我</a></p>'
    )
    assert [str(c) for c in first.categories.all()] == ["金融 › 财联社 › 电报"]
    assert sorted(first.tags.names()) == ["央行", "货币政策"]
    assert [a.name for a in first.authors.all()] == ["黄心怡"]
    assert first.head_image_url == "https://img.cls.cn/1001.jpg"
    assert first.thumbnail_url == "https://img.cls.cn/1001-thumb.jpg"
    second = Article.objects.get(source_key__endswith="#https://www.cls.cn/detail/1002")  # no guid: the link
    assert second.title == "沪指午盘涨0.5% & 成交额放大" and second.body == "<p>三大指数集体上涨。</p>"
    assert [a.name for a in second.authors.all()] == ["财联社 - 电报"]  # no author: the feed's title
    assert second.head_image_url == ""
    assert "unsafe image address dropped: javascript:alert(3)" in err


def test_rss1_and_atom(tmp_path):
    code, _out, err = run_feed(RSS1, ATOM, status="published")
    assert code == 0, err
    rdf = Article.objects.get(title="港口集装箱吞吐量创新高")
    assert rdf.status == "published" and rdf.published_at == dt.datetime(2023, 11, 2, 0, 30, tzinfo=dt.UTC)
    assert [a.name for a in rdf.authors.all()] == ["本站记者"]
    atom = Article.objects.get(source_key__endswith="#urn:uuid:entry-1")
    assert atom.title == "大模型公司商业化加速"
    assert atom.summary == "多家大模型公司公布商业化进展。"
    assert "onerror" not in atom.body and '<img src="https://img.36kr.com/a.png"' in atom.body
    assert list(atom.tags.names()) == ["人工智能"]
    assert atom.updated_at == atom.imported_at == dt.datetime(2023, 11, 2, 9, 30, tzinfo=dt.UTC)  # <updated>
    text_entry = Article.objects.get(title="存储芯片厂商扩产")
    assert text_entry.body == "<p>存储芯片价格回升，厂商扩产。</p>"
    assert text_entry.published_at == text_entry.updated_at == dt.datetime(2023, 11, 2, 9, 45, tzinfo=dt.UTC)


def test_review_status_submits_through_the_workflow():
    run_feed(RSS1, status="review")
    article = Article.objects.get()
    assert article.status == "review" and article.events.get().to_status == "review"


def test_rerun_changes_nothing_and_an_updated_entry_updates(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS1.read_text("utf-8"), "utf-8")
    run_feed(feed)
    code, out, _err = run_feed(feed)
    assert "1 unchanged" in out and Article.objects.count() == 1
    feed.write_text(RSS1.read_text("utf-8").replace("同比增长", "同比增长5%"), "utf-8")
    run_feed(feed)
    assert "同比增长5%" in Article.objects.get().body


def test_entry_edited_in_the_cms_is_not_overwritten(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS1.read_text("utf-8"), "utf-8")
    run_feed(feed)
    article = Article.objects.get()
    article.title = "编辑改过"
    article.save()
    feed.write_text(RSS1.read_text("utf-8").replace("同比增长", "同比增长5%"), "utf-8")
    _code, _out, err = run_feed(feed)
    assert "skipped: edited in the CMS since import; use --overwrite" in err
    assert Article.objects.get().title == "编辑改过"


def test_bad_sources_are_reported_and_the_rest_go_on(tmp_path):
    code, out, err = run_feed(
        DATA / "not_a_feed.html", "file:///etc/passwd", "ftp://example.org/x", RSS1, tmp_path / "no"
    )
    assert code == 1
    assert Article.objects.count() == 1
    assert f"{DATA / 'not_a_feed.html'}: not an RSS or Atom feed" in err
    assert "file:///etc/passwd: only http(s) addresses are fetched" in err
    assert "ftp://example.org/x: only http(s) addresses are fetched" in err
    assert f"{tmp_path / 'no'}: no such file" in err


def test_billion_laughs_feed_does_not_explode():
    started = time.monotonic()
    run_feed(DATA / "billion_laughs.xml")
    assert time.monotonic() - started < 5
    assert all(len(article.title) < 100 for article in Article.objects.all())


def test_external_entities_are_not_read():
    run_feed(DATA / "xxe.xml")
    article = Article.objects.get()
    assert "root:" not in article.title + article.body + article.summary


def test_dry_run_writes_nothing():
    code, out, _err = run_feed(RSS2, ATOM, dry_run=True)
    assert code == 0 and "4 created" in out and "dry run" in out
    assert not Article.objects.exists()


def test_a_source_is_required():
    with pytest.raises(CommandError, match="SOURCE"):
        call_command("import_feed", stdout=StringIO(), stderr=StringIO())


# HTTP ---------------------------------------------------------------------------------------


def test_subscriptions_are_polled_with_conditional_get(server):
    server.routes["/cls.xml"] = (200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'}, RSS2.read_bytes())
    subscription = FeedSubscription.objects.create(
        url=f"{server.url}/cls.xml", category_path="金融/财联社/电报", byline="财联社", default_status="published"
    )
    FeedSubscription.objects.create(url=f"{server.url}/off.xml", active=False)
    code, out, err = run_feed(all=True)
    assert code == 0, err
    assert Article.objects.filter(status="published").count() == 2
    assert {a.name for article in Article.objects.all() for a in article.authors.all()} == {"财联社"}
    subscription.refresh_from_db()
    assert subscription.etag == '"v1"' and subscription.last_error == "" and subscription.last_fetched_at
    assert [path for path, _headers in server.requests] == ["/cls.xml"]
    assert server.requests[0][1]["User-Agent"].startswith("NewsroomFeedImporter/")

    code, out, _err = run_feed(all=True)
    assert code == 0 and "not modified" in out
    assert server.requests[1][1]["If-None-Match"] == '"v1"'
    assert Article.objects.count() == 2


def test_a_failing_feed_is_recorded_and_the_others_go_on(server):
    server.routes["/ok.xml"] = (200, {}, RSS1.read_bytes())
    server.routes["/broken.xml"] = (500, {}, b"oops")
    broken = FeedSubscription.objects.create(url=f"{server.url}/broken.xml")
    FeedSubscription.objects.create(url=f"{server.url}/ok.xml")
    code, _out, err = run_feed(all=True)
    assert code == 1
    assert f"{server.url}/broken.xml: HTTP 500" in err
    assert Article.objects.count() == 1
    broken.refresh_from_db()
    assert broken.last_error.startswith("HTTP 500") and broken.last_fetched_at


def test_url_source_without_subscription(server):
    server.routes["/atom"] = (200, {"Content-Type": "application/atom+xml"}, ATOM.read_bytes())
    code, _out, err = run_feed(f"{server.url}/atom", category="科技/36kr/快讯")
    assert code == 0, err
    assert Article.objects.count() == 2
    assert Article.objects.first().source_key.startswith(f"feed:{server.url}/atom#")


def test_size_cap(server, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FEED_BYTES", 1000)
    monkeypatch.setattr(feeds.limits, "MAX_FEED_BYTES", 1000)
    server.routes["/big"] = (200, {}, b"<rss>" + b" " * 5000 + b"</rss>")
    with pytest.raises(feeds.FeedError, match="larger than"):
        feeds.fetch(f"{server.url}/big", max_bytes=1000)


def test_timeout(server):
    def slow(handler):
        time.sleep(2)
        return b"<rss/>"

    server.routes["/slow"] = (200, {}, slow)
    with pytest.raises(feeds.FeedError, match="cannot reach|took longer"):
        feeds.fetch(f"{server.url}/slow", timeout=0.5)


def test_redirect_to_a_file_is_refused(server):
    server.routes["/moved"] = (302, {"Location": "file:///etc/passwd"}, b"")
    with pytest.raises(feeds.FeedError, match="non-http|not allowed"):
        feeds.fetch(f"{server.url}/moved")


def test_redirect_to_http_is_followed(server):
    server.routes["/moved"] = (301, {"Location": f"{server.url}/feed"}, b"")
    server.routes["/feed"] = (200, {}, RSS1.read_bytes())
    assert feeds.fetch(f"{server.url}/moved").content == RSS1.read_bytes()


def test_admin_fetch_now_action(admin_client, server):
    server.routes["/rss1"] = (200, {}, RSS1.read_bytes())
    subscription = FeedSubscription.objects.create(url=f"{server.url}/rss1", default_status="published")
    response = admin_client.post(
        "/admin/articles/feedsubscription/",
        {"action": "fetch_now", "_selected_action": [subscription.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Article.objects.get().status == "published"
    assert any("1 created" in str(message) for message in response.context["messages"])
