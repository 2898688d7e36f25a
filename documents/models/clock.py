"""The injectable database clock.

Every registry time comes from the SQL function ``eoffice_now()``: ``clock_timestamp()`` unless this
one-row table holds an override (then the override plus the time elapsed since it was set, so time
still moves). Only the owner role can write the table; the app role reads it. Tests of the year
boundary set it as the owner (no Python time freezer can move the database's clock).
"""

from __future__ import annotations

from django.db import models


class ClockOverride(models.Model):
    id = models.SmallIntegerField(primary_key=True, default=1)
    fixed_at = models.DateTimeField(help_text="the time eoffice_now() reported when the override was set")
    set_at = models.DateTimeField(help_text="clock_timestamp() when the override was set")

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="clockoverride_single_row")]


CLOCK_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION eoffice_now() RETURNS timestamptz
    LANGUAGE sql VOLATILE AS
$$ SELECT COALESCE(
       (SELECT o.fixed_at + (clock_timestamp() - o.set_at) FROM documents_clockoverride o WHERE o.id = 1),
       clock_timestamp()) $$;
"""
CLOCK_FUNCTION_REVERSE_SQL = "DROP FUNCTION IF EXISTS eoffice_now();"
