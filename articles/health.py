"""Health of the services the site depends on: database, cache, media storage.

Used by ``manage.py check_services`` and ``/healthz``.
"""

import logging
import time
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

logger = logging.getLogger(__name__)


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise RuntimeError("SELECT 1 did not return 1")
    return connection.vendor


def check_cache():
    key, value = f"health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise RuntimeError("a value written to the cache did not come back")
    finally:
        cache.delete(key)
    return cache.__class__.__name__


def check_media():
    name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as stored:
            if stored.read() != b"ok":
                raise RuntimeError("a file written to media storage did not read back")
    finally:
        default_storage.delete(name)
    return default_storage.__class__.__name__


CHECKS = {"database": check_database, "cache": check_cache, "media": check_media}


def run_checks():
    """``{name: {"ok": bool, "detail": str, "ms": float}}`` for every service."""
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail, ok = check(), True
        except Exception as error:  # any failure means "unhealthy", with its reason
            logger.exception("Health check %s failed", name)
            detail, ok = f"{type(error).__name__}: {error}", False
        results[name] = {"ok": ok, "detail": str(detail), "ms": round((time.perf_counter() - started) * 1000, 1)}
    return results
