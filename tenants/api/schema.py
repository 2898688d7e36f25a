"""OpenAPI generation (drf-spectacular): component names from the view holding a nested serializer
(``OrgUnitsApi.CreateInputSerializer`` → ``OrgUnitsCreateInput``;
nested deeper: ``MeApi.OutputSerializer.UserSerializer`` → ``MeOutputUser``), so the HackSoft-style nested
``InputSerializer``/``OutputSerializer`` classes never collide."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema


class TenantAutoSchema(AutoSchema):
    def get_serializer_name(self, serializer, direction):  # type: ignore[no-untyped-def]
        qualname = type(serializer).__qualname__
        if "." in qualname and "<locals>" not in qualname:
            return "".join(part.removesuffix("Api").removesuffix("Serializer") for part in qualname.split("."))
        return super().get_serializer_name(serializer, direction)
