"""The benchmark harness (``make bench``): dataset, generators, report, a smoke run."""

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from bench import dataset, imports, load, report, run, server

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def built(db):
    """A tiny benchmark dataset in the test database, over three batches."""
    return dataset.build(60, batch_size=25, variants=30)


def test_dataset_counts_match_the_database(built):
    from taggit.models import Tag, TaggedItem

    from articles.models import Article, Author, Byline

    assert Article.objects.count() == built["articles"] == 60
    assert sorted(Article.objects.values_list("pk", flat=True)) == list(range(1, 61))
    assert Byline.objects.count() == built["bylines"]
    assert TaggedItem.objects.count() == built["tag_links"]
    assert Article.categories.through.objects.count() == built["category_links"]
    assert Tag.objects.count() == built["tags"] == 200
    assert Author.objects.count() == built["authors"] == 300
    assert built["published"] + built["scheduled"] + built["draft"] + built["review"] == 60


def test_dataset_sections_have_three_levels(built):
    from articles.models import Article, Category

    top = Category.objects.filter(parent=None)
    assert top.count() == 4
    for section in top:
        desks = section.children.all()
        assert desks.count() == 5
        assert all(desk.children.count() == 4 for desk in desks)
    assert Category.objects.count() == 4 + 4 * 5 + 4 * 5 * 4
    for article in Article.objects.prefetch_related("categories"):
        assert 1 <= len(article.categories.all()) <= 2
        assert all(category.depth == 2 for category in article.categories.all())  # leaves: two levels above


def test_dataset_bylines_are_one_to_three_in_order(built):
    from articles.models import Byline

    positions = {}
    for article_id, position in Byline.objects.values_list("article_id", "position"):
        positions.setdefault(article_id, []).append(position)
    assert len(positions) == 60
    for found in positions.values():
        assert sorted(found) == list(range(len(found)))
        assert 1 <= len(found) <= 3


def test_dataset_tags_are_two_to_five_with_a_long_tail(built):
    from taggit.models import TaggedItem

    per_article = Counter(TaggedItem.objects.values_list("object_id", flat=True))
    assert len(per_article) == 60
    assert all(2 <= count <= 5 for count in per_article.values())
    per_tag = Counter(TaggedItem.objects.values_list("tag_id", flat=True)).most_common()
    assert per_tag[0][1] >= 3 * per_tag[-1][1]


