from django.urls import include, path

from tenants.web.views import agencies, audit, auth, calendar, home, jobs, members, org, tokens

A = "a/<slug:agency>/"

urlpatterns = [
    # global
    path("", auth.home_root, name="home-root"),
    path("accounts/login/", auth.login_view, name="login"),
    path("accounts/logout/", auth.logout_view, name="logout"),
    path("agencies/", auth.agency_choose, name="agency-choose"),
    path("healthz", auth.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language
    # one agency
    path(A, home.agency_home, name="agency-home"),
    path(A + "org/units/", org.org_units, name="org-units"),
    path(A + "org/units/<int:unit_id>/", org.org_unit_detail, name="org-unit-detail"),
    path(A + "org/positions/", org.positions, name="positions"),
    path(A + "org/positions/<int:position_id>/", org.position_detail, name="position-detail"),
    path(A + "members/", members.members, name="members"),
    path(A + "members/<int:membership_id>/", members.member_detail, name="member-detail"),
    path(A + "calendar/", calendar.calendar, name="calendar"),
    path(A + "calendar/holidays/<int:holiday_id>/remove/", calendar.calendar_holiday_remove, name="calendar-holiday-remove"),
    path(A + "calendar/national/", calendar.calendar_national, name="calendar-national"),
    path(A + "calendar/national/fill/", calendar.calendar_national_fill, name="calendar-national-fill"),
    path(A + "calendar/national/<int:holiday_id>/remove/", calendar.calendar_national_remove,
         name="calendar-national-remove"),
    path(A + "audit/", audit.audit_log, name="audit-log"),
    path(A + "jobs/", jobs.jobs, name="jobs"),
    path(A + "jobs/diagnostics/", jobs.jobs_diagnostics, name="jobs-diagnostics"),
    path(A + "jobs/<int:job_id>/status/", jobs.job_status, name="job-status"),
    path(A + "tokens/", tokens.tokens, name="tokens"),
    path(A + "tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token-revoke"),
    path(A + "supervised/", agencies.agencies_supervised, name="agencies-supervised"),
    path(A + "agencies/new/", agencies.agency_create, name="agency-create"),
]
