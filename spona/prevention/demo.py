"""Demo prevention data: a few real settlements of the study's municipalities, the default
risk groups, invented counts from three institutions, and a campaign in Pirot."""

import random
from datetime import timedelta

from django.utils import timezone

from spona.accounts.models import Role, User
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.prevention.models import (
    AggregateCount,
    Campaign,
    Channel,
    Funder,
    OutreachActivity,
    RiskGroup,
    Settlement,
)
from spona.prevention.services import default_groups

SETTLEMENTS = {
    "70939": ["Пирот", "Гњилан", "Суково", "Темска", "Велики Јовановац", "Сопот"],
    "71099": ["Смедерево", "Радинац", "Враново", "Лугавчина", "Михајловац", "Сеоне"],
    "80403": [
        "Сремска Митровица",
        "Мачванска Митровица",
        "Лаћарак",
        "Мартинци",
        "Кузмин",
        "Засавица",
    ],
}
REPORTERS = [InstitutionType.EMPLOYMENT, InstitutionType.SCHOOL, InstitutionType.SOCIAL_WELFARE]


def prevention_demo_load(rng: random.Random) -> None:
    period = str(timezone.localdate().year - 1)
    for code, names in SETTLEMENTS.items():
        municipality = Municipality.objects.get(code=code)
        settlements = [
            Settlement.objects.get_or_create(municipality=municipality, name=n)[0] for n in names
        ]
        groups = default_groups(municipality)
        reporter = User.objects.filter(
            institution__municipality=municipality, role=Role.COORDINATOR
        ).first()
        for kind in REPORTERS:
            institution = Institution.objects.filter(municipality=municipality, type=kind).first()
            if institution is None or reporter is None:
                continue
            for settlement in settlements:
                for group in groups:
                    AggregateCount.objects.get_or_create(
                        institution=institution,
                        group=group,
                        settlement=settlement,
                        period=period,
                        defaults={
                            "count": rng.choice([0, 3, 8, 14, 25, 40, 90]),
                            "reported_by": reporter,
                        },
                    )
        if reporter is not None and code == "70939":
            _campaign(municipality, settlements, groups, reporter)


def _campaign(
    municipality: Municipality,
    settlements: list[Settlement],
    groups: list[RiskGroup],
    reporter: User,
) -> None:
    if Campaign.objects.filter(municipality=municipality).exists():
        return
    start = timezone.localdate() - timedelta(days=30)
    campaign = Campaign.objects.create(
        municipality=municipality,
        name="Посао у иностранству? Провери пре поласка",
        goal="Млађе жене без посла да препознају лажне понуде за посао.",
        channels=[Channel.DOOR_TO_DOOR, Channel.SOCIAL_NETWORKS],
        starts_on=start,
        ends_on=start + timedelta(days=60),
        budget=250000,
        funder=Funder.LOCAL_GOVERNMENT,
        created_by=reporter,
    )
    campaign.groups.set(groups[:1])
    campaign.settlements.set(settlements[:3])
    for i, settlement in enumerate(settlements[:3]):
        OutreachActivity.objects.create(
            campaign=campaign,
            held_on=start + timedelta(days=3 + 7 * i),
            settlement=settlement,
            channel=Channel.DOOR_TO_DOOR,
            reached={groups[0].code: 12 + 5 * i},
            materials_handed_out=40,
            staff=2,
            recorded_by=reporter,
        )
