"""The date archives' month counts, counted once per content version.

The archive lists every month that has published articles, with their
number. Grouping every published row by month costs a pass over the table
with a time-zone conversion per row (a Python function per row on SQLite):
3.5 s at a million articles, on every request. Instead each month is
counted as one range of the ``(status, published_at)`` index
(``Article.objects.live_between``), from the newest month down to the
oldest, and the counts are kept in the cache until the content changes.
"""

import datetime as dt

from django.utils import timezone

from .counts import kept
from .models import Article


def month_counts(version, year=None):
    """``[(first moment of the month, number of articles), ...]``, newest
    first, in the site's time zone; the whole archive or one ``year``."""
    tz = timezone.get_current_timezone()
    return kept(f"articles:archive:{version}:{tz}:{year or 'all'}", lambda: count_months(tz, year))


def month_start(year, month, tz):
    """The first moment of ``month``; months past December roll into the next year."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.datetime(year, month, 1, tzinfo=tz)


def count_months(tz, year=None):
    if year is None:
        published = Article.objects.published()
    else:
        published = Article.objects.live_between(month_start(year, 1, tz), month_start(year, 13, tz))
    times = published.order_by("published_at").values_list("published_at", flat=True)
    first, last = times.first(), times.last()  # an index lookup each
    if first is None:
        return []
    first, last = first.astimezone(tz), last.astimezone(tz)
    counts = []
    year, month = last.year, last.month
    while (year, month) >= (first.year, first.month):
        start = month_start(year, month, tz)
        count = Article.objects.live_between(start, month_start(year, month + 1, tz)).count()
        if count:
            counts.append((start, count))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return counts
