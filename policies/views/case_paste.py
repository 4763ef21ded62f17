"""Bulk entry: paste options or criteria into a case, a performance table as the case's reference values, or
one of one's own scores into an exercise; check it in a preview, then save every row at once."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from policies.selectors.access import CASE_EDITING_ROLES, get_case_for_user, get_viewer_for_user, require_role
from policies.services.case_paste import (
    COLUMNS,
    check_table,
    performance_template,
    read_performance,
    read_reference_values,
    read_table,
    reference_template,
    save_performance,
    save_reference_table,
    save_table,
    template_csv,
)

TARGETS = {"option": "options", "criterion": "criteria"}


def _target(target: str) -> str:
    if target not in COLUMNS:
        raise Http404(_("Only options and criteria can be pasted."))
    return target


@login_required
def paste(request: HttpRequest, case_id: int, target: str) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    _target(target)
    text = request.POST.get("table", "") if request.method == "POST" else ""
    table = None
    status = 200
    if request.method == "POST":
        table = check_table(case=case, table=read_table(text, target))
        if table.valid and request.POST.get("action") == "save":
            count = save_table(case=case, table=table)
            messages.success(request, _("Added %(count)s rows from the pasted table.") % {"count": count})
            return redirect(reverse("case-edit", args=[case.pk]) + f"#section-{target}")
        status = 200 if table.valid else 422
    context = {
        "case": case,
        "target": target,
        "text": text,
        "table": table,
        "columns": COLUMNS[target],
        "plural": _("options") if target == "option" else _("criteria"),
    }
    return render(request, "policies/case_paste.html", context, status=status)


@login_required
def paste_template(request: HttpRequest, case_id: int, target: str) -> HttpResponse:
    _case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    _target(target)
    response = HttpResponse(template_csv(target), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{TARGETS[target]}-template.csv"'
    return response


def _preview_then_save(
    request: HttpRequest,
    *,
    read: Callable[[str], Any],
    save: Callable[[Any], int],
    saved: str,
    done: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The one flow of a pasted performance table: POST reads it (every error listed, 422 when any), "save"
    stores a valid one and says how many cells (`saved`, with %(count)s) before going to `done`; anything
    else, or a refusal at saving, shows the table again with its preview, so nothing typed is lost."""
    text = request.POST.get("table", "") if request.method == "POST" else ""
    table = None
    status = 200
    if request.method == "POST":
        table = read(text)
        if table.valid and request.POST.get("action") == "save":
            try:
                count = save(table)
            except ValidationError as exc:
                table.errors.extend(exc.messages)
            else:
                messages.success(request, saved % {"count": count})
                return redirect(done)
        status = 200 if table.valid else 422
    return render(request, template, {**context, "text": text, "table": table}, status=status)


@login_required
def paste_scores(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """A performance table pasted as one's own scores in an exercise: preview, then save every cell."""
    viewer = get_viewer_for_user(request.user, exercise_id)
    if not viewer.can_judge:
        raise PermissionDenied(_("Your role in this team does not allow this."))
    exercise = viewer.exercise
    return _preview_then_save(
        request,
        read=lambda text: read_performance(text, exercise),
        save=lambda table: save_performance(viewer=viewer, table=table),
        saved=_("Saved %(count)s scores from the pasted table."),
        done=reverse("exercise", args=[exercise.pk]),
        template="policies/score_paste.html",
        context={"exercise": exercise},
    )


@login_required
def paste_scores_template(request: HttpRequest, exercise_id: int) -> HttpResponse:
    viewer = get_viewer_for_user(request.user, exercise_id)
    response = HttpResponse(performance_template(viewer.exercise), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="scores-template.csv"'
    return response


@login_required
def paste_reference(request: HttpRequest, case_id: int) -> HttpResponse:
    """A performance table pasted as the case's reference values: preview, then save every cell."""
    case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    return _preview_then_save(
        request,
        read=lambda text: read_reference_values(text, case),
        save=lambda table: save_reference_table(case=case, table=table),
        saved=_("Saved %(count)s reference values from the pasted table."),
        done=reverse("case-edit", args=[case.pk]) + "#reference-values",
        template="policies/reference_paste.html",
        context={"case": case},
    )


@login_required
def paste_reference_template(request: HttpRequest, case_id: int) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    response = HttpResponse(reference_template(case), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reference-values-template.csv"'
    return response
