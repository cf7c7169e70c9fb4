import copy
from collections.abc import Callable
from datetime import datetime
from operator import attrgetter
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import ISO_8601, fields, relations, serializers
from rest_framework.settings import api_settings

from spona.accounts.models import User
from spona.institutions.models import Institution, Municipality
from spona.planning.models import Activity
from spona.providers.models import Offer, Provider, Service
from spona.screening.services import FLAG_NAMES, INPUT_FIELDS
from spona.screening.vocabulary import ACTS, AGE_GROUPS, MEANS, OFFENCES, RISK_FACTORS
from spona.signals.models import Signal
from spona.surveys.models import SurveyWave


class MunicipalitySerializer(serializers.ModelSerializer[Municipality]):
    district = serializers.CharField(source="district.code", read_only=True)

    class Meta:
        model = Municipality
        fields = ["code", "name_cyr", "name_lat", "district", "population_2011", "population_2022"]


class InstitutionSerializer(serializers.ModelSerializer[Institution]):
    municipality = serializers.CharField(
        source="municipality.code", read_only=True, allow_null=True
    )

    class Meta:
        model = Institution
        fields = ["id", "name", "type", "municipality", "address", "duty_phone", "duty_email"]


class CurrentUserSerializer(serializers.ModelSerializer[User]):
    institution = InstitutionSerializer(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "role", "institution"]


class AttributeListSerializer(serializers.ListSerializer[Any]):
    """A page of model objects whose every readable field reads one column or foreign key of
    the object: how each field reads and writes its value is worked out once per process for
    the child's class (``_class_plan``) instead of for every object (DRF's generic loop was a
    third of a page of 100 signals) and every request (DRF builds the child's fields anew for
    each), and a date-time field's time zone once per page (DRF looks it up for every value).
    A value its field would write as it is (``_as_is``: a text of a text field, a choice of a
    choice field) is not handed to the field, and a time is written by the field's steps
    without the field (``_writer``). The output is the child's
    ``to_representation``'s; a child with any other field gets that loop."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        child: Any = self.child
        fields_plan = _class_plan(type(child))
        if fields_plan is None:
            return super().to_representation(data)
        plan = [
            (name, read, _writer(_zoned(field)), kind, values)
            for name, read, field, (kind, values) in fields_plan
        ]
        items = data.all() if isinstance(data, models.manager.BaseManager) else data
        return [
            {
                name: value
                if (value := read(item)) is None
                or (type(value) is kind and (values is None or value in values))
                else represent(value)
                for name, read, represent, kind, values in plan
            }
            for item in items
        ]


#: (the kind, the values) a field writes as they are (``_as_is``)
type _AsIs = tuple[type, frozenset[Any] | None]
type _Plan = list[tuple[str, Callable[[Any], Any], fields.Field[Any, Any, Any, Any], _AsIs]]


class _Nothing:
    """The kind of no value: a field whose every value goes to its ``to_representation``."""


def _as_is(field: fields.Field[Any, Any, Any, Any]) -> _AsIs:
    """The values the field writes unchanged: ``(kind, values)``, values of exactly that
    kind (among ``values``, or all of them when ``None``). DRF's text field writes
    ``str(value)``, a ``str`` itself; its choice field writes the choice whose text is the
    value's (``choice_strings_to_values``), a ``str`` equal to a value that is one. Any
    other field, or one of these whose ``to_representation`` is not DRF's: none."""
    writes = type(field).to_representation
    if writes is fields.CharField.to_representation:
        return str, None
    if isinstance(field, fields.ChoiceField) and writes is fields.ChoiceField.to_representation:
        choices = field.choice_strings_to_values.items()
        return str, frozenset(
            text for text, choice in choices if type(choice) is str and choice == text
        )
    return _Nothing, frozenset()


#: serializer class -> its plan (``_class_plan``)
_PLANS: dict[type[Any], _Plan | None] = {}


