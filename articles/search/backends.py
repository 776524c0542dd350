"""The search index on each database: SQLite FTS5, PostgreSQL tsvector + GIN.

Both store our own tokens (see ``tokens.py``), so neither database has to
know Chinese: FTS5's ``ascii`` tokenizer only splits them at spaces, and
PostgreSQL gets a ready-made ``tsvector`` literal, bypassing its parser and
the database's locale.

Each indexed article has a row in ``articles_search`` (its id, its sort key
and the text its snippets are cut from), and its tokens are kept in
publication order by that sort key (see ``documents.py``): the FTS5 table's
rowid on SQLite, a B-tree on PostgreSQL. A query then asks for keys in a
range, newest first, and reads only as many matches as it needs.

The backends write two statements for a query: how many of its newest
matches are ranked, and how many of those have the words in the title
(``window_sql``); and one page of them, with what a result shows
(``page_sql``). They also add and remove documents.
"""

from collections import defaultdict

from django.db import connection

from .tokens import index_text, index_tokens

TABLE = "articles_search"
FTS_TABLE = "articles_search_fts"
SMALLEST_KEY = -(2**63)


def backend():
    return PostgresIndex() if connection.vendor == "postgresql" else SqliteIndex()


class SqliteIndex:
    create_sql = [
        f"CREATE TABLE IF NOT EXISTS {TABLE} ("
        "article_id integer PRIMARY KEY, sort_key integer NOT NULL UNIQUE, plain text NOT NULL)",
        # No column sizes: nothing ranks by BM25.
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        "title, summary, body, tokenize='ascii', columnsize=0)",
    ]
    drop_sql = [f"DROP TABLE IF EXISTS {FTS_TABLE}", f"DROP TABLE IF EXISTS {TABLE}"]
    query_settings = []
    # FTS5 writes its pending terms out as a new segment when they pass this
    # many bytes (1 MB by default) and at each commit: a batch of a rebuild
    # then becomes one segment instead of dozens that must be merged.
    pending_bytes = 64 * 1024 * 1024

    def reset(self, cursor):
        """An empty index (dropping the tables is much faster than deleting
        every row of a large FTS5 table)."""
        for statement in self.drop_sql + self.create_sql:
            cursor.execute(statement)
        try:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('hashsize', %s)", [self.pending_bytes])
        except Exception:  # an older SQLite without the option: rebuilding is only slower
            pass

    def finish(self, cursor):
        """After a rebuild (nothing to do: FTS5 merges its segments as it goes)."""

    def add(self, cursor, documents):
        """Index ``documents`` (none of them indexed yet)."""
        self.insert(cursor, self.rows(documents))

    @staticmethod
    def rows(documents):
        """What ``insert`` writes for ``documents`` (no database needed: a
        rebuild makes them in other processes)."""
        # FTS5 keeps its pending terms while rowids ascend; a lower rowid
        # would write them out first.
        documents = sorted(documents, key=lambda document: document.sort_key)
        return [
            (d.article_id, d.sort_key, d.plain, index_text(d.title), index_text(d.summary), index_text(d.body))
            for d in documents
        ]

    def insert(self, cursor, rows):
        cursor.executemany(
            f"INSERT INTO {TABLE} (article_id, sort_key, plain) VALUES (%s, %s, %s)", [row[:3] for row in rows]
        )
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title, summary, body) VALUES (%s, %s, %s, %s)",
            [(row[1], *row[3:]) for row in rows],
        )

    def remove(self, cursor, article_ids):
        ids = [[pk] for pk in article_ids]
        cursor.executemany(
            f"DELETE FROM {FTS_TABLE} WHERE rowid = (SELECT sort_key FROM {TABLE} WHERE article_id = %s)", ids
        )
        cursor.executemany(f"DELETE FROM {TABLE} WHERE article_id = %s", ids)

    def match(self, phrases, *, title_only=False):
        expression = " AND ".join(_fts_phrase(phrase) for phrase in phrases)
        return f"title : ({expression})" if title_only else expression

    def _hits(self, part):
        """Matching keys in (low, high], newest first (``part``: see ``_match``)."""
        return (
            f"SELECT rowid AS sort_key FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            "AND rowid > %s AND rowid <= %s ORDER BY rowid DESC"
        )

    def _match(self, phrases, part):
        """The query's parameters for ``part``: ``"title"`` (the words are in
        the title), ``"rest"`` (they are, but not in the title) or ``"any"``."""
        anywhere = self.match(phrases)
        if part == "title":
            return self.match(phrases, title_only=True)
        if part == "rest":
            return f"({anywhere}) NOT {self.match(phrases, title_only=True)}"
        return anywhere

    def window_sql(self, phrases, newest, limit):
        """``(matches, title_matches, lowest)`` among the ``limit`` newest
        matches with keys up to ``newest``; ``matches`` is ``limit + 1`` when
        there are more, and ``lowest`` is then the key below the window."""
        sql = (
            f"WITH hits AS ({self._hits('any')} LIMIT %s), "
            "edge AS (SELECT count(*) AS matches, min(sort_key) AS lowest FROM hits) "
            f"SELECT matches, (SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid <= %s "
            "AND rowid > CASE WHEN matches > %s THEN lowest ELSE %s END), lowest FROM edge"
        )
        params = [self._match(phrases, "any"), SMALLEST_KEY, newest, limit + 1,
                  self._match(phrases, "title"), newest, limit, SMALLEST_KEY]  # fmt: skip
        return sql, params

    def page_sql(self, phrases, parts, low, newest, now):
        """One page's articles: ``parts`` is a list of (part, limit, offset)."""
        arms, params = [], []
        for number, (part, limit, offset) in enumerate(parts):
            hits = f"{self._hits(part)} LIMIT %s OFFSET %s"
            arms.append(f"SELECT * FROM (SELECT {number} AS part, sort_key FROM ({hits}))")
            params += [self._match(phrases, part), low, newest, limit, offset]
        # CROSS JOIN keeps the page's few keys the outer loop (SQLite would
        # rather walk the published articles by date).
        sql = (
            "SELECT a.id, a.title, a.slug, a.published_at, s.plain "
            f"FROM ({' UNION ALL '.join(arms)}) AS p "
            f"CROSS JOIN {TABLE} s ON s.sort_key = p.sort_key CROSS JOIN articles_article a ON a.id = s.article_id "
            "WHERE a.status = 'published' AND a.published_at <= %s "
            "ORDER BY p.part, p.sort_key DESC"
        )
        return sql, params + [now]


