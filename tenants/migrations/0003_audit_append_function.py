"""``eoffice_audit_append``: append one event to a tenant's audit chain in one call.

The caller (``tenants.services.audit._append_tenant``) builds the event's canonical payload with the
sequence number left open (the text ends ``"seq":"\\ue002"}``: a private-use code point in the one
key that sorts last); here, under the chain head's row lock, the number is put in, the hash is
``sha256(prev_hash || "\\n" || payload)`` exactly as ``tenants.services.audit.chain_hash`` computes it,
and the event and the head move together. It also records the locked head in the transaction-local
``eoffice.audit_heads`` marker (``audit_record_now`` reads it). SECURITY INVOKER: RLS applies as for
the separate statements it replaces (lock, then insert + head update: two round trips).
"""

from django.db import migrations

FUNCTION_SQL = r"""
CREATE OR REPLACE FUNCTION eoffice_audit_append(p_tenant bigint, p_template text, p_row jsonb) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS
$fn$
DECLARE
    prev_seq  bigint;
    prev_hash text;
    n         bigint;
    payload   text;
    h         text;
BEGIN
    SELECT seq, hash INTO prev_seq, prev_hash FROM tenants_auditchainhead WHERE tenant_id = p_tenant FOR UPDATE;
    IF NOT FOUND THEN  -- the chain's first event
        INSERT INTO tenants_auditchainhead (tenant_id, seq, hash) VALUES (p_tenant, 0, repeat('0', 64))
            ON CONFLICT (tenant_id) DO NOTHING;
        SELECT seq, hash INTO prev_seq, prev_hash FROM tenants_auditchainhead WHERE tenant_id = p_tenant FOR UPDATE;
    END IF;
    PERFORM set_config('eoffice.audit_heads',
                       COALESCE(current_setting('eoffice.audit_heads', true), '') || ',' || p_tenant || ',', true);
    n := prev_seq + 1;
    IF right(p_template, 10) <> '"seq":"' || chr(57346) || '"}' THEN
        RAISE EXCEPTION 'audit payload template does not end with the open seq';
    END IF;
    payload := left(p_template, -10) || '"seq":' || n || '}';
    h := encode(sha256(convert_to(prev_hash || E'\n' || payload, 'UTF8')), 'hex');
    INSERT INTO tenants_auditevent (tenant_id, seq, prev_hash, hash, actor_id, acting_for, action, object_type,
                                    object_id, changes, ip, created_at)
    VALUES (p_tenant, n, prev_hash, h, (p_row->>'actor_id')::bigint, p_row->>'acting_for', p_row->>'action',
            p_row->>'object_type', p_row->>'object_id', p_row->'changes', (p_row->>'ip')::inet,
            (p_row->>'created_at')::timestamptz);
    UPDATE tenants_auditchainhead SET seq = n, hash = h WHERE tenant_id = p_tenant;
    RETURN n;
END
$fn$;
"""

REVERSE_SQL = "DROP FUNCTION IF EXISTS eoffice_audit_append(bigint, text, jsonb);"


class Migration(migrations.Migration):
    dependencies = [("tenants", "0002_rls_and_audit")]

    operations = [migrations.RunSQL(FUNCTION_SQL, REVERSE_SQL)]