def _class_plan(serializer_class: type[Any]) -> _Plan | None:
    """``_attribute_plan`` of a serializer of this class made without a request, once per
    process: its fields are the class's (a class with a ``get_fields`` of its own has none)."""
    if serializer_class not in _PLANS:
        _PLANS[serializer_class] = _attribute_plan(serializer_class())
    return _PLANS[serializer_class]


def _attribute_plan(serializer: Any) -> _Plan | None:
    """(name, attribute reader, field) of each readable field, if every one reads a
    concrete field of the model as DRF's ``Field.get_attribute`` would (not a method, not a
    dotted path, not a primary key only) and writes it without the request (not a link nor a
    file's URL), and the serializer's fields are its class's (no ``get_fields`` of its own);
    else None."""
    if type(serializer).get_fields is not serializers.ModelSerializer.get_fields:
        return None
    columns = {f.name for f in serializer.Meta.model._meta.concrete_fields}
    plan: _Plan = []
    for field in serializer._readable_fields:
        reads = type(field).get_attribute
        plain = reads is fields.Field.get_attribute or (
            reads is relations.RelatedField.get_attribute and not field.use_pk_only_optimization()
        )
        with_request = isinstance(field, relations.HyperlinkedRelatedField | fields.FileField)
        if (
            not plain
            or with_request
            or len(field.source_attrs) != 1
            or field.source_attrs[0] not in columns
        ):
            return None
        plan.append((field.field_name, attrgetter(field.source_attrs[0]), field, _as_is(field)))
    return plan


def _writer(field: fields.Field[Any, Any, Any, Any]) -> Callable[[Any], Any]:
    """How a page's values of the field are written: its ``to_representation``; for DRF's
    own date-time field given a time zone (``_zoned``) and writing ISO 8601, a time that
    knows its zone is written by the same steps without the field's (``enforce_timezone``
    and the format looked up for each value: eleven Python calls a value, five here): moved
    to the zone, ``isoformat()``, ``+00:00`` written ``Z``. Anything else, and a time whose
    move overflows, goes to the field."""
    written = field.to_representation
    if not isinstance(field, fields.DateTimeField):
        return written
    kind = type(field)
    if (
        kind.to_representation is not fields.DateTimeField.to_representation
        or kind.enforce_timezone is not fields.DateTimeField.enforce_timezone
        or getattr(field, "timezone", None) is None
    ):
        return written
    zone = field.timezone
    output = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if not isinstance(output, str) or output.lower() != ISO_8601:
        return written

    def moment(value: Any) -> Any:
        if type(value) is not datetime or value.utcoffset() is None:
            return written(value)
        try:
            text = value.astimezone(zone).isoformat()
        except OverflowError:
            return written(value)
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return moment


def _zoned(field: fields.Field[Any, Any, Any, Any]) -> fields.Field[Any, Any, Any, Any]:
    """The field to write one page's values with: a date-time field without a time zone of
    its own is given the current one (its ``default_timezone``, which DRF asks for every
    value) on a copy of its own, as the request's time zone does not change within it."""
    if not isinstance(field, fields.DateTimeField) or hasattr(field, "timezone"):
        return field
    zoned = copy.copy(field)
    # None without USE_TZ, as DRF's own default
    zoned.timezone = field.default_timezone()  # type: ignore[assignment]
    return zoned


class SignalSerializer(serializers.ModelSerializer[Signal]):
    """A signal as other systems send and read it (the same fields as the one-minute form)."""

    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all()
    )

    class Meta:
        model = Signal
        fields = [
            "code",
            "what_seen",
            "municipality",
            "settlement",
            "who",
            "urgency",
            "child_involved",
            "contact",
            "status",
            "created_at",
        ]
        read_only_fields = ["code", "status", "created_at"]
        list_serializer_class = AttributeListSerializer
        #: the columns a list reads: the fields, the municipality's code (not the other
        #: encrypted fields, the indicators or the municipality's other columns)
        columns = [f for f in fields if f != "municipality"] + ["municipality__code"]


