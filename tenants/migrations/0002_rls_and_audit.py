"""Wall 4: RLS with FORCE and both policies on every tenant table; append-only audit tables."""

from django.db import migrations

from tenants.db import POLICY_FUNCTIONS_REVERSE_SQL, POLICY_FUNCTIONS_SQL, EnableTenantRLS, MakeAppendOnly

TENANT_TABLES = [
    "tenants_orgunit",
    "tenants_position",
    "tenants_positionassignment",
    "tenants_rolegrant",
    "tenants_auditevent",
    "tenants_auditchainhead",
    "tenants_job",
    "tenants_apitoken",
]


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [
        migrations.RunSQL(POLICY_FUNCTIONS_SQL, POLICY_FUNCTIONS_REVERSE_SQL),
        *[EnableTenantRLS(t) for t in TENANT_TABLES],
        # A user may read their own memberships in every agency (agency chooser) — nothing else.
        EnableTenantRLS("tenants_membership", extra_read_using="user_id = eoffice_current_user_id()"),
        MakeAppendOnly("tenants_auditevent"),
        MakeAppendOnly("tenants_systemauditevent"),
    ]
