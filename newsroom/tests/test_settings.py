"""Settings read from the environment, checked in fresh processes."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def run(code_or_args, **env):
    """Run manage.py (a list) or Python code (a str) with exactly ``env`` on top of a bare environment."""
    base = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    args = [sys.executable, "manage.py", *code_or_args] if isinstance(code_or_args, list) else [sys.executable, "-c", code_or_args]
    return subprocess.run(args, cwd=BASE_DIR, env={**base, **env}, capture_output=True, text=True, timeout=60)


SHOW_SETTINGS = """
import django, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({"engine": db["ENGINE"], "name": str(db["NAME"]), "options": db.get("OPTIONS", {}),
                  "cache": settings.CACHES["default"]["BACKEND"], "debug": settings.DEBUG,
                  "tz": settings.TIME_ZONE, "lang": settings.LANGUAGE_CODE}))
"""


def test_missing_secret_key_refuses_to_start_with_one_sentence():
    result = run(["check"], DEBUG="0")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SECRET_KEY" in lines[0]


def test_app_server_refuses_to_start_without_secret_key():
    gunicorn = Path(sys.executable).parent / "gunicorn"
    base = {"PATH": os.environ["PATH"], "DEBUG": "0"}
    result = subprocess.run(
        [str(gunicorn), "-c", "python:newsroom.gunicorn", "--check-config"],
        cwd=BASE_DIR, env=base, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_debug_runs_without_secret_key():
    assert run(["check"], DEBUG="1").returncode == 0


def test_defaults_are_embedded_sqlite_in_var(tmp_path):
    result = run(SHOW_SETTINGS, SECRET_KEY="x", CACHE_DIR=str(tmp_path))
    shown = json.loads(result.stdout)
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["name"] == str(BASE_DIR / "var" / "db.sqlite3")
    assert shown["options"]["transaction_mode"] == "IMMEDIATE"
    assert shown["debug"] is False
    assert shown["tz"] == "Asia/Shanghai" and shown["lang"] == "zh-hans"
    assert shown["cache"] == "newsroom.filecache.FileCache"


def test_database_url_switches_to_postgresql():
    result = run(SHOW_SETTINGS, SECRET_KEY="x", DATABASE_URL="postgres://news:pw@db.example:5432/newsroom")
    shown = json.loads(result.stdout)
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["name"] == "newsroom"


def test_redis_url_switches_the_cache_to_redis():
    result = run(SHOW_SETTINGS, SECRET_KEY="x", REDIS_URL="redis://127.0.0.1:6379/3")
    assert json.loads(result.stdout)["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    code = SHOW_SETTINGS.split("from django.conf")[0] + """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode"); mode = cursor.fetchone()[0]
    cursor.execute("PRAGMA busy_timeout"); timeout = cursor.fetchone()[0]
print(mode, timeout)
"""
    result = run(code, SECRET_KEY="x", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", CACHE_DIR=str(tmp_path))
    assert result.stdout.split() == ["wal", "20000"], result.stderr


def test_production_settings_pass_the_deployment_check(tmp_path):
    result = run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="news.example.com",
        CACHE_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.django_db
def test_security_headers_on_every_response(client):
    for url in ["/", "/healthz", "/no-such-page/", "/admin/login/"]:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        script_policy = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_policy and "'unsafe-eval'" not in script_policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_https_redirect_when_enabled(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
