"""Fresh statistics for PostgreSQL's planner after a bulk write.

The planner reads a table's size from its last ANALYZE. Autovacuum runs one a minute or so
after a large write, and never sees rows not yet committed: a table analyzed while nearly
empty, then filled with thousands of events in one transaction, is joined as if it held a
row — by nested loops that ran for over ten minutes on 5,000 events (the pair's filter
choices). The bulk writers (TimelineJS import, synthetic data) analyze what they wrote, in
their transaction, so the queries after them are planned on the real sizes.
"""

from django.db import connection


def analyze(*models):
    """ANALYZE the models' tables (PostgreSQL; SQLite's planner needs nothing here)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def analyze_events():
    """The tables an event's bulk write fills: the events, their links and sources."""
    from .models import Event, Participation, Source

    analyze(
        Event,
        Event.countries.through,
        Event.about.through,
        Event.disputes.through,
        Event.tags.through,
        Participation,
        Source,
    )
