"""The caller's own API tokens in this agency: list, create (the secret is answered once), revoke."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tenants import selectors
from tenants.api.views._common import TenantApi, api_schema, check_id, require
from tenants.roles import Action
from tenants.services.tokens import api_token_create, api_token_revoke


class TokenOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    key_id = serializers.CharField(help_text="The public part of the token (eo_<key_id>_…).")
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True, help_text="Updated at most every 5 minutes.")
    is_usable = serializers.SerializerMethodField()

    def get_is_usable(self, obj) -> bool:  # type: ignore[no-untyped-def]
        return obj.revoked_at is None and obj.expires_at > timezone.now()


class TokensApi(TenantApi):
    class CreateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100, help_text="What the token is for.")
        days = serializers.IntegerField(
            min_value=1, max_value=365, required=False, allow_null=True, default=None,
            help_text="Lifetime in days (1-365; default from EOFFICE_API_TOKEN_DAYS).",
        )

    class CreateOutputSerializer(TokenOutputSerializer):
        secret = serializers.CharField(
            help_text="The whole token, `eo_<key_id>_<secret>`. Shown in this answer only; only a hash is kept."
        )

    @api_schema(
        operation_id="tokens_list", summary="โทเค็น API ของฉันในหน่วยงานนี้ (my tokens)", tags=["tokens"],
        responses={200: TokenOutputSerializer(many=True)}, errors=(401, 403),
    )
    def get(self, request: Request, agency: str) -> Response:
        require(request, Action.TOKENS_OWN)
        rows = selectors.api_tokens_of_membership(tenant_id=request.tenant.pk, membership_id=request.membership.pk)
        return Response(TokenOutputSerializer(rows, many=True).data)

    @api_schema(
        operation_id="tokens_create", summary="สร้างโทเค็น API (create a token; the secret is shown once)",
        tags=["tokens"], request=CreateInputSerializer, responses={201: CreateOutputSerializer}, errors=(400, 401, 403),
    )
    def post(self, request: Request, agency: str) -> Response:
        require(request, Action.TOKENS_OWN)
        s = self.CreateInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        issued = api_token_create(
            tenant_id=request.tenant.pk, actor_id=request.actor.user_id, membership=request.membership,
            name=s.validated_data["name"], days=s.validated_data["days"],
        )
        issued.token.secret = issued.secret
        response = Response(self.CreateOutputSerializer(issued.token).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response


class TokenRevokeApi(TenantApi):
    @api_schema(
        operation_id="token_revoke", summary="เพิกถอนโทเค็น API (revoke one of my tokens)", tags=["tokens"],
        request=None, responses={200: TokenOutputSerializer},
        description="Only the caller's own tokens; another member's token id answers 404 like a random id.",
    )
    def post(self, request: Request, agency: str, token_id: int) -> Response:
        require(request, Action.TOKENS_OWN)
        tenant = request.tenant
        token = selectors.api_token_get(tenant_id=tenant.pk, membership_id=request.membership.pk, token_id=check_id(token_id))
        api_token_revoke(tenant_id=tenant.pk, actor_id=request.actor.user_id, token=token)
        return Response(TokenOutputSerializer(token).data)
