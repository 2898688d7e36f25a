"""A registry number is evidence: the database itself refuses to change an entry's book, year, number,
registration time or (once recorded) digest, whoever asks — the services never try."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION eoffice_entry_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.book_id <> OLD.book_id OR NEW.year <> OLD.year
       OR NEW.number <> OLD.number OR NEW.registered_at <> OLD.registered_at
       OR (OLD.digest <> '' AND NEW.digest <> OLD.digest) THEN
        RAISE EXCEPTION 'registry entry %: book, year, number, registration time and digest never change', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER documents_registryentry_fixed BEFORE UPDATE ON documents_registryentry
    FOR EACH ROW EXECUTE FUNCTION eoffice_entry_fixed();
"""
REVERSE = """
DROP TRIGGER IF EXISTS documents_registryentry_fixed ON documents_registryentry;
DROP FUNCTION IF EXISTS eoffice_entry_fixed();
"""


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_letter_search")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
