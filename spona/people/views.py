"""Person register: list, register, view (audited) and edit (optimistic locking)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from spona.accounts.http import AuthenticatedHttpRequest
from spona.core.locking import StaleEditError
from spona.people import selectors, services
from spona.people.forms import PersonEditForm, PersonForm, PersonSearchForm
from spona.policy import Action, can, require


@login_required
def person_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = PersonSearchForm(request.GET or None)
    name = search.cleaned_data["name"] if search.is_valid() else ""
    people = selectors.person_list(user=request.user, name=name)
    context = {
        "people": people,
        "search": search,
        "may_register": can(request.user, Action.PERSON_CREATE),
    }
    return render(request, "people/person_list.html", context)


@login_required
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Action.PERSON_CREATE)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = services.person_register(user=request.user, **form.cleaned_data)
        messages.success(
            request, _("The person was registered as %(code)s.") % {"code": person.code}
        )
        return redirect("people:person_detail", code=person.code)
    return render(request, "people/person_form.html", {"form": form})


@login_required
def person_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    person = selectors.person_get(user=request.user, code=code)
    return render(request, "people/person_detail.html", {"person": person})


@login_required
def person_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    person = selectors.person_get(user=request.user, code=code, purpose="edit")
    form = PersonEditForm(
        request.POST or None, instance=person, initial={"version": person.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                user=request.user,
                person=form.instance,
                expected_version=form.cleaned_data["version"],
                changed=form.changed_data,
            )
        except StaleEditError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("people:person_detail", code=person.code)
    return render(request, "people/person_form.html", {"form": form, "person": person})
