"""Copying remote images: the fetcher against a small, misbehaving server on
127.0.0.1, and the importers' --fetch-images and the admin action on top."""

import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from articles.images import fetch
from articles.images.fetch import FetchError, fetch_image, is_public_address
from articles.images.localise import Localiser
from articles.models import Article, RemoteImage, StoredImage

from .factories import ArticleFactory
from .test_images_files import HTML_PAGE, SVG, image_bytes, jpeg_with_gps, png_claiming, read

GOOD = image_bytes("JPEG", (1000, 600))


class Server:
    """Routes → (status, headers, body); a few routes misbehave on purpose."""

    def __init__(self):
        self.hits = []  # (path, headers)
        self.routes = {
            "/good.jpg": (200, {"Content-Type": "image/jpeg"}, GOOD),
            "/gps.jpg": (200, {"Content-Type": "image/jpeg"}, jpeg_with_gps()),
            "/other.png": (200, {"Content-Type": "image/png"}, image_bytes("PNG", (500, 300))),
            "/huge.png": (200, {"Content-Type": "image/png"}, png_claiming(60_000, 60_000)),
            "/big.jpg": (200, {"Content-Type": "image/jpeg"}, GOOD + b"\0" * 300_000),
            "/fake.png": (200, {"Content-Type": "image/png"}, HTML_PAGE),
            "/logo.svg": (200, {"Content-Type": "image/svg+xml"}, SVG),
            "/page.jpg": (200, {"Content-Type": "text/html; charset=utf-8"}, HTML_PAGE),
            "/missing.jpg": (404, {"Content-Type": "text/html"}, b"not here"),
            "/loop-a": (302, {"Location": "/loop-b"}, b""),
            "/loop-b": (302, {"Location": "/loop-a"}, b""),
            "/to-file": (302, {"Location": "file:///etc/passwd"}, b""),
            "/to-ftp": (302, {"Location": "ftp://127.0.0.1/x.jpg"}, b""),
            "/to-good": (301, {"Location": "/good.jpg"}, b""),
        }
        for hop in range(7):
            self.routes[f"/chain-{hop}"] = (302, {"Location": f"/chain-{hop + 1}"}, b"")
        self.routes["/chain-7"] = self.routes["/good.jpg"]
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.hits.append((self.path, dict(self.headers)))
                if self.path == "/slow.jpg":  # headers never come in time
                    time.sleep(2)
                    return self._send(200, {"Content-Type": "image/jpeg"}, GOOD)
                if self.path == "/drip.jpg":  # a byte at a time, each well within a socket timeout
                    self.send_response(200)
                    self.send_header("Content-Type", "image/jpeg")
                    self.end_headers()
                    try:
                        for byte in GOOD[:40]:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(0.05)
                    except OSError:
                        pass
                    return
                if self.path == "/chunked-big.jpg":  # no Content-Length: the cap applies while reading
                    self.send_response(200)
                    self.send_header("Content-Type", "image/jpeg")
                    self.end_headers()
                    try:
                        for _ in range(50):
                            self.wfile.write(b"\xff" * 10_000)
                    except OSError:
                        pass
                    return
                status, headers, body = server.routes.get(self.path, (404, {}, b""))
                self._send(status, headers, body)

            def _send(self, status, headers, body):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path):
        return self.base + path

    def count(self, path):
        return sum(1 for hit, _ in self.hits if hit == path)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    running = Server()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def image_settings(settings, tmp_path):
    # The assertions read the messages in English.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield from _image_settings(settings, tmp_path)


def _image_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMAGE_FETCH_ALLOW_PRIVATE = True  # the test server is on loopback
    settings.IMAGE_FETCH_TIMEOUT = 1
    settings.IMAGE_FETCH_MAX_BYTES = 200_000
    settings.IMAGE_RENDITION_WIDTHS = [320, 640]
    yield


# The fetcher -----------------------------------------------------------------------


def test_a_good_image_is_fetched_without_a_referrer(server):
    download = fetch_image(server.url("/good.jpg"))
    assert download.content == GOOD and download.content_type == "image/jpeg"
    headers = {name.lower(): value for name, value in server.hits[-1][1].items()}
    assert "referer" not in headers and "cookie" not in headers
    assert headers["user-agent"].startswith("NewsroomImageFetcher/")


def test_a_redirect_to_an_image_is_followed(server):
    assert fetch_image(server.url("/to-good")).url == server.url("/good.jpg")
    assert fetch_image(server.url("/chain-3")).content == GOOD  # 4 redirects: fine


