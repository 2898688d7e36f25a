"""Django admin: read-only on everything. Writes go through services (audit, rules)."""

from __future__ import annotations

from django.contrib import admin

from tenants import models as m


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return bool(request.user.is_active and getattr(request.user, "is_system_admin", False))

    def has_module_permission(self, request):  # type: ignore[no-untyped-def]
        return self.has_view_permission(request)


@admin.register(m.Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ("name_th", "slug", "kind", "province", "district", "letter_code", "letter_number", "is_active")
    list_filter = ("kind", "province", "is_active")
    search_fields = ("name_th", "slug")


@admin.register(m.User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "display_name_th", "is_active", "is_system_admin")
    search_fields = ("username", "first_name_th", "last_name_th")
    exclude = ("password",)


for model in (m.Supervision, m.OrgUnit, m.Position, m.Membership, m.PositionAssignment, m.RoleGrant, m.Job,
              m.AuditEvent, m.SystemAuditEvent):
    admin.site.register(model, ReadOnlyAdmin)
