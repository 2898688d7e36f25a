"""Background jobs of the agency (JOBS_VIEW) and the pipeline check (enqueue ``diagnostics.noop``)."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tenants import selectors
from tenants.api.views._common import PAGE_PARAMS, TenantApi, api_schema, check_id, page_of, paginate, require
from tenants.roles import Action
from tenants.services.jobs import job_enqueue


class JobOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField(help_text="pending, dispatched, running, done or failed")
    status_label = serializers.CharField(source="get_status_display")
    attempts = serializers.IntegerField()
    max_attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField()
    result = serializers.JSONField(allow_null=True)


class JobsApi(TenantApi):
    @api_schema(
        operation_id="jobs_list", summary="งานเบื้องหลังของหน่วยงาน (background jobs)", tags=["jobs"],
        responses={200: page_of("JobsPage", JobOutputSerializer)}, parameters=PAGE_PARAMS, errors=(401, 403, 404),
        description="Needs jobs.view. Newest first.",
    )
    def get(self, request: Request, agency: str) -> Response:
        require(request, Action.JOBS_VIEW)
        return paginate(request, self, selectors.jobs_list(tenant_id=request.tenant.pk), JobOutputSerializer)


class JobDetailApi(TenantApi):
    @api_schema(
        operation_id="job_detail", summary="สถานะงานเบื้องหลัง (job detail)", tags=["jobs"],
        responses={200: JobOutputSerializer},
    )
    def get(self, request: Request, agency: str, job_id: int) -> Response:
        require(request, Action.JOBS_VIEW)
        job = selectors.job_get(tenant_id=request.tenant.pk, job_id=check_id(job_id))
        return Response(JobOutputSerializer(job).data)


class JobsDiagnosticsApi(TenantApi):
    @api_schema(
        operation_id="jobs_diagnostics", summary="ส่งงานตรวจระบบเข้าคิว (enqueue diagnostics.noop)", tags=["jobs"],
        request=None, responses={202: JobOutputSerializer}, errors=(401, 403),
        description="Needs jobs.view. The job is handed to the workers after this request commits; poll job_detail.",
    )
    def post(self, request: Request, agency: str) -> Response:
        require(request, Action.JOBS_VIEW)
        job = job_enqueue(tenant_id=request.tenant.pk, kind="diagnostics.noop")
        return Response(JobOutputSerializer(job).data, status=status.HTTP_202_ACCEPTED)
