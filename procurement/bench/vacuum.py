"""VACUUM ANALYZE before timing: what autovacuum would have done by now.

A server with autovacuum off (as on this workplace's machines) keeps every dead row version of
the fairness simulation's rolled-back updates (each run rewrites the products' sort figure and
the partners' sales thousands of times) and of big migrations (`settlement/0002` rewrote every
invoice): scans then walk through them (the 40th listing page touched 27,000 buffers for 961
rows) and every page looks slower than it is. The benchmark vacuums the tables whose dead rows
pass a fifth of their live ones, and says which.
"""

from django.db import connection

DEAD_SHARE = 0.2
MIN_DEAD = 1000


def bloated_tables() -> list[tuple[str, int, int]]:
    """(table, live rows, dead rows) of this database's tables that autovacuum would vacuum."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT relname, n_live_tup, n_dead_tup FROM pg_stat_user_tables
                WHERE n_dead_tup >= %s AND n_dead_tup > %s * GREATEST(n_live_tup, 1)
                ORDER BY n_dead_tup DESC""",
            [MIN_DEAD, DEAD_SHARE],
        )
        return [(name, int(live), int(dead)) for name, live, dead in cursor.fetchall()]


def vacuum_bloated(stdout) -> list[str]:
    """VACUUM ANALYZE each bloated table (outside any transaction); returns their names."""
    tables = bloated_tables()
    if not tables or not connection.get_autocommit():
        return []
    with connection.cursor() as cursor:
        for name, live, dead in tables:
            stdout.write(f"VACUUM ANALYZE {name} ({dead:,} dead rows beside {live:,} live ones)")
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(name)}")
    return [name for name, _live, _dead in tables]
