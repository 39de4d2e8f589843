"""Health of the parts the site needs to answer requests."""

from django.db import connection


def database_status() -> str:
    """'ok' when the database answers a trivial query, else the error class name."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not ok"; the class name says which
        return f"error: {type(exc).__name__}"
    return "ok"
