"""The full-text index: an FTS5 table on SQLite, a tsvector + GIN table on PostgreSQL."""

from django.db import migrations


def create_index(apps, schema_editor):
    from articles.search.backends import PostgresIndex, SqliteIndex

    index = PostgresIndex if schema_editor.connection.vendor == "postgresql" else SqliteIndex
    for statement in index.create_sql:
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    from articles.search.backends import PostgresIndex, SqliteIndex

    index = PostgresIndex if schema_editor.connection.vendor == "postgresql" else SqliteIndex
    for statement in index.drop_sql:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_review_queue")]

    operations = [migrations.RunPython(create_index, drop_index)]
