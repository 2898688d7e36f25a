"""The user's own API tokens in this agency: create (the secret is shown once) and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from eoffice.common.exceptions import ApplicationError
from tenants import selectors
from tenants.roles import Action
from tenants.services.tokens import api_token_create, api_token_revoke
from tenants.web.forms import TokenCreateForm
from tenants.web.views._common import render_page, require


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request: HttpRequest, agency: str) -> HttpResponse:
    require(request, Action.TOKENS_OWN)
    tenant, membership = request.tenant, request.membership
    form = TokenCreateForm(request.POST if request.method == "POST" else None)
    issued = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                issued = api_token_create(
                    tenant_id=tenant.pk, actor_id=request.actor.user_id, membership=membership,
                    name=form.cleaned_data["name"], days=form.cleaned_data["days"],
                )
            except ApplicationError as exc:
                form.add_application_error(exc)
                status = 400
            else:
                form = TokenCreateForm()  # the secret is on this page only; nothing to re-submit
        else:
            status = 400
    ctx = {
        "tokens": list(selectors.api_tokens_of_membership(tenant_id=tenant.pk, membership_id=membership.pk)),
        "form": form,
        "issued": issued,
        "now": timezone.now(),
    }
    return render_page(request, "web/tokens.html", ctx, status=status)


@require_POST
def token_revoke(request: HttpRequest, agency: str, token_id: int) -> HttpResponse:
    require(request, Action.TOKENS_OWN)
    tenant = request.tenant
    token = selectors.api_token_get(tenant_id=tenant.pk, membership_id=request.membership.pk, token_id=token_id)
    api_token_revoke(tenant_id=tenant.pk, actor_id=request.actor.user_id, token=token)
    messages.success(request, _("เพิกถอนโทเค็น “%(name)s” แล้ว") % {"name": token.name})
    return redirect("tokens", agency=tenant.slug)
