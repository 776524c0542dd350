"""gunicorn settings for `make run` and `make serve` (override with GUNICORN_CMD_ARGS)."""

import os

from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
# Read the settings (only the settings: no apps, so a reload still picks up new
# code) in the master process, so a missing SECRET_KEY stops the server at
# once with its one-sentence message instead of failing every worker.
settings.SECRET_KEY  # noqa: B018

wsgi_app = "newsroom.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Sync workers: gunicorn's rule of thumb (2 per core + 1), capped for small hosts.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 9)))
worker_class = "sync"
timeout = 30
graceful_timeout = 10
# The app logs one line per request itself (newsroom.requestlog), with timing.
accesslog = "-" if os.environ.get("ACCESS_LOG", "0") == "1" else None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
