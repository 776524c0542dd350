"""Login protection, two-factor sign-in, service health, logging, hostile input."""

import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from hypothesis import strategies as st

from articles.tests.factories import ArticleFactory, AuthorFactory, CategoryFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "a-long-test-password"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("reporter", "r@example.com", PASSWORD, is_staff=True)


def attempt(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra)


# Login throttling -------------------------------------------------------------------


def test_good_login_works(client, staff):
    assert attempt(client, "reporter", PASSWORD).status_code == 302


def test_account_locks_after_five_failures_with_a_clear_message(client, staff):
    for _ in range(4):
        assert attempt(client, "reporter", "wrong").status_code == 200
    assert attempt(client, "reporter", "wrong").status_code == 429  # the fifth failure locks
    locked = attempt(client, "reporter", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode() or "登录失败次数过多" in locked.content.decode()


def test_an_address_that_guesses_many_accounts_is_locked(client, staff, django_user_model):
    for number in range(5):
        attempt(client, f"nobody{number}", "wrong")
    assert attempt(client, "reporter", PASSWORD).status_code == 429
    # Another address is not affected.
    assert attempt(client, "reporter", PASSWORD, REMOTE_ADDR="192.0.2.7").status_code == 302


def test_unlock_command(client, staff):
    for _ in range(5):
        attempt(client, "reporter", "wrong")
    call_command("axes_reset", stdout=StringIO())
    assert attempt(client, "reporter", PASSWORD).status_code == 302


def test_passwords_must_be_strong(staff):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["12345678901", "password123", "reporter2024", "short"]:
        with pytest.raises(ValidationError):
            validate_password(weak, staff)


def test_client_ip_behind_proxies(rf, settings):
    from newsroom.client_ip import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # the forged 6.6.6.6 is ignored


# Two-factor -------------------------------------------------------------------------


def confirmed_device(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def test_login_needs_the_code_once_a_device_is_set_up(client, staff):
    device = confirmed_device(staff)
    assert attempt(client, "reporter", PASSWORD).status_code == 200  # refused without a code
    response = client.post(LOGIN, {"username": "reporter", "password": PASSWORD, "otp_token": current_code(device), "next": "/admin/"})
    assert response.status_code == 302


def test_editors_must_set_up_two_factor_when_required(client, editor, settings):
    settings.OTP_REQUIRED_FOR_EDITORS = True
    client.force_login(editor)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == reverse("two_factor_setup")
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=editor)
    assert not device.confirmed
    assert client.post(reverse("two_factor_setup"), {"code": "000000"}).status_code == 200
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code delays the next try by a second; skip the wait
    assert client.post(reverse("two_factor_setup"), {"code": current_code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


def test_writers_are_not_forced(client, writer, settings):
    settings.OTP_REQUIRED_FOR_EDITORS = True
    client.force_login(writer)
    assert client.get("/admin/").status_code == 200


def test_two_factor_is_optional_by_default(client, editor):
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200


# Service health -----------------------------------------------------------------------


def test_check_services_reports_every_service():
    out = StringIO()
    call_command("check_services", stdout=out)
    text = out.getvalue()
    for name in ("database", "cache", "media"):
        assert f"{name}" in text and "FAILED" not in text


def test_check_services_fails_when_a_service_fails(monkeypatch):
    from articles import health

    def broken():
        raise ConnectionError("cache server gone")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("check_services", stdout=out)
    assert exit_info.value.code == 1
    assert "FAILED" in out.getvalue() and "cache server gone" in out.getvalue()


def test_healthz_uses_the_same_checks(client, monkeypatch):
    from articles import health

    body = client.get("/healthz").json()
    assert body == {"status": "ok", "database": "ok", "cache": "ok", "media": "ok"}
    monkeypatch.setitem(health.CHECKS, "media", lambda: (_ for _ in ()).throw(OSError("disk full")))
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["media"] == "unavailable"
    assert "disk full" not in response.content.decode()


# Logging ---------------------------------------------------------------------------------


def test_one_log_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="newsroom.request"):
        client.get("/?page=1")
    records = [record for record in caplog.records if record.name == "newsroom.request"]
    assert len(records) == 1
    record = records[0]
    assert (record.method, record.path, record.status) == ("GET", "/", 200)
    assert record.duration_ms >= 0


def test_json_log_format():
    import json

    from newsroom.requestlog import JsonFormatter

    record = logging.LogRecord("newsroom.request", logging.INFO, __file__, 1, "GET / 200", None, None)
    record.method, record.path, record.status, record.duration_ms = "GET", "/", 200, 1.5
    entry = json.loads(JsonFormatter().format(record))
    assert entry["status"] == 200 and entry["path"] == "/" and entry["level"] == "INFO"


def test_server_errors_use_the_site_design(client, monkeypatch):
    from articles import views

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(views.ArticleListView, "get_queryset", boom)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "site-header" in response.content.decode() and "kaboom" not in response.content.decode()


# Hostile input ----------------------------------------------------------------------------

HOSTILE_VALUES = [
    "", "0", "-1", "99999999999999999999", "1e9", "NaN", "x" * 5000, "%00", "%ff%fe", "../../etc/passwd",
    "' OR '1'='1", "1; DROP TABLE articles_article;--", "{{ settings.SECRET_KEY }}", "{% debug %}",
    "<script>alert(1)</script>", "%E8%8A%AF%E7%89%87", "芯片", "\u202e", "%c0%af",
]  # fmt: skip

PUBLIC_PATTERNS = [
    "/?page={}",
    "/articles/{}/",
    "/articles/1/{}/",
    "/sections/{}/",
    "/sections/{}/feed/",
    "/tags/{}/",
    "/tags/{}/feed/",
    "/authors/{}/",
    "/archive/{}/",
    "/archive/2026/{}/",
    "/search/?q={}",
    "/search/?q=芯片&page={}",
    "/preview/shared/{}/",
    "/sitemap-articles.xml?p={}",
    "/sitemap-{}.xml",
    "/{}",
]


@pytest.fixture
def some_content(db):
    section = CategoryFactory(name="金融")
    ArticleFactory(title="芯片", categories=[section], authors=[AuthorFactory()], tags=["芯片"])


def assert_handled(client, url):
    response = client.get(url)
    assert response.status_code in (200, 301, 302, 400, 404, 410), (url, response.status_code)
    if response.status_code in (400, 404):
        assert "site-header" in response.content.decode(), url


@pytest.mark.parametrize("pattern", PUBLIC_PATTERNS)
def test_public_urls_survive_hostile_values(client, some_content, pattern):
    client.raise_request_exception = False
    for value in HOSTILE_VALUES:
        assert_handled(client, pattern.format(value))


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pattern=st.sampled_from(PUBLIC_PATTERNS), value=st.text(min_size=0, max_size=60))
def test_public_urls_survive_random_values(client, some_content, pattern, value):
    from urllib.parse import quote

    client.raise_request_exception = False
    assert_handled(client, pattern.format(quote(value, safe="")))


def test_invalid_utf8_in_the_path(client, some_content):
    client.raise_request_exception = False
    for path in ["/tags/%ff%fe/", "/sections/%c3%28/", "/authors/%e2%82/"]:
        assert client.get(path).status_code in (400, 404)


def test_admin_forms_survive_hostile_values(admin_client):
    for value in ["x" * 100000, "'; DROP TABLE x;--", "{{ 7*7 }}", "-1", "99999999999999999999"]:
        response = admin_client.get("/admin/articles/article/", {"q": value, "p": value})
        assert response.status_code in (200, 302, 400)
    response = admin_client.post("/admin/articles/category/add/", {"name": "x\x00y", "position": "-5"})
    assert response.status_code == 400
    response = admin_client.post("/admin/articles/category/add/", {"name": "x" * 1000, "position": "99999999999"})
    assert response.status_code == 200  # redisplayed with errors, nothing saved
    from articles.models import Category

    assert not Category.objects.exists()
