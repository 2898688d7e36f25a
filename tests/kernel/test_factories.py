import pytest

from tenants.models import OrgUnit
from tests.factories import AgencyFactory, MembershipFactory, OrgUnitFactory


@pytest.mark.django_db
def test_factories_are_tenant_explicit(in_tenant):
    agency = AgencyFactory()
    with in_tenant(agency):
        unit = OrgUnitFactory(tenant=agency)
        MembershipFactory(tenant=agency, unit=unit)
        assert list(OrgUnit.objects.values_list("pk", flat=True)) == [unit.pk]
        with pytest.raises(ValueError):
            OrgUnitFactory()


@pytest.mark.django_db
def test_factory_cannot_write_into_another_tenant(in_tenant, tenant_b):
    agency = AgencyFactory()
    with in_tenant(agency), pytest.raises(Exception, match="row-level security"):
        OrgUnitFactory(tenant=tenant_b)
