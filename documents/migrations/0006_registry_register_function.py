"""``eoffice_registry_register(p jsonb)``: the numbered insert of a registration in one call.

Every numbered registration (incoming, unit, secret register, outgoing, reservation) used to cost
about 20 round trips, each parsed and planned anew; this function does the database part in one,
with plans cached per connection. It runs as the caller (SECURITY INVOKER), so the RLS policies
apply to every row it touches exactly as they did to the separate statements. In order:

1. the idempotency key: an entry already made with it is returned as ``{"existing": id}``;
2. the letter and its parties (when ``p.letter`` is given; else ``p.letter_id`` or none);
3. the book row lock (``FOR NO KEY UPDATE``), then ONE reading of ``eoffice_now()``, the book year
   from it (พ.ศ., Asia/Bangkok; fiscal books from 1 October), the counter upsert;
4. the printed reference: the caller formats everything but the number and year (U+E000 and
   U+E001, private-use code points, stand in for them: ``numbering.reference_template``), the
   digits are put in here (Thai digits if the agency prints them; the normalised form always Arabic);
5. the entry (received time = the same reading when ``received_now``), its new files (a FileKey and
   a StoredFile each), uploaded files attached (``attach``: ids the caller has locked, with their
   order) and an optional job row (its args get ``entry_id``; ``{entry}`` in its key is the id;
   its status as ``tenants.services.jobs.job_row`` says);
6. the audit event (``audit``: from ``tenants.services.audit.audit_event_for_sql``, with the value
   slots U+E003/U+E004/U+E005 as ``object_id`` and the changes' ``year`` and ``number``): the slots
   are filled in, then ``eoffice_audit_append`` puts it on the agency's chain.

Steps 2-6 run in one block: a unique violation undoes all of them (letter, counter, files), then a
concurrent twin with the same key is returned as ``{"existing": id}`` and a taken reference as
``{"reference_taken": "..."}``; the caller's transaction stays usable either way. Anything else is
raised. Documented in docs/registry.md §1.
"""

from django.db import migrations

