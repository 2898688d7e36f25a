"""factory_boy factories. Always tenant-explicit: tenant-owned factories need ``tenant=`` and must be
used inside that tenant's scope (``in_tenant`` fixture), so a factory can never write across the wall.
Services remain the way the app writes; factories are for shaping test data quickly."""

from __future__ import annotations

import factory

from tenants.models import Agency, AgencyKind, Membership, OrgUnit, Position, User


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    slug = factory.Sequence(lambda n: f"factory-agency-{n}")
    name_th = factory.Sequence(lambda n: f"องค์การบริหารส่วนตำบลทดลอง {n}")
    kind = AgencyKind.SAO
    province = "นครราชสีมา"
    district = "ปากช่อง"
    letter_code = "นม"
    letter_number = factory.Sequence(lambda n: f"9{n:04d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"factory-user-{n}")
    title_th = "นาง"
    first_name_th = factory.Sequence(lambda n: f"สมใจ{n}")
    last_name_th = "ใจดี"
    password = factory.django.Password("factory-password-123")


class _TenantOwned(factory.django.DjangoModelFactory):
    tenant = None  # required: pass tenant=<Agency>

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("tenant") is None:
            raise ValueError(f"{cls.__name__} needs tenant=<Agency> (factories are tenant-explicit)")
        return super()._create(model_class, *args, **kwargs)


class OrgUnitFactory(_TenantOwned):
    class Meta:
        model = OrgUnit

    name_th = factory.Sequence(lambda n: f"กองทดลอง {n}")
    kind = "division"


class PositionFactory(_TenantOwned):
    class Meta:
        model = Position

    title_th = factory.Sequence(lambda n: f"ผู้อำนวยการกองทดลอง {n}")


class MembershipFactory(_TenantOwned):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