class PostgresIndex:
    table_sql = [
        f"CREATE TABLE IF NOT EXISTS {TABLE} ("
        # No foreign key: the signals remove entries, searches join on the
        # articles anyway, and the table must not block TRUNCATE of articles.
        "article_id bigint PRIMARY KEY, sort_key bigint NOT NULL, "
        # The title alone, so "the words are in the title" reads a few bytes,
        # not the whole document.
        "title tsvector NOT NULL, document tsvector NOT NULL, plain text NOT NULL)",
        # Documents and snippets go to TOAST storage and titles stay in the
        # row, so finding which matches have the words in the title reads a
        # small table instead of decompressing documents.
        f"ALTER TABLE {TABLE} SET (toast_tuple_target = 128)",
        f"ALTER TABLE {TABLE} ALTER COLUMN title SET STORAGE MAIN",
    ]
    index_sql = [
        f"CREATE UNIQUE INDEX IF NOT EXISTS {TABLE}_sort_key ON {TABLE} (sort_key)",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE} USING gin (document)",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_title ON {TABLE} USING gin (title)",
    ]
    create_sql = table_sql + index_sql
    drop_sql = [f"DROP TABLE IF EXISTS {TABLE}"]
    # The planner cannot see that testing a row's document means fetching and
    # decompressing it, and may prefer scanning the whole table to the GIN
    # index (which reads only the matches): a search's statements run with
    # that scan off.
    query_settings = ["SET LOCAL enable_seqscan = off"]

    def reset(self, cursor):
        """An empty table without its indexes: building them once the rows
        are in is much faster than keeping them up to date row by row."""
        for statement in self.drop_sql + self.table_sql:
            cursor.execute(statement)

    def finish(self, cursor):
        """After a rebuild: the indexes, and statistics for the planner."""
        for statement in self.index_sql:
            cursor.execute(statement)
        cursor.execute(f"ANALYZE {TABLE}")

    def add(self, cursor, documents):
        self.insert(cursor, self.rows(documents))

    @staticmethod
    def rows(documents):
        """See ``SqliteIndex.rows``."""
        return [
            (d.article_id, d.sort_key, _tsvector([d.title]), _tsvector([d.title, d.summary, d.body]), d.plain)
            for d in documents
        ]

    def insert(self, cursor, rows):
        cursor.executemany(
            f"INSERT INTO {TABLE} (article_id, sort_key, title, document, plain) "
            "VALUES (%s, %s, %s::tsvector, %s::tsvector, %s)",
            rows,
        )

    def remove(self, cursor, article_ids):
        cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = ANY(%s)", [list(article_ids)])

    def match(self, phrases):
        return " & ".join(_ts_phrase(phrase) for phrase in phrases)

    def _hits(self, part):
        condition = {
            "any": "document @@ %s::tsquery",
            # A phrase in the title is a phrase of the document too.
            "title": "title @@ %s::tsquery",
            "rest": "document @@ %s::tsquery AND NOT (title @@ %s::tsquery)",
        }[part]
        return (
            f"SELECT sort_key FROM {TABLE} WHERE {condition} "
            "AND sort_key > %s AND sort_key <= %s ORDER BY sort_key DESC"
        )

    def _match(self, phrases, part):
        query = self.match(phrases)
        return [query, query] if part == "rest" else [query]

    def window_sql(self, phrases, newest, limit):
        """See ``SqliteIndex.window_sql``."""
        # The title test is made on the matches found, whose small title
        # column is read with them anyway.
        sql = (
            f"WITH hits AS (SELECT sort_key, title @@ %s::tsquery AS in_title FROM {TABLE} "
            "WHERE document @@ %s::tsquery AND sort_key <= %s ORDER BY sort_key DESC LIMIT %s), "
            "edge AS (SELECT count(*) AS matches, min(sort_key) AS lowest FROM hits) "
            "SELECT matches, (SELECT count(*) FROM hits WHERE in_title AND (matches <= %s OR sort_key > lowest)), "
            "lowest FROM edge"
        )
        query = self.match(phrases)
        return sql, [query, query, newest, limit + 1, limit]

    def page_sql(self, phrases, parts, low, newest, now):
        """See ``SqliteIndex.page_sql``."""
        arms, params = [], []
        for number, (part, limit, offset) in enumerate(parts):
            arms.append(f"(SELECT {number} AS part, sort_key FROM ({self._hits(part)} LIMIT %s OFFSET %s) AS hits)")
            params += [*self._match(phrases, part), low, newest, limit, offset]
        sql = (
            "SELECT a.id, a.title, a.slug, a.published_at, s.plain "
            f"FROM ({' UNION ALL '.join(arms)}) AS p "
            f"JOIN {TABLE} s ON s.sort_key = p.sort_key JOIN articles_article a ON a.id = s.article_id "
            "WHERE a.status = 'published' AND a.published_at <= %s "
            "ORDER BY p.part, p.sort_key DESC"
        )
        return sql, params + [now]


