"""The case editor: create a case, edit its header and every item, delete and restore, reorder, duplicate,
and read or revert each item's history. Every write goes through `policies.services.case_editing`."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from policies.case_forms import FORMS, CaseHeaderForm, CaseItemForm
from policies.models import Case, Criterion, DeletedItem, DriverState
from policies.models.fields import localize
from policies.selectors.access import (
    CASE_EDITING_ROLES,
    get_case_for_user,
    get_team_for_user,
    require_role,
)
from policies.selectors.case_editor import editor_sections, reference_table
from policies.selectors.case_history import item_history
from policies.services.case_editing import (
    StaleEdit,
    create_case,
    delete_case_item,
    dependants,
    duplicate_case_item,
    move_case_item,
    reorder_case_items,
    restorable,
    restore_deleted_item,
    revert_case_item,
    save_case_header,
    save_case_item,
    siblings,
)

STALE_STATUS = 409


def _form_class(kind: str) -> type[CaseItemForm[Any]]:
    if kind not in FORMS:
        raise Http404(_("Unknown kind of item."))
    return FORMS[kind]


def _editable_case(request: HttpRequest, case_id: int) -> Case:
    case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    return case


def get_item(case: Case, kind: str, item_id: int) -> Model:
    """An item of `kind` in `case`; another case's item is missing (404)."""
    model: type[Model] = _form_class(kind)._meta.model
    if model is DriverState:
        return get_object_or_404(DriverState, pk=item_id, driver__case=case)
    return get_object_or_404(model, pk=item_id, case=case)


def _posted_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _stale_message(request: HttpRequest) -> None:
    messages.error(
        request,
        _(
            "Someone else saved this item since you opened it. Their version is shown below next to yours: "
            "check it, then save again to keep your changes."
        ),
    )


@login_required
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    context = {
        "case": case,
        "sections": editor_sections(case),
        "reference": reference_table(case),
        "deleted": restorable(case)[:50],
        "restore_days": DeletedItem.RESTORE_DAYS,
    }
    return render(request, "policies/case_edit.html", context)


@login_required
def case_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A new case from a blank page: a title is all it needs."""
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, CASE_EDITING_ROLES)
    form = CaseHeaderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        case = create_case(team=team, form=form)
        messages.success(request, _("The case was created. Add its sources, actors, options and criteria."))
        return redirect("case-edit", case_id=case.pk)
    context = {"team": team, "form": form, "title": _("New case")}
    return render(request, "policies/case_header_form.html", context, status=422 if form.errors else 200)


@login_required
def case_header(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    form = CaseHeaderForm(request.POST if request.method == "POST" else None, instance=case)
    status = 200
    conflicts: list[Any] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                save_case_header(case=case, form=form)
            except StaleEdit as stale:
                conflicts, status = stale.conflicts, STALE_STATUS
                _stale_message(request)
                form = _with_version(form, stale.version)
            else:
                messages.success(request, _("Saved the case's title, question and summary."))
                return redirect("case-edit", case_id=case.pk)
        else:
            status = 422
    context = {"case": case, "form": form, "title": _("Title, question and summary"), "conflicts": conflicts}
    return render(request, "policies/case_header_form.html", context, status=status)


def _with_version[F: CaseItemForm[Any] | CaseHeaderForm](form: F, version: int) -> F:
    """The same posted form, now carrying the stored version: saving it again keeps the person's values."""
    data = QueryDict(mutable=True)
    data.update(form.data)
    data["version"] = str(version)
    form.data = data
    form.fields["version"].initial = version
    return form


@login_required
def item_edit(request: HttpRequest, case_id: int, kind: str, item_id: int | None = None) -> HttpResponse:
    case = _editable_case(request, case_id)
    form_class = _form_class(kind)
    model = form_class._meta.model
    instance = get_item(case, kind, item_id) if item_id else None
    initial = {}
    if instance is None and kind == "state" and request.GET.get("driver", "").isdigit():
        initial["driver"] = int(request.GET["driver"])
    # An empty POST is still a submission: bound, so its errors show (else a 422 with no message).
    form = form_class(
        request.POST if request.method == "POST" else None, instance=instance, case=case, initial=initial
    )
    conflicts: list[Any] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                item = save_case_item(case=case, form=form)
            except StaleEdit as stale:
                conflicts, status = stale.conflicts, STALE_STATUS
                _stale_message(request)
                form = _with_version(form, stale.version)
            else:
                messages.success(request, _("Saved “%(item)s”.") % {"item": str(item)})
                return redirect(reverse("case-edit", args=[case.pk]) + f"#section-{kind}")
        else:
            status = 422
    context = {
        "case": case,
        "form": form,
        "kind": kind,
        "instance": instance,
        "kind_label": model._meta.verbose_name,
        "conflicts": conflicts,
        "is_criterion": model is Criterion,
    }
    return render(request, "policies/case_item_form.html", context, status=status)