FUNCTION_SQL = r"""
CREATE OR REPLACE FUNCTION eoffice_registry_register(p jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS
$fn$
DECLARE
    t_id     bigint := (p->>'tenant')::bigint;
    b_id     bigint := (p->>'book')::bigint;
    u_id     bigint := (p->>'user')::bigint;
    idem     text   := p->>'key';
    l        jsonb  := p->'letter';
    e        jsonb  := p->'entry';
    j        jsonb  := p->'job';
    a        jsonb  := p->'audit';
    a_tmpl   text;
    a_row    jsonb;
    l_id     bigint := (p->>'letter_id')::bigint;
    found_id bigint;
    now_     timestamptz;
    local_   timestamp;
    yr       integer;
    num      integer;
    num_txt  text;
    yr_txt   text;
    ref      text;
    ref_norm text;
    e_id     bigint;
    k_id     bigint;
    f_id     bigint;
    f        jsonb;
    f_ids    bigint[] := '{}';
    k_ids    bigint[] := '{}';
    n_att    integer;
    job_id   bigint;
    cname    text;
    l_made   timestamptz;
BEGIN
    IF idem IS NOT NULL THEN
        SELECT id INTO found_id FROM documents_registryentry WHERE tenant_id = t_id AND idempotency_key = idem;
        IF found_id IS NOT NULL THEN
            RETURN jsonb_build_object('existing', found_id);
        END IF;
    END IF;
    BEGIN
        IF l IS NOT NULL AND jsonb_typeof(l) = 'object' THEN
            INSERT INTO documents_letter (
                tenant_id, kind, sub_kind, subject, letter_reference, letter_reference_norm, letter_date,
                refers_to, enclosures, purpose, urgency, deliver_by, secrecy, is_sealed, extra, created_at,
                created_by_id, sender_display, recipient_display)
            VALUES (
                t_id, l->>'kind', l->>'sub_kind', l->>'subject', l->>'letter_reference', l->>'letter_reference_norm',
                (l->>'letter_date')::date, l->>'refers_to', l->>'enclosures', l->>'purpose', l->>'urgency',
                (l->>'deliver_by')::timestamptz, l->>'secrecy', (l->>'is_sealed')::boolean, l->'extra',
                clock_timestamp(), u_id, l->>'sender_display', l->>'recipient_display')
            RETURNING id, created_at INTO l_id, l_made;
            INSERT INTO documents_letterparty (
                tenant_id, letter_id, role, agency_id, unit_id, position_id, name, address, email, sort_order)
            SELECT t_id, l_id, x.role, x.agency_id, x.unit_id, x.position_id, x.name, x.address, x.email, x.sort_order
              FROM jsonb_to_recordset(COALESCE(p->'parties', '[]'::jsonb)) AS x(
                   role text, agency_id bigint, unit_id bigint, position_id bigint, name text, address text,
                   email text, sort_order smallint);
        END IF;

        PERFORM 1 FROM documents_book WHERE id = b_id AND tenant_id = t_id FOR NO KEY UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'book % not found in this tenant', b_id USING ERRCODE = 'no_data_found';
        END IF;
        now_ := eoffice_now();
        local_ := now_ AT TIME ZONE 'Asia/Bangkok';
        yr := extract(year FROM local_)::integer + 543
              + CASE WHEN (p->>'fiscal')::boolean AND extract(month FROM local_) >= 10 THEN 1 ELSE 0 END;
        INSERT INTO documents_bookcounter (tenant_id, book_id, year, last_number) VALUES (t_id, b_id, yr, 1)
            ON CONFLICT (book_id, year) DO UPDATE SET last_number = documents_bookcounter.last_number + 1
            RETURNING last_number INTO num;

        num_txt := num::text;
        yr_txt := yr::text;
        ref := replace(replace(COALESCE(p->>'ref_tmpl', ''), chr(57344), num_txt), chr(57345), yr_txt);
        IF (p->>'thai_digits')::boolean THEN
            ref := translate(ref, '0123456789', '๐๑๒๓๔๕๖๗๘๙');
        END IF;
        ref_norm := replace(replace(COALESCE(p->>'ref_norm_tmpl', ''), chr(57344), num_txt), chr(57345), yr_txt);

        INSERT INTO documents_registryentry (
            tenant_id, book_id, year, number, reference, reference_norm, status, registered_at, received_at,
            channel, digest, idempotency_key, note, annul_reason, created_by_id, letter_id, parent_id)
        VALUES (
            t_id, b_id, yr, num, ref, ref_norm, e->>'status', now_,
            CASE WHEN (e->>'received_now')::boolean THEN now_ ELSE (e->>'received_at')::timestamptz END,
            e->>'channel', e->>'digest', idem, e->>'note', '', u_id, l_id, (e->>'parent_id')::bigint)
        RETURNING id INTO e_id;

        FOR f IN SELECT value FROM jsonb_array_elements(COALESCE(p->'files', '[]'::jsonb)) LOOP
            INSERT INTO documents_filekey (tenant_id, wrapped_key, master_key_id, created_at, destroyed_reason)
            VALUES (t_id, decode(f->>'wrapped_key', 'base64'), f->>'master_key_id', now_, '')
            RETURNING id INTO k_id;
            INSERT INTO documents_storedfile (
                tenant_id, letter_id, role, storage_name, original_name, content_type, size, sha256, key_id,
                state, problem, flags, created_at, created_by_id, sort_order)
            VALUES (
                t_id, l_id, f->>'role', f->>'storage_name', f->>'original_name', f->>'content_type',
                (f->>'size')::bigint, f->>'sha256', k_id, f->>'state', f->>'problem', f->'flags', now_,
                u_id, (f->>'sort_order')::smallint)
            RETURNING id INTO f_id;
            f_ids := f_ids || f_id;
            k_ids := k_ids || k_id;
        END LOOP;
        IF jsonb_array_length(COALESCE(p->'attach', '[]'::jsonb)) > 0 THEN
            UPDATE documents_storedfile s SET letter_id = l_id, sort_order = a.sort_order
              FROM jsonb_to_recordset(p->'attach') AS a(id bigint, sort_order smallint)
             WHERE s.id = a.id AND s.tenant_id = t_id AND s.letter_id IS NULL;
            GET DIAGNOSTICS n_att = ROW_COUNT;
            IF n_att <> jsonb_array_length(p->'attach') THEN
                RAISE EXCEPTION 'uploaded files not found in this tenant' USING ERRCODE = 'no_data_found';
            END IF;
        END IF;

        IF j IS NOT NULL AND jsonb_typeof(j) = 'object' THEN
            INSERT INTO tenants_job (
                tenant_id, kind, args, idempotency_key, status, attempts, max_attempts, last_error, created_at,
                updated_at, dispatched_at)
            VALUES (
                t_id, j->>'kind', jsonb_set(j->'args', '{entry_id}', to_jsonb(e_id)),
                replace(j->>'key', '{entry}', e_id::text), j->>'status', 0, (j->>'max_attempts')::integer, '',
                clock_timestamp(), clock_timestamp(),
                CASE WHEN j->>'status' = 'dispatched' THEN clock_timestamp() END)
            RETURNING id INTO job_id;
        END IF;

        IF a IS NOT NULL AND jsonb_typeof(a) = 'object' THEN
            a_tmpl := replace(replace(replace(a->>'template',
                '"object_id":"' || chr(57347) || '"', '"object_id":"' || e_id || '"'),
                '"year":"' || chr(57348) || '"', '"year":' || yr),
                '"number":"' || chr(57349) || '"', '"number":' || num);
            a_row := jsonb_set(jsonb_set(jsonb_set(a->'row',
                '{object_id}', to_jsonb(e_id::text)), '{changes,year}', to_jsonb(yr)), '{changes,number}', to_jsonb(num));
            PERFORM eoffice_audit_append(t_id, a_tmpl, a_row);
        END IF;
    EXCEPTION WHEN unique_violation THEN
        GET STACKED DIAGNOSTICS cname = CONSTRAINT_NAME;
        IF idem IS NOT NULL THEN  -- a concurrent twin with the same key committed first
            SELECT id INTO found_id FROM documents_registryentry WHERE tenant_id = t_id AND idempotency_key = idem;
            IF found_id IS NOT NULL THEN
                RETURN jsonb_build_object('existing', found_id);
            END IF;
        END IF;
        IF cname = 'entry_reference_unique' THEN
            RETURN jsonb_build_object('reference_taken', ref);
        END IF;
        RAISE;
    END;
    RETURN jsonb_build_object(
        'entry', e_id, 'letter', l_id, 'number', num, 'year', yr, 'registered_at', now_, 'reference', ref,
        'reference_norm', ref_norm, 'files', to_jsonb(f_ids), 'keys', to_jsonb(k_ids), 'job', job_id,
        'letter_created_at', l_made);
END
$fn$;
"""

REVERSE_SQL = "DROP FUNCTION IF EXISTS eoffice_registry_register(jsonb);"


class Migration(migrations.Migration):
    dependencies = [("documents", "0005_drop_redundant_entry_indexes"), ("tenants", "0003_audit_append_function")]

    operations = [migrations.RunSQL(FUNCTION_SQL, REVERSE_SQL)]
