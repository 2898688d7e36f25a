"""Refusals of the registry, each with a stable code and a Thai + English message."""

from __future__ import annotations

from eoffice.common.exceptions import ApplicationError


class RegistryError(ApplicationError):
    code = "registry_invalid"


class NotAllowed(ApplicationError):
    status_code = 403
    code = "not_allowed"


class Conflict(ApplicationError):
    status_code = 409
    code = "conflict"
