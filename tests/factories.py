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
