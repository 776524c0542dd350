"""The optional services: skipped when absent, except in CI where they must answer."""

import os
import socket

import pytest
from django.core.cache.backends.redis import RedisCache

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def reachable(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require(host, port, what):
    if reachable(host, port):
        return
    message = f"{what} is not reachable at {host}:{port}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (required in CI)")
    pytest.skip(message)


def test_redis_cache_round_trip():
    require("127.0.0.1", 6379, "Redis")
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "newsroom-test"})
    cache.set("greeting", {"text": "你好"}, timeout=30)
    assert cache.get("greeting") == {"text": "你好"}
    cache.delete("greeting")
    assert cache.get("greeting") is None


def test_postgresql_answers():
    require("127.0.0.1", 5432, "PostgreSQL")
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=5) as connection:
        assert connection.execute("SELECT 1").fetchone() == (1,)
