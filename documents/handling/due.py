"""Due dates for assigned work, counted on the agency's working-day calendar (docs/calendar.md):

1. the agency's first active ``DueRule`` matching the letter (kind, urgency, sender agency), else the
   urgency's number of working days (``EOFFICE_DUE_WORKING_DAYS``);
2. brought forward to the letter's ด่วนภายใน deadline, and to the sender's reply deadline the clerk
   recorded on the handling (``Handling.reply_by``), when either is sooner — never before today.

The assigner may type another date; this is the default they see."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from documents.models import DueRule, Letter
from tenants.selectors_calendar import due_date

BANGKOK = ZoneInfo("Asia/Bangkok")


def working_days_for(urgency: str) -> int:
    table = settings.EOFFICE_DUE_WORKING_DAYS
    return int(table.get(urgency, table.get("001", 10)))


def rule_for(*, tenant_id: int, letter: Letter) -> DueRule | None:
    """The agency's first active rule whose conditions match the letter (empty conditions match any)."""
    rules = list(DueRule.objects.filter(tenant_id=tenant_id, is_active=True))
    if not rules:
        return None
    sender_agency = letter.parties.filter(role="from").values_list("agency_id", flat=True).first()
    for rule in rules:
        if rule.letter_kinds and letter.kind not in rule.letter_kinds:
            continue
        if rule.urgencies and letter.urgency not in rule.urgencies:
            continue
        if rule.sender_agency_id and rule.sender_agency_id != sender_agency:
            continue
        return rule
    return None


def default_due_on(*, tenant_id: int, letter: Letter, start: dt.date | None = None,
                   reply_by: dt.date | None = None) -> dt.date:
    start = start or timezone.localdate()
    rule = rule_for(tenant_id=tenant_id, letter=letter)
    days = rule.working_days if rule is not None else working_days_for(letter.urgency)
    due = due_date(tenant_id=tenant_id, start=start, working_days=days)
    deadlines = [reply_by] if reply_by is not None else []
    if letter.deliver_by is not None:
        deadlines.append(letter.deliver_by.astimezone(BANGKOK).date())
    if deadlines:
        due = max(start, min([due, *deadlines]))
    return due
