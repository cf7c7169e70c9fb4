"""Prevention pages: the protected risk map and ranking, risk groups and counts, campaigns."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spona.accounts.http import AuthenticatedHttpRequest
from spona.institutions.models import Municipality
from spona.policy import can, require, visible
from spona.prevention import riskmap, selectors, services
from spona.prevention.access import (
    CAMPAIGN_MANAGE,
    COUNTS_REPORT,
    FOLLOW_UP_CLOSE,
    OUTREACH_RECORD,
    PREVENTION_VIEW,
    RISK_GROUPS_MANAGE,
)
from spona.prevention.forms import (
    CampaignForm,
    CountForm,
    FollowUpDoneForm,
    ImportForm,
    OutreachForm,
    RiskGroupForm,
    SettlementForm,
)
from spona.prevention.models import Campaign, FollowUpStatus, PreventionFollowUp


@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """All municipalities: the size of a risk group per 1,000 inhabitants (kept, see
    ``spona.prevention.riskmap``)."""
    content = riskmap.national_page(
        user=request.user, group=request.GET.get("group", ""), period=request.GET.get("period", "")
    )
    return render(request, "prevention/overview.html", {"content": content})


@login_required
def municipality(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """One municipality: its neighbourhood on the map and the ranked settlements × groups."""
    require(request.user, PREVENTION_VIEW)
    place = get_object_or_404(Municipality, code=code)
    periods = selectors.periods(municipality=place)
    period = riskmap.chosen(request.GET.get("period", ""), periods)
    first_group = place.risk_groups.order_by("name").first()
    values = (
        selectors.national_layer(user=request.user, group_code=first_group.code, period=period)
        if first_group and period
        else []
    )
    context = {
        "place": place,
        "periods": periods,
        "period": period,
        "ranking": selectors.settlement_ranking(
            user=request.user, municipality=place, period=period
        )
        if period
        else [],
        "groups": place.risk_groups.all(),
        "settlements": place.settlements.all(),
        "campaigns": selectors.campaigns_for(user=request.user, municipality=place),
        "map": riskmap.drawn_map(
            values,
            title=f"{place} · {first_group}" if first_group else str(place),
            focus=(place.code,),
        ),
        "may_manage": can(request.user, RISK_GROUPS_MANAGE, place),
        "may_report": can(request.user, COUNTS_REPORT, place),
    }
    return render(request, "prevention/municipality.html", context)


def _home(request: AuthenticatedHttpRequest) -> Municipality:
    """The municipality of the user's institution; national institutions have none here."""
    institution = request.user.institution
    if institution is None or institution.municipality is None:
        raise PermissionDenied
    return institution.municipality


@login_required
def group_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    place = _home(request)
    require(request.user, RISK_GROUPS_MANAGE, place)
    form = RiskGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.risk_group_create(user=request.user, municipality=place, **form.cleaned_data)
        messages.success(request, _("The risk group was saved."))
        return redirect("prevention:municipality", code=place.code)
    return render(
        request,
        "prevention/form.html",
        {"form": form, "title": _("New risk group"), "ethnicity_note": True},
    )


@login_required
def settlement_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    place = _home(request)
    require(request.user, RISK_GROUPS_MANAGE, place)
    form = SettlementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.settlement_add(user=request.user, municipality=place, **form.cleaned_data)
        messages.success(request, _("The settlement was saved."))
        return redirect("prevention:municipality", code=place.code)
    return render(request, "prevention/form.html", {"form": form, "title": _("New settlement")})


@login_required
def count_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    place = _home(request)
    require(request.user, COUNTS_REPORT, place)
    form = CountForm(request.POST or None, municipality=place)
    if request.method == "POST" and form.is_valid():
        services.count_enter(user=request.user, **form.cleaned_data)
        messages.success(request, _("The count was saved."))
        return redirect("prevention:municipality", code=place.code)
    return render(request, "prevention/form.html", {"form": form, "title": _("Enter a count")})


@login_required
def count_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, COUNTS_REPORT)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.counts_import_start(user=request.user, upload=form.cleaned_data["file"])
        return redirect("jobs:job_detail", pk=job.pk)
    return render(
        request,
        "prevention/form.html",
        {"form": form, "title": _("Import counts"), "multipart": True},
    )


@login_required
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    campaigns = selectors.campaigns_for(user=request.user)
    may_create = can(request.user, CAMPAIGN_MANAGE)
    return render(
        request, "prevention/campaign_list.html", {"campaigns": campaigns, "may_create": may_create}
    )


@login_required
def campaign_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    place = _home(request)
    require(request.user, CAMPAIGN_MANAGE, place)
    form = CampaignForm(request.POST or None, municipality=place)
    if request.method == "POST" and form.is_valid():
        fields: dict[str, Any] = dict(form.cleaned_data)
        campaign = services.campaign_create(
            user=request.user,
            municipality=place,
            groups=fields.pop("groups"),
            settlements=fields.pop("settlements"),
            partners=fields.pop("partners"),
            **fields,
        )
        return redirect("prevention:campaign_detail", pk=campaign.pk)
    return render(request, "prevention/form.html", {"form": form, "title": _("New campaign")})


@login_required
def campaign_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(selectors.campaigns_for(user=request.user), pk=pk)
    context = {
        "campaign": campaign,
        "effect": selectors.campaign_effect(user=request.user, campaign=campaign),
        "may_record": can(request.user, OUTREACH_RECORD, campaign),
    }
    return render(request, "prevention/campaign_detail.html", context)


@login_required
def outreach_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    require(request.user, OUTREACH_RECORD, campaign)
    form = OutreachForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if not k.startswith("reached_")}
        services.outreach_record(
            user=request.user, campaign=campaign, reached=form.reached(), **fields
        )
        messages.success(request, _("The activity was recorded."))
        return redirect("prevention:campaign_detail", pk=pk)
    return render(request, "prevention/form.html", {"form": form, "title": _("Record outreach")})


@login_required
def follow_up_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """People at risk on the prevention track, by code: due dates, groups and campaigns."""
    listed = selectors.follow_ups(user=request.user)
    rows = [{"follow_up": f, "may_close": can(request.user, FOLLOW_UP_CLOSE, f)} for f in listed]
    context = {"rows": rows, "form": FollowUpDoneForm(), "open": FollowUpStatus.OPEN}
    return render(request, "prevention/follow_up_list.html", context)


@login_required
@require_POST
def follow_up_done(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    follow_up = get_object_or_404(visible(request.user, PreventionFollowUp), code=code)
    require(request.user, FOLLOW_UP_CLOSE, follow_up)
    form = FollowUpDoneForm(request.POST)
    if form.is_valid():
        services.follow_up_done(
            user=request.user, follow_up=follow_up, result=form.cleaned_data["result"]
        )
        messages.success(request, _("The follow-up is recorded as done."))
    else:
        messages.error(request, _("Choose how the follow-up ended."))
    return redirect("prevention:follow_up_list")
