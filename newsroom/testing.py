"""Loaded by pytest before Django (``-p newsroom.testing`` in pyproject.toml).

The tests need a secret key; production settings refuse to start without
one, so give the test run a throwaway key unless the environment has one.
"""

import os

os.environ.setdefault("SECRET_KEY", "insecure-key-for-the-test-suite-only")

# Keep the test run's file cache away from the one `make run` uses.
if not os.environ.get("REDIS_URL"):
    import tempfile

    os.environ.setdefault("CACHE_DIR", tempfile.mkdtemp(prefix="newsroom-test-cache-"))
