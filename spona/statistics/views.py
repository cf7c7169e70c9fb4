from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from spona.accounts.http import AuthenticatedHttpRequest
from spona.disclosure import K
from spona.policy import require
from spona.statistics import selectors, services
from spona.statistics.access import HTCDS_EXPORT, STATISTICS_VIEW
from spona.statistics.choropleth import svg
from spona.statistics.dashboard import area_for, areas_for, dashboard, default_period
from spona.statistics.export import csv_chunks, levels
from spona.statistics.forms import DashboardFilter


@login_required
def dashboard_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The dashboard of an area the user may see, for a period and the one before it."""
    require(request.user, STATISTICS_VIEW)
    default = default_period(timezone.localdate())
    form = DashboardFilter(request.GET or None, areas=areas_for(request.user), default=default)
    area = area_for(request.user, request.GET.get("area", ""))
    if area is None:
        raise Http404
    board = None
    chosen, choropleth = None, ""
    if not form.is_bound or form.is_valid():
        period = form.cleaned_data["period"] if form.is_bound else default
        board = dashboard(user=request.user, area=area, period=period)
        chosen = next((m for m in board.maps if m.key == request.GET.get("map")), None)
        chosen = chosen or next(iter(board.maps), None)
        if chosen is not None:
            choropleth = svg(chosen, area, exact=board.exact)
    return render(
        request,
        "statistics/dashboard.html",
        {
            "form": form,
            "board": board,
            "chosen_map": chosen,
            "choropleth": choropleth,
            "k": K,
            "reference": selectors.ctdc_summary(),
            "years": range(timezone.localdate().year, 2013, -1),
        },
    )


@login_required
def open_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the HTCDS export holds and how it is protected, and the button that makes it."""
    require(request.user, HTCDS_EXPORT)
    return _open_data(request)


def _open_data(
    request: AuthenticatedHttpRequest, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "k": K,
        "levels": levels(),
        "budget": selectors.privacy_budget_state(user=request.user),
        "error": error,
        "epsilon": request.POST.get("epsilon", "1.0"),
    }
    return render(request, "statistics/open_data.html", context, status=status)


@require_POST
@login_required
def htcds_export(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    """The anonymised HTCDS CSV (k = 11), for the Centre."""
    require(request.user, HTCDS_EXPORT)
    result = selectors.htcds_release(user=request.user)
    response = StreamingHttpResponse(csv_chunks(result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="spona-htcds.csv"'
    return response


@require_POST
@login_required
def htcds_dp_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The differentially private HTCDS table of counts (OpenDP), for the Centre; refused
    past the year's privacy budget, with the open-data page and the reason."""
    require(request.user, HTCDS_EXPORT)
    try:
        table = services.dp_release(
            user=request.user, epsilon=request.POST.get("epsilon", ""), channel="web"
        )
    except services.PrivacyRefusedError as refused:
        return _open_data(request, str(refused), status=400)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="spona-htcds-dp.csv"'
    table.write_csv(response)
    return response


@require_POST
@login_required
def annual_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start the year's report (PDF or XLSX) of an area (default: the user's, last year);
    the job's page shows its progress."""
    try:
        year = int(request.POST.get("year") or timezone.localdate().year - 1)
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404
    job = services.annual_report_start(
        user=request.user,
        area_key=request.POST.get("area", ""),
        year=year,
        file_format=request.POST.get("format", "pdf"),
    )
    return redirect("jobs:job_detail", pk=job.pk)
