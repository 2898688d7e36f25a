"""Walls for the registry tables (RLS with FORCE on every tenant table; amendments append-only) and
the injectable database clock ``eoffice_now()``."""

from django.db import migrations

from documents.models.clock import CLOCK_FUNCTION_REVERSE_SQL, CLOCK_FUNCTION_SQL
from tenants.db import EnableTenantRLS, MakeAppendOnly

TENANT_TABLES = [
    "documents_letter",
    "documents_letterparty",
    "documents_secretgrant",
    "documents_book",
    "documents_bookcounter",
    "documents_registryentry",
    "documents_entryamendment",
    "documents_filekey",
    "documents_storedfile",
    "documents_mailbox",
    "documents_mailboxmessage",
    "documents_mailboxattachment",
]


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        *[EnableTenantRLS(t) for t in TENANT_TABLES],
        MakeAppendOnly("documents_entryamendment"),
        migrations.RunSQL(CLOCK_FUNCTION_SQL, CLOCK_FUNCTION_REVERSE_SQL),
    ]