def test_dataset_slugs_unique_and_statuses_consistent(built):
    from articles.models import Article

    slugs = list(Article.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == len(slugs) == 60
    assert Article.objects.filter(status="published", published_at=None).count() == 0
    assert Article.objects.exclude(status="published").filter(published_at__isnull=False).count() == 0
    assert Article.objects.published().count() >= 50
    times = sorted(Article.objects.published().values_list("published_at", flat=True))
    assert (times[-1] - times[0]).days > 365


def test_dataset_bodies_are_clean_seed_html(built):
    from articles.models import Article
    from articles.sanitizer import clean_html

    bodies = list(Article.objects.values_list("body", "summary"))
    assert all(body == clean_html(body) and summary for body, summary in bodies[:10])
    assert any('referrerpolicy="no-referrer"' in body for body, _ in bodies)
    assert all("<strong>" in body and "<div" not in body for body, _ in bodies)


def test_dataset_targets_name_every_endpoint(built):
    found = dataset.targets(detail_paths=10)
    assert set(found["endpoints"]) == set(report.BASE_ENDPOINTS)
    assert all(found["endpoints"][name] for name in report.BASE_ENDPOINTS)
    assert 1 <= len(found["endpoints"]["detail"]) <= 10
    assert found["endpoints"]["deep_list"] == [f"/?page={found['deep_page']}"]


def test_dataset_refuses_a_database_with_articles(built):
    with pytest.raises(RuntimeError):
        dataset.build(5)


def _entry(value=1.0):
    return report.entry(rps=100, p50_ms=2, p99_ms=9, cpu_ms_per_req=value, ratio_to_floor=value)


def test_report_has_the_contract_shape(tmp_path):
    made = report.make_report(
        n_articles=50, import_posts_per_s=151.25, endpoints={name: _entry() for name in report.NAMES}, generator="x"
    )
    path = report.write(made, tmp_path)
    loaded = json.loads(path.read_text())
    assert path == tmp_path / "latest.json"
    assert loaded["n_articles"] == 50 and loaded["import_posts_per_s"] == 151.2
    assert list(loaded["endpoints"]) == report.NAMES
    assert all(set(values) == set(report.METRICS) for values in loaded["endpoints"].values())
    assert all(isinstance(value, float) for values in loaded["endpoints"].values() for value in values.values())
    assert len(list((tmp_path / "runs").glob("*-n50.json"))) == 1


def test_report_rejects_names_and_metrics_outside_the_contract():
    with pytest.raises(ValueError):
        report.make_report(n_articles=1, import_posts_per_s=1, endpoints={"homepage": _entry()})
    with pytest.raises(ValueError):
        report.make_report(n_articles=1, import_posts_per_s=1, endpoints={"home": {"rps": 1.0}})


def test_markdown_table_checks_the_goals():
    endpoints = {"floor": _entry(), "detail": _entry(3.0), "home": _entry(9.0)}
    table = report.markdown(
        report.make_report(n_articles=1, import_posts_per_s=1, endpoints=endpoints, status_codes={"home": {"200": 5}})
    )
    assert "| detail | – | 100 | 2.0 | 9.0 | 3.00 | 3.00 | ≤ 4× ✓ |" in table
    assert "| home | 200 |" in table and "≤ 8× ✗" in table


def test_summarise_divides_by_the_neighbouring_floor():
    piece = run.Slice(requests=100, seconds=2, cpu=0.4, p50_ms=5, p99_ms=20, status_codes={"200": 100}, errors=0,
                      workers_changed=False)  # fmt: skip
    floor = run.Slice(requests=1000, seconds=2, cpu=0.5, p50_ms=1, p99_ms=3, status_codes={"200": 1000}, errors=0,
                      workers_changed=False)  # fmt: skip
    summary = run.summarise([piece], [floor, floor])
    assert summary == {"rps": 50.0, "p50_ms": 5.0, "p99_ms": 20.0, "cpu_ms_per_req": 4.0, "ratio_to_floor": 8.0}


def test_child_sitemap_is_read_from_an_index():
    body = b'<?xml version="1.0"?><sitemapindex><sitemap><loc>http://x/sitemap-articles.xml?p=1&amp;q=2</loc>'
    assert run.child_sitemap(body) == "/sitemap-articles.xml?p=1&q=2"
    assert run.child_sitemap(b"<urlset><url><loc>http://x/a/</loc></url></urlset>") is None


def test_fingerprint_follows_the_article_count():
    one = run.Config(n=10)
    other = run.Config(n=11)
    assert run.fingerprints(one)[0] != run.fingerprints(other)[0]
    assert run.fingerprints(one) == run.fingerprints(run.Config(n=10))


@pytest.fixture
def http_server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            status = 200 if self.path == "/ok" else 404
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_python_generator_counts_requests_and_statuses(http_server):
    result = load.generate(http_server, ["/ok", "/missing"], 0.3, connections=2)
    assert result["requests"] > 10
    assert set(result["status_codes"]) == {"200", "404"}
    assert 0 < result["p50_ms"] <= result["p99_ms"]
    assert result["errors"] == 0


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed")
def test_wrk_script_reports_statuses(http_server, monkeypatch):
    monkeypatch.delenv("BENCH_GENERATOR", raising=False)
    result = load.run(http_server, ["/ok", "/missing"], 1, connections=2)
    assert result["requests"] > 10
    assert set(result["status_codes"]) == {"200", "404"}
    assert 0 < result["p50_ms"] <= result["p99_ms"]


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert load.percentile(values, 0.5) == 50
    assert load.percentile(values, 0.99) == 99
    assert load.percentile([], 0.5) == 0.0


def test_cpu_seconds_of_a_child_process_and_its_pid():
    spin = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\ntime.sleep(30)"
    child = subprocess.Popen([sys.executable, "-c", spin])
    try:
        assert child.pid in server.children(os.getpid())
        deadline = time.monotonic() + 20
        while (server.cpu_seconds(child.pid) or 0) < 0.3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert 0.3 <= server.cpu_seconds(child.pid) < 1.5
    finally:
        child.kill()
        child.wait()
    assert server.cpu_seconds(child.pid) is None


def test_seed_posts_have_the_generator_shape(tmp_path):
    paths = imports.write_seed_posts(tmp_path, 3)
    assert len(paths) == 3
    for path in paths:
        text = path.read_text()
        assert text.startswith("\n---\ntitle: '")
        assert "categories: \n - " in text and "referrerpolicy" in text
        assert text.endswith("</div>\n" + " " * 12)
        assert len(path.relative_to(tmp_path).parts) == 4  # section/desk/feed/title.md


@pytest.mark.django_db
def test_seed_posts_import_with_three_level_sections(tmp_path):
    from articles.models import Article

    imports.write_seed_posts(tmp_path, 3)
    call_command("import_hexo", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    assert Article.objects.count() == 3
    for article in Article.objects.prefetch_related("categories"):
        assert [category.depth for category in article.categories.all()] == [2]
        assert 'referrerpolicy="no-referrer"' in article.body


@pytest.mark.slow
def test_make_bench_smoke_run(tmp_path):
    """The whole harness at a tiny size: every endpoint measured, the floor positive."""
    env = {
        **os.environ,
        "BENCH_DIR": str(tmp_path),
        "BENCH_N": "30",
        "BENCH_DURATION": "1",
        "BENCH_IMPORT_POSTS": "10",
        "BENCH_DETAIL_PATHS": "10",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    latest = json.loads((tmp_path / "latest.json").read_text())
    assert latest["n_articles"] == 30
    assert latest["import_posts_per_s"] > 0
    assert set(latest["endpoints"]) == set(report.NAMES)
    for name in ("floor", "floor_cached"):
        floor = latest["endpoints"][name]
        assert floor["rps"] > 0 and floor["cpu_ms_per_req"] > 0 and floor["ratio_to_floor"] == 1.0
    assert "| floor |" in done.stdout
    assert not list(tmp_path.glob("*.building*"))
