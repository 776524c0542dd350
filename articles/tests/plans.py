"""Query plans, as the plan tests read them on either database."""

from django.db import connection


def explain(sql, params=None, *, settings=()):
    """The steps of ``sql``'s plan (one line of PostgreSQL's EXPLAIN, or one
    detail of SQLite's EXPLAIN QUERY PLAN, each), after the PostgreSQL
    planner ``settings`` statements."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in settings:
                cursor.execute(statement)
            cursor.execute("EXPLAIN " + sql, params)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [str(row[3]) for row in cursor.fetchall()]