@pytest.mark.parametrize(
    "path, reason",
    [
        ("/page.jpg", "not an image (Content-Type: text/html)"),
        ("/logo.svg", "not an image (Content-Type: image/svg+xml)"),
        ("/missing.jpg", "HTTP 404"),
        ("/big.jpg", "larger than 200,000 bytes"),
        ("/chunked-big.jpg", "larger than 200,000 bytes"),
        ("/loop-a", "redirect loop"),
        ("/chain-0", "more than 5 redirects"),
        ("/to-file", "not an http(s) address: file:///etc/passwd"),
        ("/to-ftp", "not an http(s) address: ftp://"),
    ],
)
def test_misbehaving_answers_are_refused(server, path, reason):
    with pytest.raises(FetchError) as refused:
        fetch_image(server.url(path))
    assert reason in str(refused.value)


@pytest.mark.parametrize("path", ["/slow.jpg", "/drip.jpg"])
def test_a_slow_server_runs_into_the_deadline(server, path):
    started = time.monotonic()
    with pytest.raises(FetchError, match="took longer than 1 s"):
        fetch_image(server.url(path))
    assert time.monotonic() - started < 1.8


def test_loopback_is_refused_unless_allowed(server, settings):
    settings.IMAGE_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(FetchError, match=r"private, loopback or reserved address \(127\.0\.0\.1\)"):
        fetch_image(server.url("/good.jpg"))


def test_a_redirect_to_a_private_address_is_refused(server, settings, monkeypatch):
    settings.IMAGE_FETCH_ALLOW_PRIVATE = False
    # Let the test server pass for a public one; its redirect leads to another loopback address.
    monkeypatch.setattr(fetch, "is_public_address", lambda address: address == "127.0.0.1")
    server.routes["/to-private"] = (302, {"Location": "http://127.0.0.2/admin/"}, b"")
    with pytest.raises(FetchError, match=r"127\.0\.0\.2 is a private"):
        fetch_image(server.url("/to-private"))
    assert fetch_image(server.url("/good.jpg")).content == GOOD


@pytest.mark.parametrize(
    "address, public",
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fc00::1", False),
        ("fe80::1%eth0", False),
        ("::ffff:127.0.0.1", False),
    ],
)
def test_which_addresses_are_public(address, public):
    assert is_public_address(address) is public


def test_only_http_and_https_are_fetched():
    for url in ["file:///etc/passwd", "ftp://example.com/a.jpg", "data:image/png;base64,AAAA", "javascript:alert(1)"]:
        with pytest.raises(FetchError, match="not an http"):
            fetch_image(url)


# The localiser ---------------------------------------------------------------------


@pytest.mark.django_db
def test_each_address_is_downloaded_once_and_reused(server):
    url = server.url("/good.jpg")
    first = Localiser().stored(url)
    again = Localiser().stored(url)  # another run: remembered in the database
    assert first == again and server.count("/good.jpg") == 1
    assert RemoteImage.objects.get().image == first
    assert first.file.startswith("images/remote/") and first.renditions


@pytest.mark.django_db
def test_downloaded_images_are_cleaned(server):
    stored = Localiser().stored(server.url("/gps.jpg"))
    with default_storage.open(stored.file, "rb") as handle:
        assert read(handle.read()).getexif().get_ifd(0x8825) == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, reason",
    [("/fake.png", "not an image in a format the site accepts"), ("/huge.png", "too many pixels")],
    ids=["html-disguised-as-png", "decompression-bomb"],
)
def test_content_decides_not_the_content_type(server, path, reason):
    result = Localiser().stored(server.url(path))
    assert isinstance(result, str) and reason in result
    assert not StoredImage.objects.exists() and not RemoteImage.objects.exists()


@pytest.mark.django_db
def test_rewrite_points_at_the_copies_and_warns_about_the_rest(server):
    good, bad = server.url("/good.jpg"), server.url("/fake.png")
    body = f'<p><img src="{good}" alt="港口" referrerpolicy="no-referrer"></p><p><img src="{bad}" alt="假的"></p>'
    result = Localiser().rewrite(body, head_image_url=good, thumbnail_url=server.url("/other.png"))
    local = StoredImage.objects.get(sources__url=good).url
    assert result.head_image_url == local and result.thumbnail_url.startswith("/media/images/remote/")
    assert f'<img src="{local}" alt="港口">' in result.body
    assert f'<img src="{bad}" alt="假的">' in result.body
    assert result.warnings == [
        (None, f"image not copied, its address kept: {bad}: " + result.warnings[0][1].split(": ", 2)[2])
    ]
    assert "not an image" in result.warnings[0][1]
    assert server.count("/good.jpg") == 1


# The admin action ---------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_action_copies_an_articles_remote_images(client, editor, server):
    article = ArticleFactory(
        head_image_url=server.url("/good.jpg"),
        head_image_alt="港口",
        body=f'<p><img src="{server.url("/other.png")}" alt="图表说明"></p><p><img src="{server.url("/missing.jpg")}" alt="缺失"></p>',
    )
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "localise_images_selected", "_selected_action": [article.pk]},
        follow=True,
    )
    text = " ".join(str(message) for message in response.context["messages"])
    assert "2 image(s) copied" in text and "missing.jpg: HTTP 404" in text
    article.refresh_from_db()
    assert article.head_image_url.startswith("/media/images/remote/")
    assert article.image_renditions["head"]["width"] == 1000
    assert server.url("/missing.jpg") in article.body and server.url("/other.png") not in article.body
    assert article.head_picture is not None
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count("<picture>") == 2


