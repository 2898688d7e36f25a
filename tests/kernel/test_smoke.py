import pytest

from tenants.models import OrgUnit


@pytest.mark.django_db
def test_seeded_units_visible_only_in_own_tenant(tenants, in_tenant):
    with in_tenant(tenants.a):
        names_a = set(OrgUnit.objects.values_list("name_th", flat=True))
        ids_a = set(OrgUnit.objects.values_list("tenant_id", flat=True))
    assert names_a == {"สำนักปลัด", "กองคลัง"}
    assert ids_a == {tenants.a.pk}