def _fts_phrase(phrase):
    # Tokens are letters and digits only, so they need no escaping inside quotes.
    if phrase.prefix:
        return f'"{phrase.tokens[0]}"*'
    return '"' + " ".join(phrase.tokens) + '"'


def _ts_quote(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _ts_phrase(phrase):
    if phrase.prefix:
        return f"{_ts_quote(phrase.tokens[0])}:*"
    return "(" + " <-> ".join(_ts_quote(token) for token in phrase.tokens) + ")"


# PostgreSQL keeps positions up to 16383; later ones share the last position.
_MAX_POSITION = 16383


def _tsvector(fields):
    """A tsvector literal: each token with its positions.

    Tokens are letters and digits only (``tokens.py``), so quoting them
    needs no escapes.
    """
    positions = defaultdict(list)
    position = 1
    for text in fields:
        tokens = index_tokens(text)
        if position + len(tokens) <= _MAX_POSITION:
            for place, token in enumerate(tokens, position):
                positions[token].append(place)
        else:
            for place, token in enumerate(tokens, position):
                positions[token].append(min(place, _MAX_POSITION))
        position += len(tokens) + 1  # a gap, so phrases do not span fields
    return " ".join(f"'{token}':{','.join(map(str, places[:256]))}" for token, places in positions.items())
