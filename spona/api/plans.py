"""The plans API: plans, their goals and reviews (issue 15), on the plans app's selectors and
services: the same policy, audit and stale-edit rules as the pages."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from spona.api.views import PagedListMixin, StrictQueryMixin, signed_in
from spona.core.locking import StaleEditError
from spona.plans import selectors, services
from spona.plans.access import PLAN_VIEW
from spona.plans.models import Domain, Goal, Plan
from spona.policy import require


class PlanSummarySerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    case = serializers.CharField(source="case.code")
    kind = serializers.CharField()
    status = serializers.CharField()
    lead_institution = serializers.IntegerField(source="lead_institution_id")
    coordinator = serializers.IntegerField(source="coordinator_id", allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class GoalReferralSerializer(serializers.Serializer[Any]):
    referral = serializers.IntegerField(source="referral_id")
    to_institution = serializers.IntegerField(source="referral.to_institution_id")
    status = serializers.CharField(source="referral.status")


class GoalSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    domain = serializers.CharField()
    text = serializers.CharField()
    own_words = serializers.CharField()
    responsible_institution = serializers.IntegerField(
        source="responsible_institution_id", allow_null=True
    )
    target_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    progress = serializers.CharField()
    version = serializers.IntegerField()
    referrals = GoalReferralSerializer(many=True)


class GoalProgressSerializer(serializers.Serializer[Any]):
    goal = serializers.IntegerField(source="goal_id")
    status = serializers.CharField()
    note = serializers.CharField()


class ReviewSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    due_on = serializers.DateField()
    reason = serializers.CharField()
    held_at = serializers.DateTimeField(allow_null=True)
    summary = serializers.CharField()
    progress = GoalProgressSerializer(many=True)


class OutcomeSerializer(serializers.Serializer[Any]):
    domain = serializers.CharField()
    kind = serializers.CharField()
    on = serializers.DateField()


class PlanSerializer(PlanSummarySerializer):
    with_person = serializers.BooleanField()
    summary = serializers.CharField()
    guardianship_decision = serializers.CharField()
    refusal_reason = serializers.CharField()
    version = serializers.IntegerField()
    goals = GoalSerializer(many=True)
    reviews = ReviewSerializer(many=True)
    outcomes = OutcomeSerializer(many=True)


class GoalInputSerializer(serializers.Serializer[Any]):
    domain = serializers.ChoiceField(choices=Domain.choices)
    text = serializers.CharField(max_length=2000)
    own_words = serializers.CharField(max_length=2000, required=False, default="")
    responsible_institution = serializers.IntegerField(required=False, allow_null=True)
    target_date = serializers.DateField(required=False, allow_null=True)


def _plan(request: Request, code: str) -> Plan:
    return selectors.plan_get(user=signed_in(request), code=code)


class PlanList(PagedListMixin, generics.ListAPIView[Plan]):
    """The plans this user may see (a plan is case details: shared within consent), newest
    first."""

    serializer_class = PlanSummarySerializer

    def get_queryset(self) -> QuerySet[Plan]:
        user = signed_in(self.request)
        require(user, PLAN_VIEW)
        return selectors.plan_list(user=user)


class PlanDetail(StrictQueryMixin, APIView):
    """One plan with its goals, reviews and outcomes; the read is audited."""

    serializer_class = PlanSerializer

    def get(self, request: Request, code: str) -> Response:
        return Response(PlanSerializer(_plan(request, code)).data)


class PlanGoals(StrictQueryMixin, APIView):
    """GET: the plan's goals. POST: add a goal (the case lead, while the plan is drafted or
    reviewed); without a responsible institution the mandate matrix's suggestion is taken."""

    serializer_class = GoalSerializer

    @extend_schema(responses={200: GoalSerializer(many=True)})
    def get(self, request: Request, code: str) -> Response:
        plan = _plan(request, code)
        return Response(GoalSerializer(selectors.goals_of(plan), many=True).data)

    @extend_schema(request=GoalInputSerializer, responses={201: GoalSerializer})
    def post(self, request: Request, code: str) -> Response:
        user = signed_in(request)
        plan = _plan(request, code)
        given = GoalInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        institution = None
        if (pk := data.pop("responsible_institution", None)) is not None:
            institution = selectors.institution_options(plan.case).filter(pk=pk).first()
            if institution is None:
                raise ValidationError(
                    {
                        "responsible_institution": [
                            _("Choose an institution of the case's municipality or a national one.")
                        ]
                    }
                )
        try:
            goal: Goal = services.goal_add(
                user=user, plan=plan, responsible_institution=institution, **data
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        return Response(GoalSerializer(selectors.goals_of(plan).get(pk=goal.pk)).data, status=201)


class PlanMoveInputSerializer(serializers.Serializer[Any]):
    step = serializers.ChoiceField(choices=["submit", "approve", "refuse", "review", "close"])
    version = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=2000, required=False, default="")


class StaleSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


class PlanMove(StrictQueryMixin, APIView):
    """Move the plan along its lifecycle: submit (the case lead), approve or refuse with a
    reason (a supervisor of the lead institution who did not draft it), review (open the
    pending review), close. ``version`` is the plan's version the client saw: a stale one is
    refused (409)."""

    serializer_class = PlanSerializer

    @extend_schema(
        request=PlanMoveInputSerializer, responses={200: PlanSerializer, 409: StaleSerializer}
    )
    def post(self, request: Request, code: str) -> Response:
        user = signed_in(request)
        plan = _plan(request, code)
        given = PlanMoveInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        step, version = given.validated_data["step"], given.validated_data["version"]
        moves: dict[str, Callable[[], object]] = {
            "submit": lambda: services.plan_submit(user=user, plan=plan, expected_version=version),
            "approve": lambda: services.plan_approve(
                user=user, plan=plan, expected_version=version
            ),
            "refuse": lambda: services.plan_refuse(
                user=user,
                plan=plan,
                expected_version=version,
                reason=given.validated_data["reason"],
            ),
            "review": lambda: services.review_start(user=user, plan=plan, expected_version=version),
            "close": lambda: services.plan_close(user=user, plan=plan, expected_version=version),
        }
        try:
            moves[step]()
        except StaleEditError as error:
            return Response({"detail": str(error.message)}, status=409)
        except DjangoValidationError as error:
            detail = (
                error.message_dict if hasattr(error, "error_dict") else {"step": error.messages}
            )
            raise ValidationError(detail) from error
        return Response(PlanSerializer(selectors.plan_list(user=user).get(pk=plan.pk)).data)


class PlanReviews(StrictQueryMixin, APIView):
    """The plan's reviews, held and due, with the progress recorded per goal."""

    serializer_class = ReviewSerializer

    @extend_schema(responses={200: ReviewSerializer(many=True)})
    def get(self, request: Request, code: str) -> Response:
        plan = _plan(request, code)
        reviews = plan.reviews.prefetch_related("progress")
        return Response(ReviewSerializer(reviews, many=True).data)
