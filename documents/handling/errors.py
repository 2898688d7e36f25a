"""Refusals of the handling flow, each with a stable code and a Thai + English message."""

from __future__ import annotations

from documents.registry.errors import Conflict, NotAllowed
from eoffice.common.exceptions import ApplicationError


class HandlingError(ApplicationError):
    code = "handling_invalid"


class WrongState(Conflict):
    """An invalid transition: the letter (or this holding) is not where the action needs it."""

    code = "wrong_state"


__all__ = ["Conflict", "HandlingError", "NotAllowed", "WrongState"]