@login_required
def item_delete(request: HttpRequest, case_id: int, kind: str, item_id: int) -> HttpResponse:
    """GET: what the deletion would take along, and a confirmation; POST: delete, restorable for a while."""
    case = _editable_case(request, case_id)
    item = get_item(case, kind, item_id)
    found, blocking = dependants(item)
    error = ""
    if request.method == "POST":
        try:
            deleted = delete_case_item(
                case=case, kind=kind, item=item, user=request.user, version=_posted_version(request)
            )
        except StaleEdit:
            error = _("Someone else changed this item since you opened this page: check it before deleting.")
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Deleted “%(item)s”. You can restore it from the list of deleted items for %(days)s days.")
                % {"item": deleted.label, "days": DeletedItem.RESTORE_DAYS},
            )
            return redirect(reverse("case-edit", args=[case.pk]) + f"#section-{kind}")
    context = {
        "case": case,
        "item": item,
        "kind": kind,
        "kind_label": type(item)._meta.verbose_name,
        "dependants": found,
        "blocking": blocking,
        "error": error,
    }
    return render(request, "policies/case_item_delete.html", context, status=409 if error else 200)


@login_required
@require_POST
def item_restore(request: HttpRequest, case_id: int, deleted_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    deleted = get_object_or_404(restorable(case), pk=deleted_id)
    try:
        restore_deleted_item(deleted=deleted)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Restored “%(item)s”.") % {"item": deleted.label})
    return redirect(reverse("case-edit", args=[case.pk]) + "#deleted")


@login_required
@require_POST
def item_duplicate(request: HttpRequest, case_id: int, kind: str, item_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    copy = duplicate_case_item(item=get_item(case, kind, item_id))
    messages.success(request, _("Made a copy: “%(item)s”.") % {"item": str(copy)})
    return redirect("case-item-edit", case_id=case.pk, kind=kind, item_id=copy.pk)


@login_required
@require_POST
def item_move(request: HttpRequest, case_id: int, kind: str, item_id: int) -> HttpResponse:
    """Move one place up or down (the buttons), or to a position (drag and drop sends `position`)."""
    case = _editable_case(request, case_id)
    item = get_item(case, kind, item_id)
    ordered = list(siblings(item).order_by("position", "pk").values_list("pk", flat=True))
    here = ordered.index(item.pk) + 1
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        position = here - 1 if direction == "up" else here + 1
    else:
        try:
            position = int(request.POST.get("position", ""))
        except ValueError:
            return JsonResponse({"error": _("Give a position (a whole number).")}, status=422)
    move_case_item(item=item, position=position)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"ok": True})
    return redirect(reverse("case-edit", args=[case.pk]) + f"#row-{kind}-{item.pk}")


@login_required
@require_POST
def items_reorder(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    """Drag and drop: the whole new order of one list, as ids."""
    case = _editable_case(request, case_id)
    try:
        ids = [int(pk) for pk in request.POST.getlist("order")]
    except ValueError:
        return JsonResponse({"error": _("The order lists the items by their ids.")}, status=422)
    rows = [get_item(case, kind, pk) for pk in ids]
    if (
        not rows
        or len(set(ids)) != len(ids)
        or set(siblings(rows[0]).values_list("pk", flat=True)) != set(ids)
    ):
        return JsonResponse({"error": _("Give every item of one list, each once.")}, status=422)
    reorder_case_items(rows=rows)
    return JsonResponse({"ok": True})


@login_required
def item_history_view(request: HttpRequest, case_id: int, kind: str, item_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    return _history_page(request, case=case, item=get_item(case, kind, item_id), kind=kind)


@login_required
def case_header_history(request: HttpRequest, case_id: int) -> HttpResponse:
    """The history of the case's title, question, summary, period and region."""
    case = _editable_case(request, case_id)
    return _history_page(request, case=case, item=case, kind="header")


def _history_page(
    request: HttpRequest, *, case: Case, item: Model, kind: str, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "case": case,
        "item": item,
        "kind": kind,
        "title": localize(getattr(item, "name", None)) or str(item),
        "entries": item_history(item),
        "error": error,
    }
    return render(request, "policies/case_item_history.html", context, status=status)


@login_required
@require_POST
def item_revert(request: HttpRequest, case_id: int, kind: str, item_id: int, history_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    item = get_item(case, kind, item_id)
    return _revert(request, case=case, item=item, kind=kind, history_id=history_id) or redirect(
        "case-item-history", case_id=case.pk, kind=kind, item_id=item.pk
    )


@login_required
@require_POST
def case_header_revert(request: HttpRequest, case_id: int, history_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    return _revert(request, case=case, item=case, kind="header", history_id=history_id) or redirect(
        "case-header-history", case_id=case.pk
    )


def _revert(
    request: HttpRequest, *, case: Case, item: Model, kind: str, history_id: int
) -> HttpResponse | None:
    """Revert through the service. A revert made from an older version than the stored one is refused like any
    other stale edit (409, the history as it now stands); None when it went through or named no version."""
    try:
        reverted = revert_case_item(item=item, history_id=history_id, version=_posted_version(request))
    except StaleEdit as stale:
        error = _("Someone else changed this item meanwhile: read its history again.")
        return _history_page(
            request, case=case, item=stale.current, kind=kind, error=error, status=STALE_STATUS
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(item)s” is back to that version.") % {"item": str(reverted)})
    return None
