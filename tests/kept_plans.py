"""How many plans psycopg has kept on the test's PostgreSQL connection (onestop/prepared.py)."""

from django.db import connection


def kept_plans(fragment: str) -> int:
    """The plans prepared by the protocol (not by SQL PREPARE) whose statement holds `fragment`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE NOT from_sql AND statement LIKE %s",
            [f"%{fragment}%"],
        )
        return cursor.fetchone()[0]