class EstimateSerializer(serializers.Serializer[Any]):
    indicator = serializers.CharField()
    title = serializers.CharField()
    domain = serializers.CharField()
    level = serializers.CharField()
    n = serializers.IntegerField()
    estimate = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    se = serializers.FloatField(allow_null=True)
    deff = serializers.FloatField(allow_null=True)
    flagged = serializers.BooleanField()


class WaveSerializer(serializers.ModelSerializer[SurveyWave]):
    instrument = serializers.CharField(source="instrument.code", read_only=True)

    class Meta:
        model = SurveyWave
        fields = ["id", "name", "instrument", "starts_on", "ends_on", "weighting"]


class RiskValueSerializer(serializers.Serializer[Any]):
    """A municipality's protected count: null where it is hidden (fewer than 11, or to protect one)."""

    municipality = serializers.CharField(source="municipality.code")
    count = serializers.IntegerField(allow_null=True)
    rate_per_1000 = serializers.FloatField(source="rate", allow_null=True)


# --- screenings ----------------------------------------------------------------------------

CODE = r"^[A-Za-z0-9_]{1,40}$"


class CodeListField(serializers.ListField):
    """A list of codes whose errors come back as one flat list of messages, as every field
    error of the API does (not one entry per position)."""

    def to_internal_value(self, data: Any) -> list[Any]:
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = error.detail
            messages = (
                {str(m) for problems in detail.values() for m in problems}
                if isinstance(detail, dict)
                else {str(m) for m in detail}
            )
            raise serializers.ValidationError(sorted(messages)) from error


def _codes(choices: list[tuple[str, Any]] | None = None) -> CodeListField:
    child: serializers.Field[Any, Any, Any, Any] = (
        serializers.ChoiceField(choices=[code for code, _label in choices])
        if choices is not None
        else serializers.RegexField(CODE, max_length=40)
    )
    return CodeListField(child=child, required=False, max_length=200)


class ScreeningInputSerializer(serializers.Serializer[Any]):
    """A screening as another system records it: the person (a code) or the signal it comes
    from, the age group, indicators, legal elements, risk factors, offences and the facts that
    tell trafficking apart (the names of those observed). Unknown fields are refused."""

    person = serializers.RegexField(r"^P-[A-Z0-9]{7}$", required=False)
    signal = serializers.RegexField(r"^S-[A-Z0-9]{7}$", required=False)
    age_group = serializers.ChoiceField(choices=[code for code, _label in AGE_GROUPS])
    indicators = _codes()
    acts = _codes(ACTS)
    means = _codes(MEANS)
    purposes = _codes()
    risk_factors = _codes(RISK_FACTORS)
    offences = _codes(OFFENCES)
    flags = CodeListField(
        child=serializers.ChoiceField(choices=FLAG_NAMES), required=False, max_length=50
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    complete = serializers.BooleanField(required=False, default=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return attrs

    def service_data(self) -> dict[str, Any]:
        """The input as the screening services take it."""
        data = {k: v for k, v in self.validated_data.items() if k in INPUT_FIELDS}
        if "flags" in data:
            data["flags"] = {name: name in data["flags"] for name in FLAG_NAMES}
        return data


class ScreeningSummarySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    person = serializers.CharField(source="person.code")
    status = serializers.CharField()
    outcome = serializers.CharField()
    not_trafficking_reason = serializers.CharField()
    rules_version = serializers.CharField()
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)


class ReasonSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    text = serializers.CharField()


class StepSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    title = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)


class FollowUpSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    due_on = serializers.DateField()
    risk_group = serializers.CharField(allow_null=True)
    campaign = serializers.CharField(allow_null=True)


