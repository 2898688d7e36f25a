"""Helpers shared by the registry and handling views (no queries of their own)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse

from documents.files.services import FileRejected, PreparedFile, file_discard_prepared, file_prepare
from documents.models import Book, FileRole, FileState, StoredFile
from documents.registry import selectors, services
from eoffice.common.exceptions import ApplicationError
from tenants.roles import Action
from tenants.web.forms import ThaiFirstForm
from tenants.web.views._common import render_page

DEFAULTS_KEY = "registry.defaults"
PREVIEW_PDF = "application/pdf"
PREVIEW_IMAGES = frozenset({"image/jpeg", "image/png"})


def preview_file(files: Sequence[StoredFile]) -> StoredFile | None:
    """The file to show in a letter's page: the working copy (the newest stamped copy, with the notes and
    endorsements appended when there are any), else the original, else any PDF/image."""
    usable = [f for f in files if f.state == FileState.OK and (f.content_type == PREVIEW_PDF
                                                               or f.content_type in PREVIEW_IMAGES)]
    current = selectors.working_copy_of(usable)
    if current is not None:
        return current
    order = {FileRole.STAMPED: 0, FileRole.ORIGINAL: 1, FileRole.PREVIEW: 2}
    usable.sort(key=lambda f: (order.get(f.role, 3), f.sort_order, f.pk))
    return usable[0] if usable else None


def visible_books(request: HttpRequest) -> list[Book]:
    return selectors.books_visible(request.actor, tenant_id=request.tenant.pk)


def issuable(request: HttpRequest, books: Iterable[Book]) -> list[Book]:
    return [b for b in books if b.is_active and services.can_issue(request.actor, b)]


def incoming_books(request: HttpRequest) -> list[Book]:
    """Books the actor may register a received letter in: central first, then unit books, the secret register."""
    return [b for b in issuable(request, visible_books(request)) if b.is_incoming or b.is_secret]


def outgoing_books(request: HttpRequest) -> list[Book]:
    return [b for b in issuable(request, visible_books(request)) if not (b.is_incoming or b.is_secret)]


def fail_or_status(exc: ApplicationError) -> int:
    """A refusal the form can show (400, 409, 410 …) → its status; 403 / 404 go to the error page
    (audited by the middleware) by re-raising."""
    if exc.status_code in (403, 404):
        raise exc
    return exc.status_code


def prepare_uploads(form: ThaiFirstForm, uploads: Sequence[Any]) -> list[PreparedFile] | None:
    """Check, encrypt and store each upload before the registration transaction. A refused file puts its
    message on the form (and nothing stays stored): returns None."""
    prepared: list[PreparedFile] = []
    for upload in uploads:
        try:
            prepared.append(file_prepare(upload, upload.name))
        except FileRejected as exc:
            discard(prepared)
            form.add_application_error(exc)
            return None
    return prepared


def discard(prepared: Sequence[PreparedFile]) -> None:
    for p in prepared:
        file_discard_prepared(p)


def remembered(request: HttpRequest, form_name: str) -> dict[str, str]:
    """The clerk's last choices on this form (kind, channel, book) for this agency, from the session."""
    per_agency = request.session.get(DEFAULTS_KEY, {}).get(request.tenant.slug, {})
    return dict(per_agency.get(form_name, {}))


def remember(request: HttpRequest, form_name: str, values: dict[str, str]) -> None:
    store = dict(request.session.get(DEFAULTS_KEY, {}))
    per_agency = dict(store.get(request.tenant.slug, {}))
    per_agency[form_name] = {k: str(v) for k, v in values.items() if v not in (None, "")}
    store[request.tenant.slug] = per_agency
    request.session[DEFAULTS_KEY] = store


def query_without(request: HttpRequest, *drop: str) -> str:
    q = request.GET.copy()
    for name in drop:
        q.pop(name, None)
    return q.urlencode()


def render_registry(request: HttpRequest, template: str, ctx: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """``render_page`` plus what the registry's toolbar needs (the actions this actor may take)."""
    mine = issuable(request, visible_books(request))
    toolbar = {
        "tb_incoming": any(b.is_incoming or b.is_secret for b in mine),
        "tb_outgoing": any(not (b.is_incoming or b.is_secret) for b in mine),
        "tb_mailbox": request.actor.can(Action.REGISTRY_CENTRAL_WRITE),
    }
    return render_page(request, template, {**toolbar, **ctx}, status=status)
