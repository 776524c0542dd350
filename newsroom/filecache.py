"""The file cache, culled now and then instead of on every write."""

import time

from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    """Django's file cache, which lists its whole directory on every write to
    see whether it is full: a few milliseconds at thousands of entries, tens
    at its limit. Here each process looks at most once a ``CULL_SECONDS``,
    so the directory may pass ``MAX_ENTRIES`` by what is written meanwhile.
    """

    CULL_SECONDS = 60.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._next_cull = 0.0

    def _cull(self):
        now = time.monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + self.CULL_SECONDS
        super()._cull()
