"""The API, version 1. Every agency route lives under ``a/<agency>/`` (the middleware resolves it and
checks the membership); the schema is global. Names are prefixed ``api-``; object kwargs are named for
what they hold (unit_id, position_id, membership_id, token_id, job_id)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from tenants.api.views import agencies, audit, calendar, jobs, me, members, org, tokens

A = "a/<slug:agency>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(A + "me/", me.MeApi.as_view(), name="api-me"),
    path(A + "agency/", me.AgencyApi.as_view(), name="api-agency"),
    path(A + "org/units/", org.OrgUnitsApi.as_view(), name="api-org-units"),
    path(A + "org/units/<int:unit_id>/", org.OrgUnitDetailApi.as_view(), name="api-org-unit-detail"),
    path(A + "org/positions/", org.PositionsApi.as_view(), name="api-positions"),
    path(A + "org/positions/<int:position_id>/", org.PositionDetailApi.as_view(), name="api-position-detail"),
    path(A + "members/", members.MembersApi.as_view(), name="api-members"),
    path(A + "members/<int:membership_id>/", members.MemberDetailApi.as_view(), name="api-member-detail"),
    path(A + "members/<int:membership_id>/revoke/", members.MemberRevokeApi.as_view(), name="api-member-revoke"),
    path(A + "calendar/", calendar.CalendarApi.as_view(), name="api-calendar"),
    path(A + "calendar/holidays/", calendar.AgencyHolidaysApi.as_view(), name="api-calendar-holidays"),
    path(A + "calendar/holidays/<int:holiday_id>/", calendar.AgencyHolidayDetailApi.as_view(),
         name="api-calendar-holiday"),
    path(A + "calendar/national/", calendar.NationalHolidaysApi.as_view(), name="api-calendar-national"),
    path(A + "calendar/national/fill/", calendar.NationalFillApi.as_view(), name="api-calendar-national-fill"),
    path(A + "calendar/national/<int:holiday_id>/", calendar.NationalHolidayDetailApi.as_view(),
         name="api-calendar-national-holiday"),
    path(A + "tokens/", tokens.TokensApi.as_view(), name="api-tokens"),
    path(A + "tokens/<int:token_id>/revoke/", tokens.TokenRevokeApi.as_view(), name="api-token-revoke"),
    path(A + "audit/events/", audit.AuditEventsApi.as_view(), name="api-audit-events"),
    path(A + "jobs/", jobs.JobsApi.as_view(), name="api-jobs"),
    path(A + "jobs/diagnostics/", jobs.JobsDiagnosticsApi.as_view(), name="api-jobs-diagnostics"),
    path(A + "jobs/<int:job_id>/", jobs.JobDetailApi.as_view(), name="api-job-detail"),
    path(A + "supervised/", agencies.AgenciesSupervisedApi.as_view(), name="api-agencies-supervised"),
    path(A + "agencies/", agencies.AgencyCreateApi.as_view(), name="api-agency-create"),
]
