"""Due dates for assigned work, counted on the agency's working-day calendar (docs/calendar.md): the
urgency's number of working days (``EOFFICE_DUE_WORKING_DAYS``), brought forward to the letter's ด่วนภายใน
deadline when that is sooner. The assigner may type another date; this is the default they see."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from documents.models import Letter
from tenants.selectors_calendar import due_date

BANGKOK = ZoneInfo("Asia/Bangkok")


def working_days_for(urgency: str) -> int:
    table = settings.EOFFICE_DUE_WORKING_DAYS
    return int(table.get(urgency, table.get("001", 10)))


def default_due_on(*, tenant_id: int, letter: Letter, start: dt.date | None = None) -> dt.date:
    start = start or timezone.localdate()
    due = due_date(tenant_id=tenant_id, start=start, working_days=working_days_for(letter.urgency))
    if letter.deliver_by is not None:
        deadline = letter.deliver_by.astimezone(BANGKOK).date()
        due = max(start, min(due, deadline))
    return due
