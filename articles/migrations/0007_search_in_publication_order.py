"""The search index in publication order, with the title apart on PostgreSQL.

The index is rebuilt here from the published articles (at a million articles
this takes a few minutes; ``manage.py rebuild_search_index`` does the same).
"""

from django.db import migrations

# The index as 0005 made it, for going back (rebuild it with that code).
OLD_SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_search USING fts5("
    "title, summary, body, plain UNINDEXED, tokenize='unicode61 remove_diacritics 0')"
]
OLD_POSTGRES = [
    "CREATE TABLE IF NOT EXISTS articles_search ("
    "article_id bigint PRIMARY KEY, document tsvector NOT NULL, plain text NOT NULL)",
    "CREATE INDEX IF NOT EXISTS articles_search_document ON articles_search USING gin (document)",
]


def _index(connection):
    from articles.search.backends import PostgresIndex, SqliteIndex

    return PostgresIndex if connection.vendor == "postgresql" else SqliteIndex


def rebuild_index(apps, schema_editor):
    from articles import search

    index = _index(schema_editor.connection)
    # The old index is one table named articles_search, as is the new one's
    # first table: drop it before making the new ones.
    schema_editor.execute("DROP TABLE IF EXISTS articles_search")
    for statement in index.drop_sql + index.create_sql:
        schema_editor.execute(statement)
    search.rebuild(articles=apps.get_model("articles", "Article").objects)


def restore_old_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in _index(schema_editor.connection).drop_sql:
        schema_editor.execute(statement)
    for statement in OLD_POSTGRES if vendor == "postgresql" else OLD_SQLITE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_images")]

    operations = [migrations.RunPython(rebuild_index, restore_old_index)]
