"""Factories for the test suite: reference data, institutions, users of every role, persons."""

import factory
from factory.django import DjangoModelFactory

from spona.accounts.models import Role, User
from spona.institutions.models import District, Institution, InstitutionType, Municipality
from spona.people.models import Person

PASSWORD = "correct horse battery staple"


class DistrictFactory(DjangoModelFactory[District]):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = "22"
    name_cyr = "Пиротски округ"
    name_lat = "Pirotski okrug"


class MunicipalityFactory(DjangoModelFactory[Municipality]):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"9{n:04d}")
    name_cyr = factory.Sequence(lambda n: f"Општина {n}")
    name_lat = factory.Sequence(lambda n: f"Opština {n}")
    district = factory.SubFactory(DistrictFactory)
    population_2011 = 50000
    population_2022 = 45000


class InstitutionFactory(DjangoModelFactory[Institution]):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Институција {n}")
    type = InstitutionType.SOCIAL_WELFARE
    municipality = factory.SubFactory(MunicipalityFactory)
    duty_phone = "+381 10 000 000"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CASE_MANAGER
    institution = factory.SubFactory(InstitutionFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    given_name = "Милица"
    family_name = "Јовановић"
    registered_by = factory.SubFactory(UserFactory)
    registered_by_institution = factory.SelfAttribute("registered_by.institution")


def plan_with_goals(case, lead, *, goals, added_at, closed_at=None):
    """An approved integration plan of ``case`` drafted by ``lead`` (a user of the lead
    institution) with one goal per ``(domain, status)`` of ``goals``, added at ``added_at``;
    closed at ``closed_at`` if given. Written directly: statistics read the outcome only."""
    from spona.plans.models import Goal, Plan, PlanKind, PlanStatus

    plan = Plan.objects.create(
        case=case,
        kind=PlanKind.INTEGRATION,
        status=PlanStatus.CLOSED if closed_at else PlanStatus.APPROVED,
        lead_institution=lead.institution,
        drafted_by=lead,
        approved_at=added_at,
        closed_at=closed_at,
    )
    made = [Goal.objects.create(plan=plan, domain=d, text="…", status=s) for d, s in goals]
    Goal.objects.filter(pk__in=[g.pk for g in made]).update(created_at=added_at)
    return plan


def declined_request(case, sender, provider, *, domain, answered_at):
    """A service request of ``domain`` that ``provider`` declined at ``answered_at``."""
    from datetime import timedelta

    from spona.cases.models import Referral, ReferralStatus
    from spona.providers.models import ServiceRequest

    referral = Referral.objects.create(
        case=case,
        from_institution=sender.institution,
        to_institution=provider,
        reason="…",
        urgency="normal",
        status=ReferralStatus.DECLINED,
        sent_by=sender,
        due_at=answered_at + timedelta(days=1),
    )
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=answered_at - timedelta(days=1), answered_at=answered_at
    )
    return ServiceRequest.objects.create(referral=referral, domain=domain)
