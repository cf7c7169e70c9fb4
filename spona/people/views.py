"""Person register: list, register, view (audited), edit (optimistic locking), and the
possible duplicates found at registration: compare, merge or keep apart.

Registering answers the same whether or not a likely duplicate exists that the user
may not see: only those the user may see are shown (``services.duplicate_check``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from spona.accounts.http import AuthenticatedHttpRequest
from spona.core.locking import StaleEditError
from spona.people import selectors, services
from spona.people.access import DUPLICATE_REVIEW, PERSON_CREATE, PERSON_MERGE, Merge
from spona.people.forms import (
    DuplicateForm,
    PersonEditForm,
    PersonForm,
    document_formset,
    documents_of,
    documents_valid,
)
from spona.people.models import DuplicateSuspicion, Person
from spona.policy import can, require


@login_required
def person_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        **selectors.person_list_page(user=request.user, params=request.GET),
        "may_register": can(request.user, PERSON_CREATE),
    }
    return render(request, "people/person_list.html", context)


@login_required
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, PERSON_CREATE)
    form = PersonForm(request.POST or None)
    documents = document_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and documents_valid(documents):
        person = services.person_register(
            user=request.user, documents=documents_of(documents) or (), **form.cleaned_data
        )
        services.duplicate_check(user=request.user, person=person)  # shown on the detail page
        messages.success(
            request, _("The person was registered as %(code)s.") % {"code": person.code}
        )
        return redirect("people:person_detail", code=person.code)
    return render(request, "people/person_form.html", {"form": form, "documents": documents})


@login_required
def person_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    person = selectors.person_get(user=request.user, code=code)
    context = {
        "person": person,
        "documents": person.documents.all(),
        "jmbg_conflicts": selectors.jmbg_conflicts(person),
        "duplicates": selectors.person_duplicates(user=request.user, person=person),
    }
    return render(request, "people/person_detail.html", context)


@login_required
def person_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    person = selectors.person_get(user=request.user, code=code, purpose="edit")
    form = PersonEditForm(
        request.POST or None, instance=person, initial={"version": person.version}
    )
    documents = document_formset(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid() and documents_valid(documents):
        changed = form.changed_data + (
            ["documents"] if documents.is_bound and documents.has_changed() else []
        )
        try:
            services.person_update(
                user=request.user,
                person=form.instance,
                expected_version=form.cleaned_data["version"],
                changed=changed,
                documents=documents_of(documents),
            )
        except StaleEditError as error:
            form.add_error(None, error.message)
        else:
            if services.IDENTIFYING_FIELDS.intersection(changed):
                services.duplicate_check(user=request.user, person=form.instance)
            messages.success(request, _("The changes were saved."))
            return redirect("people:person_detail", code=person.code)
    context = {"form": form, "person": person, "documents": documents}
    return render(request, "people/person_form.html", context)


def _merge(
    request: AuthenticatedHttpRequest,
    form: DuplicateForm,
    person: Person,
    other: Person,
    suggestion: DuplicateSuspicion | None = None,
) -> HttpResponse | None:
    """Merge as the form says (confirming ``suggestion`` of the review queue, if given);
    ``None`` (with the form's error) if either record changed or the suggestion was
    decided meanwhile. Then to the review queue for a suggestion, else to the record kept."""
    keep, duplicate = (
        (person, other) if form.cleaned_data["keep"] == person.code else (other, person)
    )
    versions = {
        person.pk: form.cleaned_data["version"],
        other.pk: form.cleaned_data["other_version"],
    }
    try:
        if suggestion is None:
            services.person_merge(
                user=request.user,
                keep=keep,
                duplicate=duplicate,
                keep_version=versions[keep.pk],
                duplicate_version=versions[duplicate.pk],
            )
        else:
            services.suggestion_confirm(
                user=request.user,
                suggestion=suggestion,
                keep=keep,
                keep_version=versions[keep.pk],
                duplicate_version=versions[duplicate.pk],
            )
    except (StaleEditError, services.SuggestionDecidedError) as error:
        form.add_error(None, error.message)
        return None
    messages.success(
        request,
        _("%(duplicate)s was merged into %(keep)s.")
        % {"duplicate": duplicate.code, "keep": keep.code},
    )
    if suggestion is not None:
        return redirect("people:duplicate_review")
    return redirect("people:person_detail", code=keep.code)


@login_required
def person_duplicate(request: AuthenticatedHttpRequest, code: str, other: str) -> HttpResponse:
    """Two records side by side: merge them, or record that they are different people."""
    person = selectors.person_get(user=request.user, code=code, purpose="duplicates")
    match = selectors.person_get(user=request.user, code=other, purpose="duplicates")
    if person.pk == match.pk:
        raise Http404
    form = DuplicateForm(request.POST or None, person=person, other=match)
    if request.method == "POST" and request.POST.get("action") == "different":
        services.duplicate_dismiss(user=request.user, person=person, other=match)
        messages.success(request, _("Recorded: these are different people."))
        return redirect("people:person_detail", code=person.code)
    if request.method == "POST":
        require(request.user, PERSON_MERGE, Merge(person, match))
        if form.is_valid() and (response := _merge(request, form, person, match)):
            return response
    context = {
        "person": person,
        "other": match,
        "form": form,
        "may_merge": can(request.user, PERSON_MERGE, Merge(person, match)),
    }
    return render(request, "people/person_duplicate.html", context)


@login_required
def duplicate_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The Centre's review queue of likely duplicates; a scan of everyone stored starts
    here (the job's page follows its progress and leads back)."""
    require(request.user, DUPLICATE_REVIEW)
    if request.method == "POST":
        job = services.duplicate_scan_start(user=request.user)
        return redirect("jobs:job_detail", pk=job.pk)
    context = selectors.duplicate_review_page(user=request.user, params=request.GET)
    return render(request, "people/duplicate_review.html", context)


@login_required
def duplicate_suggestion(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One suggestion: the two records side by side; merge them, or reject the pair."""
    suggestion = selectors.suggestion_get(user=request.user, pk=pk)
    suspicion = suggestion.suspicion
    person, other = suspicion.person, suspicion.match
    form = DuplicateForm(request.POST or None, person=person, other=other)
    if request.method == "POST" and suspicion.resolved_at is None:
        if request.POST.get("action") == "different":
            try:
                services.suggestion_reject(user=request.user, suggestion=suspicion)
            except services.SuggestionDecidedError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Recorded: these are different people."))
            return redirect("people:duplicate_review")
        if form.is_valid() and (response := _merge(request, form, person, other, suspicion)):
            return response
    context = {"suggestion": suggestion, "person": person, "other": other, "form": form}
    return render(request, "people/duplicate_suggestion.html", context)