class ScreeningSerializer(ScreeningSummarySerializer):
    """A screening with its outcome, explained, and its protocol, in the reader's language."""

    signal = serializers.CharField(source="signal.code", allow_null=True)
    age_group = serializers.CharField()
    indicators = serializers.ListField(child=serializers.CharField())
    acts = serializers.ListField(child=serializers.CharField())
    means = serializers.ListField(child=serializers.CharField())
    purposes = serializers.ListField(child=serializers.CharField())
    risk_factors = serializers.ListField(child=serializers.CharField())
    offences = serializers.ListField(child=serializers.CharField())
    flags = serializers.ListField(child=serializers.CharField())
    notes = serializers.CharField()
    outcome_title = serializers.CharField()
    route = serializers.CharField()
    forms = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())
    prevention = serializers.BooleanField()
    catalogue_version = serializers.CharField()
    catalogue_verified = serializers.BooleanField()
    reasons = ReasonSerializer(many=True)
    protocol = StepSerializer(many=True)
    follow_up = FollowUpSerializer(allow_null=True)


class OutcomeSideSerializer(serializers.Serializer[Any]):
    outcome = serializers.CharField()
    outcome_title = serializers.CharField()
    not_trafficking_reason = serializers.CharField()
    route = serializers.CharField()
    forms = serializers.ListField(child=serializers.CharField())
    prevention = serializers.BooleanField()
    steps = serializers.ListField(child=serializers.CharField())
    rules_version = serializers.CharField()
    catalogue_version = serializers.CharField()


class RescreeningSerializer(serializers.Serializer[Any]):
    """A screening's stored outcome beside the one the current rules give; nothing changes."""

    decided = OutcomeSideSerializer()
    current = OutcomeSideSerializer()
    changed = serializers.ListField(child=serializers.CharField())
    reasons = serializers.ListField(child=serializers.CharField())


class ServiceSerializer(serializers.ModelSerializer[Service]):
    id = serializers.UUIDField(source="hsds_id", read_only=True)
    municipality = serializers.CharField(
        source="municipality.code", read_only=True, allow_null=True
    )

    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "description",
            "domain",
            "eligibility",
            "capacity",
            "free_places",
            "languages",
            "contact_name",
            "contact_phone",
            "contact_email",
            "address",
            "municipality",
        ]


class OfferSerializer(serializers.ModelSerializer[Offer]):
    provider = serializers.IntegerField(source="provider_id", read_only=True)
    employer = serializers.CharField(source="provider.institution.name", read_only=True)
    municipality = serializers.CharField(
        source="provider.institution.municipality.code", read_only=True, allow_null=True
    )

    class Meta:
        model = Offer
        fields = [
            "id",
            "provider",
            "employer",
            "municipality",
            "kind",
            "title",
            "places",
            "requirements",
            "starts_on",
            "apply_by",
        ]


class ProviderSerializer(serializers.ModelSerializer[Provider]):
    hsds_id = serializers.UUIDField(read_only=True)
    institution = InstitutionSerializer(read_only=True)
    services = ServiceSerializer(many=True, read_only=True)
    offers = OfferSerializer(many=True, read_only=True)

    class Meta:
        model = Provider
        fields = ["id", "hsds_id", "institution", "description", "website", "services", "offers"]


# --- statistics ----------------------------------------------------------------------------


class StatisticsLineSerializer(serializers.Serializer[Any]):
    """One category: its count and share now and in the previous period (null: hidden)."""

    key = serializers.CharField()
    title = serializers.CharField(source="label")
    count = serializers.IntegerField(allow_null=True)
    share = serializers.FloatField(allow_null=True)
    previous = serializers.IntegerField(allow_null=True)
    previous_share = serializers.FloatField(allow_null=True)


class StatisticsBreakdownSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    title = serializers.CharField()
    total = serializers.IntegerField(allow_null=True)
    previous_total = serializers.IntegerField(allow_null=True)
    lines = StatisticsLineSerializer(many=True)


class StatisticsTimeSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    title = serializers.CharField(source="label")
    hours = serializers.FloatField(allow_null=True)
    n = serializers.IntegerField(allow_null=True)
    previous_hours = serializers.FloatField(allow_null=True)
    previous_n = serializers.IntegerField(allow_null=True)


class StatisticsAreaSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    level = serializers.CharField()
    name = serializers.CharField()


class StatisticsPlaceSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField(allow_null=True)


