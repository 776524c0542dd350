"""Loaded by pytest before Django (``-p newsroom.testing`` in pyproject.toml).

The tests need a secret key; production settings refuse to start without
one, so give the test run a throwaway key unless the environment has one.
"""

import os

os.environ.setdefault("SECRET_KEY", "insecure-key-for-the-test-suite-only")
# The test client speaks plain HTTP; the HTTPS redirect has its own tests.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# Static files come from the finders; the suite does not run collectstatic.
os.environ.setdefault("STATIC_HASHED_NAMES", "0")
# Most tests look at freshly rendered pages; the page cache has its own tests.
os.environ.setdefault("PAGE_CACHE", "0")

# Keep the test run's file cache away from the one `make run` uses.
if not os.environ.get("REDIS_URL"):
    import tempfile

    os.environ.setdefault("CACHE_DIR", tempfile.mkdtemp(prefix="newsroom-test-cache-"))
