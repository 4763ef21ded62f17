"""Editing a case's options, criteria, scenarios and evidence, and reading each item's history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from policies.forms import FORMS
from policies.models.fields import localize
from policies.selectors.access import CASE_EDITING_ROLES, get_case_for_user, require_role
from policies.selectors.case_history import item_history
from policies.services.case_editing import save_case_item


def _form_class(kind: str):  # type: ignore[no-untyped-def]
    if kind not in FORMS:
        raise Http404(_("Unknown kind of item."))
    return FORMS[kind]


@login_required
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    sections = [
        ("option", _("Options"), case.options.all()),
        ("criterion", _("Criteria"), case.criteria.select_related("parent")),
        ("scenario", _("Scenarios"), case.scenarios.all()),
        ("evidence", _("Evidence"), case.evidence.select_related("source")),
    ]
    return render(request, "policies/case_edit.html", {"case": case, "sections": sections})


@login_required
def item_edit(request: HttpRequest, case_id: int, kind: str, item_id: int | None = None) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    form_class = _form_class(kind)
    model = form_class._meta.model
    instance = get_object_or_404(model, pk=item_id, case=case) if item_id else None
    # An empty POST is still a submission: bound, so its errors show (else a 422 with no message).
    form = form_class(request.POST if request.method == "POST" else None, instance=instance, case=case)
    if request.method == "POST":
        if form.is_valid():
            item = save_case_item(case=case, form=form)
            messages.success(request, _("Saved “%(item)s”.") % {"item": str(item)})
            return redirect("case-edit", case_id=case.pk)
        status = 422
    else:
        status = 200
    context = {
        "case": case,
        "form": form,
        "kind": kind,
        "instance": instance,
        "kind_label": model._meta.verbose_name,
    }
    return render(request, "policies/case_item_form.html", context, status=status)


@login_required
def item_history_view(request: HttpRequest, case_id: int, kind: str, item_id: int) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    model = _form_class(kind)._meta.model
    item = get_object_or_404(model, pk=item_id, case=case)
    context = {
        "case": case,
        "item": item,
        "kind": kind,
        "title": localize(getattr(item, "name", None)) or str(item),
    }
    context["entries"] = item_history(item)
    return render(request, "policies/case_item_history.html", context)
