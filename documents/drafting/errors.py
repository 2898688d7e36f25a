"""Refusals of the drafting flow, each with a stable code and a Thai + English message."""

from __future__ import annotations

from documents.registry.errors import Conflict, NotAllowed
from eoffice.common.exceptions import ApplicationError


class DraftingError(ApplicationError):
    code = "drafting_invalid"


class WrongState(Conflict):
    """An invalid transition: the draft is not where the action needs it."""

    code = "wrong_state"


__all__ = ["Conflict", "DraftingError", "NotAllowed", "WrongState"]