class StatisticsMapSerializer(serializers.Serializer[Any]):
    """A count per municipality of the area (the choropleth's values; null: suppressed)."""

    key = serializers.CharField()
    title = serializers.CharField()
    total = serializers.IntegerField(allow_null=True)
    places = StatisticsPlaceSerializer(many=True)


class StatisticsFigureSerializer(serializers.Serializer[Any]):
    """A number of the campaign section now and before (null: hidden or none)."""

    key = serializers.CharField()
    title = serializers.CharField(source="label")
    value = serializers.FloatField(allow_null=True)
    previous = serializers.FloatField(allow_null=True)


class StatisticsSurveyIndicatorSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    title = serializers.CharField()
    n = serializers.IntegerField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    flagged = serializers.BooleanField()


class StatisticsSurveyWaveSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    ends_on = serializers.DateField()
    indicators = StatisticsSurveyIndicatorSerializer(many=True)


class StatisticsIntegrationSerializer(serializers.Serializer[Any]):
    """Plan goals and unmet needs of one domain, or of all ("total"); null: hidden."""

    key = serializers.CharField()
    title = serializers.CharField(source="label")
    goals_set = serializers.IntegerField(source="set", allow_null=True)
    met = serializers.IntegerField(allow_null=True)
    not_met = serializers.IntegerField(allow_null=True)
    closed = serializers.IntegerField(allow_null=True)
    share = serializers.FloatField(allow_null=True, help_text="met, per cent of closed")
    unmet_needs = serializers.IntegerField(source="unmet", allow_null=True)


class StatisticsDashboardSerializer(serializers.Serializer[Any]):
    """The dashboard's numbers; for roles without case access protected (null where hidden)."""

    area = StatisticsAreaSerializer()
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.last_day")
    previous_start = serializers.DateField(source="period.previous.start")
    previous_end = serializers.DateField(source="period.previous.last_day")
    exact = serializers.BooleanField()
    breakdowns = StatisticsBreakdownSerializer(many=True)
    referral_times = StatisticsTimeSerializer(many=True)
    as_of = serializers.DateTimeField(
        allow_null=True,
        help_text="when the case counts of the period's whole months were counted (the "
        "summary the worker refreshes); null: counted at the request",
    )
    maps = StatisticsMapSerializer(many=True)
    campaigns = StatisticsFigureSerializer(many=True)
    surveys = StatisticsSurveyWaveSerializer(many=True)
    integration = StatisticsIntegrationSerializer(many=True)


# --- the local action plan ------------------------------------------------------------------


class ReadinessDimensionSerializer(serializers.Serializer[Any]):
    dimension = serializers.CharField()
    title = serializers.CharField()
    score = serializers.FloatField()
    stage = serializers.IntegerField()


class AssessmentSerializer(serializers.Serializer[Any]):
    """A readiness assessment: its stages once every interview has combined scores (the
    interview notes never leave through the API)."""

    id = serializers.IntegerField(source="assessment.pk")
    municipality = serializers.CharField(source="assessment.municipality.code")
    year = serializers.IntegerField(source="assessment.year")
    interviews = serializers.IntegerField()
    overall_score = serializers.FloatField(allow_null=True)
    overall_stage = serializers.IntegerField(allow_null=True)
    dimensions = ReadinessDimensionSerializer(many=True)


class ActivitySerializer(serializers.ModelSerializer[Activity]):
    municipality = serializers.CharField(source="municipality.code", read_only=True)
    lead = serializers.CharField(source="lead.name", read_only=True, allow_null=True)
    requires: serializers.PrimaryKeyRelatedField[Activity] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "municipality",
            "year",
            "title",
            "kind",
            "phase",
            "problems",
            "dimensions",
            "target_group",
            "lead",
            "cost",
            "funder",
            "starts_on",
            "ends_on",
            "need",
            "evidence",
            "evidence_source",
            "reach",
            "mandatory",
            "requires",
            "status",
            "left_out_because",
            "override",
            "override_reason",
            "progress",
        ]