@pytest.mark.django_db
def test_admin_action_is_for_editors(client, writer, server):
    article = ArticleFactory(head_image_url=server.url("/good.jpg"), created_by=writer, draft=True)
    client.force_login(writer)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "localise_images_selected", "_selected_action": [article.pk]},
    )
    assert server.count("/good.jpg") == 0


# The importers ------------------------------------------------------------------------


def hexo_post(directory, server, name="港口.md"):
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(
        "---\n"
        "title: 洋山港吞吐量创新高\n"
        "date: 2024-05-01 10:00\n"
        f"headimg: {server.url('/good.jpg')}\n"
        f"thumbnail: {server.url('/other.png')}\n"
        "---\n"
        f'<p>正文</p><p><img src="{server.url("/good.jpg")}" alt="集装箱码头" referrerpolicy="no-referrer"></p>\n'
        f'<p><img src="{server.url("/slow.jpg")}" alt="慢"></p>\n',
        encoding="utf-8",
    )
    return path


def run(command, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, *map(str, args), stdout=out, stderr=err)
    except CommandError:
        pass
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_import_hexo_fetch_images(tmp_path, server):
    path = hexo_post(tmp_path / "posts", server)
    out, err = run("import_hexo", tmp_path / "posts", "--fetch-images")
    assert "1 created" in out
    article = Article.objects.get()
    assert article.head_image_url.startswith("/media/images/remote/")
    assert article.thumbnail_url.startswith("/media/images/remote/")
    assert server.url("/good.jpg") not in article.body and article.head_image_url in article.body
    assert server.url("/slow.jpg") in article.body  # kept, with a warning
    assert (
        f"{path}: warning: image not copied, its address kept: {server.url('/slow.jpg')}: took longer than 1 s" in err
    )
    # Imports publish without alt text; the workflow event says which images lack it.
    assert article.status == "published"
    assert article.events.get().note == "Published without alt text for: the head image"
    assert server.count("/good.jpg") == 1  # head image and body image: one address, one download
    assert article.image_renditions["head"] and article.image_renditions["body"]

    # A re-run: nothing downloaded again but the one that failed.
    hits = len(server.hits)
    out, err = run("import_hexo", tmp_path / "posts", "--fetch-images")
    assert "1 unchanged" in out
    assert [path for path, _ in server.hits[hits:]] == ["/slow.jpg"]


@pytest.mark.django_db(transaction=True)
def test_import_hexo_without_fetch_images_leaves_addresses(tmp_path, server):
    hexo_post(tmp_path / "posts", server)
    run("import_hexo", tmp_path / "posts")
    assert Article.objects.get().head_image_url == server.url("/good.jpg") and not server.hits


@pytest.mark.django_db(transaction=True)
def test_a_later_fetch_images_run_copies_an_unchanged_import(tmp_path, server):
    hexo_post(tmp_path / "posts", server)
    run("import_hexo", tmp_path / "posts")
    out, _err = run("import_hexo", tmp_path / "posts", "--fetch-images")
    assert "1 unchanged" in out
    article = Article.objects.get()
    assert article.head_image_url.startswith("/media/images/remote/")
    # Still "as imported": a change to the source would update it.
    assert article.imported_at == article.updated_at


@pytest.mark.django_db(transaction=True)
def test_import_hexo_dry_run_fetches_nothing(tmp_path, server):
    hexo_post(tmp_path / "posts", server)
    run("import_hexo", tmp_path / "posts", "--fetch-images", "--dry-run")
    assert not server.hits and not Article.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_import_feed_fetch_images(tmp_path, server):
    feed = tmp_path / "feed.xml"
    feed.write_text(
        f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>电报</title><link>https://example.com/</link>
<item><title>港口快讯</title><link>https://example.com/1</link><guid>1</guid>
<pubDate>Wed, 01 May 2024 10:00:00 +0800</pubDate>
<media:content url="{server.url("/good.jpg")}" medium="image"/>
<description><![CDATA[<p>快讯</p><p><img src="{server.url("/other.png")}" alt="图表说明"></p><p><img src="{server.url("/fake.png")}" alt="伪装"></p>]]></description>
</item></channel></rss>""",
        encoding="utf-8",
    )
    out, err = run("import_feed", feed, "--fetch-images", "--status", "published")
    assert "1 created" in out
    article = Article.objects.get()
    assert article.head_image_url.startswith("/media/images/remote/")
    assert server.url("/other.png") not in article.body and server.url("/fake.png") in article.body
    assert f"image not copied, its address kept: {server.url('/fake.png')}: This file is not an image" in err
    assert Path(default_storage.path(article.image_renditions["head"]["name"])).is_file()
