"""The file cache culls now and then, not on every write."""

import pytest

from newsroom.filecache import FileCache


@pytest.fixture
def small_cache(tmp_path):
    return FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}})


def test_writes_do_not_list_the_directory_each_time(small_cache, monkeypatch):
    listings = []
    original = small_cache._list_cache_files
    monkeypatch.setattr(small_cache, "_list_cache_files", lambda: listings.append(1) or original())
    for number in range(30):
        small_cache.set(f"key{number}", number)
    assert len(listings) == 1
    assert small_cache.get("key29") == 29


def test_a_full_cache_is_still_culled(small_cache, monkeypatch):
    for number in range(30):
        small_cache.set(f"key{number}", number)
    assert len(small_cache._list_cache_files()) == 30  # over the limit until the next look
    monkeypatch.setattr(small_cache, "_next_cull", 0.0)  # a minute later
    small_cache.set("one-more", 1)
    assert len(small_cache._list_cache_files()) <= 16  # half culled, then the new entry
