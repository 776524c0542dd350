"""Dates in every form Hexo and the feeds it was fed from write them."""

import datetime as dt
import re
from email.utils import parsedate_to_datetime

_ISO_LIKE = re.compile(
    r"""^\s*(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})
        (?:[T\s]+(?P<hour>\d{1,2}):(?P<minute>\d{1,2})(?::(?P<second>\d{1,2})(?:\.(?P<fraction>\d{1,6}))?)?)?
        \s*(?P<zone>Z|[+-]\d{2}:?\d{2})?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_FILENAME_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})-")
# Outside these, a "date" is a generator's placeholder (e.g. year 0900), not news.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


class DateError(ValueError):
    pass


def parse_date(value, tz):
    """An aware datetime from a front-matter value.

    ``value`` is what YAML produced: a datetime, a date or a string.
    Values without an offset are in ``tz`` (Hexo uses the site's time zone).
    """
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip() and len(value) < 100:
        result = _parse_string(value.strip())
    else:
        raise DateError(f"not a date: {value!r}")
    if result.tzinfo is None:
        result = result.replace(tzinfo=tz)
    if not EARLIEST_YEAR <= result.year <= LATEST_YEAR:
        raise DateError(f"implausible date: {value!r}")
    return result


def _parse_string(text):
    match = _ISO_LIKE.match(text)
    if match:
        parts = match.groupdict()
        try:
            result = dt.datetime(
                int(parts["year"]),
                int(parts["month"]),
                int(parts["day"]),
                int(parts["hour"] or 0),
                int(parts["minute"] or 0),
                int(parts["second"] or 0),
                int((parts["fraction"] or "0").ljust(6, "0")),
            )
        except ValueError as error:
            raise DateError(f"impossible date {text!r}: {error}") from None
        if parts["zone"]:
            result = result.replace(tzinfo=_zone(parts["zone"]))
        return result
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        raise DateError(f"unreadable date: {text!r}") from None


def _zone(text):
    if text.upper() == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def date_from_filename(name, tz):
    """The ``YYYY-MM-DD-`` prefix of Hexo and Jekyll file names, or None."""
    match = _FILENAME_DATE.match(name)
    if not match:
        return None
    try:
        return dt.datetime(int(match["year"]), int(match["month"]), int(match["day"]), tzinfo=tz)
    except ValueError as error:
        raise DateError(f"impossible date in the file name {name!r}: {error}") from None
