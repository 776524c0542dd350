"""The search index on each database: SQLite FTS5, PostgreSQL tsvector + GIN.

Both store our own tokens (see ``tokens.py``), so neither database has to
know Chinese: FTS5's ``unicode61`` tokenizer only splits them at spaces, and
PostgreSQL gets a ready-made ``tsvector`` literal, bypassing its parser and
the database's locale. Each holds the title, summary and body (weighted, so a
title match can rank first) and the plain text for snippets.
"""

from django.db import connection

from .tokens import index_tokens

TABLE = "articles_search"


def backend():
    return PostgresIndex() if connection.vendor == "postgresql" else SqliteIndex()


class SqliteIndex:
    create_sql = [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
        "title, summary, body, plain UNINDEXED, tokenize='unicode61 remove_diacritics 0')"
    ]
    drop_sql = [f"DROP TABLE IF EXISTS {TABLE}"]

    def upsert(self, cursor, article_id, title, summary, body, plain):
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [article_id])
        cursor.execute(
            f"INSERT INTO {TABLE} (rowid, title, summary, body, plain) VALUES (%s, %s, %s, %s, %s)",
            [article_id, _joined(title), _joined(summary), _joined(body), plain],
        )

    def remove(self, cursor, article_ids):
        cursor.executemany(f"DELETE FROM {TABLE} WHERE rowid = %s", [[pk] for pk in article_ids])

    def clear(self, cursor):
        cursor.execute(f"DELETE FROM {TABLE}")

    def match(self, phrases, *, title_only=False):
        expression = " AND ".join(_fts_phrase(phrase) for phrase in phrases)
        return f"title : ({expression})" if title_only else expression

    def hits_sql(self, limit):
        """The newest ``limit`` matches' ids (newest by row id: a walk down the index)."""
        return f"SELECT rowid AS id FROM {TABLE} WHERE {TABLE} MATCH %s ORDER BY rowid DESC LIMIT {int(limit)}"

    def snippets_sql(self, count):
        marks = ", ".join(["%s"] * count)
        return f"SELECT rowid, plain FROM {TABLE} WHERE rowid IN ({marks})"


class PostgresIndex:
    create_sql = [
        f"CREATE TABLE IF NOT EXISTS {TABLE} ("
        # No foreign key: the signals remove entries, searches join on the
        # articles anyway, and the table must not block TRUNCATE of articles.
        "article_id bigint PRIMARY KEY, "
        "document tsvector NOT NULL, plain text NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE} USING gin (document)",
    ]
    drop_sql = [f"DROP TABLE IF EXISTS {TABLE}"]

    def upsert(self, cursor, article_id, title, summary, body, plain):
        cursor.execute(
            f"INSERT INTO {TABLE} (article_id, document, plain) VALUES (%s, %s::tsvector, %s) "
            "ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document, plain = EXCLUDED.plain",
            [article_id, _tsvector([(title, "A"), (summary, "B"), (body, "D")]), plain],
        )

    def remove(self, cursor, article_ids):
        cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = ANY(%s)", [list(article_ids)])

    def clear(self, cursor):
        cursor.execute(f"DELETE FROM {TABLE}")

    def match(self, phrases, *, title_only=False):
        weight = "A" if title_only else ""
        return " & ".join(_ts_phrase(phrase, weight) for phrase in phrases)

    def hits_sql(self, limit):
        """The newest ``limit`` matches' ids (the GIN index finds them)."""
        return f"SELECT article_id AS id FROM {TABLE} WHERE document @@ %s::tsquery ORDER BY article_id DESC LIMIT {int(limit)}"

    def snippets_sql(self, count):
        marks = ", ".join(["%s"] * count)
        return f"SELECT article_id, plain FROM {TABLE} WHERE article_id IN ({marks})"


def _joined(text):
    return " ".join(index_tokens(text))


def _fts_phrase(phrase):
    # Tokens are letters and digits only, so they need no escaping inside quotes.
    if phrase.prefix:
        return f'"{phrase.tokens[0]}"*'
    return '"' + " ".join(phrase.tokens) + '"'


def _ts_quote(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _ts_phrase(phrase, weight):
    if phrase.prefix:
        return f"{_ts_quote(phrase.tokens[0])}:*{weight}"
    suffix = f":{weight}" if weight else ""
    return "(" + " <-> ".join(_ts_quote(token) + suffix for token in phrase.tokens) + ")"


# PostgreSQL keeps positions up to 16383; later ones share the last position.
_MAX_POSITION = 16383


def _tsvector(fields):
    """A tsvector literal: each token with its positions and the field's weight."""
    positions = {}
    position = 0
    for text, weight in fields:
        for token in index_tokens(text):
            position = min(position + 1, _MAX_POSITION)
            positions.setdefault((token, weight), []).append(position)
        position = min(position + 1, _MAX_POSITION)  # a gap, so phrases do not span fields
    parts = []
    for (token, weight), places in positions.items():
        parts.append(_ts_quote(token) + ":" + ",".join(f"{place}{weight}" for place in places[:256]))
    return " ".join(parts)
