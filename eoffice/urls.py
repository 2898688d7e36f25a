from django.contrib import admin
from django.urls import include, path

from tenants.api.views.docs import api_docs

urlpatterns = [
    path("", include("tenants.web.urls")),
    path("", include("documents.web.urls")),
    path("api/v1/", include("tenants.api.urls")),
    path("api/v1/", include("documents.api.urls")),
    path("api/docs/", api_docs, name="api-docs"),
    path("admin/", admin.site.urls),
]

handler400 = "tenants.web.views.errors.bad_request"
handler403 = "tenants.web.views.errors.permission_denied"
handler404 = "tenants.web.views.errors.page_not_found"
handler500 = "tenants.web.views.errors.server_error"
