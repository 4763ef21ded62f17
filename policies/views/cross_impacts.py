"""The cross-impact matrix of a case: the grid, a cell's reason and evidence, files in and out, and promotion.

Members read the matrix and its consistent scenarios; owners, facilitators and analysts edit it (the same
roles as the rest of the case). Every write goes through `policies.services.cross_impact`.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from policies.casefile.scenariowizard import (
    MatrixFileError,
    read_matrix_csv,
    read_scw,
    write_matrix_csv,
    write_scw,
)
from policies.casefile.schema import IMPACT_LIMIT
from policies.models import Case, Evidence, Membership
from policies.models.fields import localize
from policies.selectors.access import CASE_EDITING_ROLES, get_case_for_user, require_role
from policies.selectors.cross_impact import (
    case_impact_matrix,
    cross_impact_view,
    format_impact,
)
from policies.services.cross_impact import (
    export_matrix,
    import_matrix,
    parse_impact_value,
    promote_cib_scenario,
    set_impact,
)
from policies.services.scenarios import parse_plausibility, posted_state

TEMPLATE = "policies/cross_impacts.html"
#: An uploaded matrix larger than this is refused before it is read (a 30 x 30 matrix is about 5 KB).
MAX_MATRIX_FILE_BYTES = 1_000_000
PLAUSIBILITIES = [1, 2, 3, 4, 5]


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE)[:2]


def _context(
    case: Case, membership: Membership, *, scenario_slug: str | None = None, **extra: Any
) -> dict[str, Any]:
    view = cross_impact_view(case, scenario_slug=scenario_slug)
    return {
        "case": case,
        "membership": membership,
        "can_edit": membership.role in CASE_EDITING_ROLES,
        "view": view,
        "matrix": view.matrix,
        "result": view.result,
        "limit": IMPACT_LIMIT,
        "plausibilities": PLAUSIBILITIES,
        "dossier_screen": "cross-impacts",
        **extra,
    }


@login_required
def cross_impacts(request: HttpRequest, case_id: int) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    return render(request, TEMPLATE, _context(case, membership, scenario_slug=request.GET.get("scenario")))


@login_required
@require_POST
def impact_save(request: HttpRequest, case_id: int) -> HttpResponse:
    """One cell typed in the grid: answers with the cell's status (saved, or why not) for htmx."""
    case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    try:
        source = posted_state(case, request.POST.get("source"))
        target = posted_state(case, request.POST.get("target"))
        value = parse_impact_value(request.POST.get("value"))
        set_impact(case=case, source=source, target=target, value=value)
    except ValidationError as exc:
        return render(request, f"{TEMPLATE}#impact-status", {"error": exc.messages[0]}, status=422)
    response = render(request, f"{TEMPLATE}#impact-status", {"label": format_impact(value)})
    response["HX-Trigger"] = "impact-saved"
    return response


class ImpactCellForm(forms.Form):
    """A cell's value, reason (in each language) and evidence."""

    value = forms.CharField(label=gettext_lazy("Impact"), max_length=4, required=False)
    reason_en = forms.CharField(label=gettext_lazy("Reason (English)"), widget=forms.Textarea, required=False)
    reason_fr = forms.CharField(label=gettext_lazy("Reason (French)"), widget=forms.Textarea, required=False)
    illustrative = forms.BooleanField(
        label=gettext_lazy("Illustrative: the case's sources do not support this judgment"), required=False
    )
    evidence = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Evidence"),
        queryset=Evidence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["evidence"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = case.evidence.select_related("source").order_by("position", "pk")
        field.label_from_instance = lambda item: f"{item.key}: {localize(item.text)[:120]}"  # type: ignore[method-assign,assignment]

    def clean_value(self) -> int:
        return parse_impact_value(self.cleaned_data.get("value"))


@login_required
def impact_cell(request: HttpRequest, case_id: int, source_id: int, target_id: int) -> HttpResponse:
    """A cell's reason, illustrative mark and evidence: members read them, editors change them."""
    case, membership = get_case_for_user(request.user, case_id)
    try:
        source, target = posted_state(case, source_id), posted_state(case, target_id)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc
    if source.driver_id == target.driver_id:
        raise Http404(_("No impact is rated between states of one driver."))
    matrix = case_impact_matrix(case)
    judgment = matrix.judgments.get((source.pk, target.pk))
    can_edit = membership.role in CASE_EDITING_ROLES
    status = 200
    if request.method == "POST":
        require_role(membership, CASE_EDITING_ROLES)
        form = ImpactCellForm(request.POST, case=case)
        if form.is_valid():
            try:
                set_impact(
                    case=case,
                    source=source,
                    target=target,
                    value=form.cleaned_data["value"],
                    reason={
                        "en": form.cleaned_data["reason_en"].strip(),
                        "fr": form.cleaned_data["reason_fr"].strip(),
                    },
                    illustrative=form.cleaned_data["illustrative"],
                    evidence=form.cleaned_data["evidence"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The impact was saved."))
                return redirect("cross-impacts", case_id=case.pk)
        status = 422
    else:
        reason = judgment.reason if judgment else {}
        form = ImpactCellForm(
            initial={
                "value": f"{judgment.value:+d}" if judgment and judgment.value else "0",
                "reason_en": reason.get("en", ""),
                "reason_fr": reason.get("fr", ""),
                "illustrative": judgment.illustrative if judgment else False,
                "evidence": list(judgment.evidence.all()) if judgment else [],
            },
            case=case,
        )
    context = {
        "case": case,
        "source": source,
        "target": target,
        "judgment": judgment,
        "form": form,
        "can_edit": can_edit,
        "dossier_screen": "cross-impacts",
    }
    return render(request, "policies/cross_impact_cell.html", context, status=status)


FORMATS = {
    "scw": ("application/octet-stream", write_scw),
    "csv": ("text/csv; charset=utf-8", write_matrix_csv),
}


@login_required
def impact_export(request: HttpRequest, case_id: int, file_format: str) -> HttpResponse:
    """The matrix as a ScenarioWizard project file or a CSV table, names in the reader's language."""
    case, _membership = get_case_for_user(request.user, case_id)
    if file_format not in FORMATS:
        raise Http404(_("Unknown file format."))
    content_type, write = FORMATS[file_format]
    try:
        data = write(export_matrix(case, language=_language()))
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("cross-impacts", case_id=case.pk)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{case.key}-cross-impacts.{file_format}"'
    return response


@login_required
@require_POST
def impact_import(request: HttpRequest, case_id: int) -> HttpResponse:
    """Replace the matrix by an uploaded .scw or .csv file; a malformed file is refused with its line and why."""
    case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    upload = request.FILES.get("file")
    problems: list[str] = []
    if upload is None:
        problems.append(_("Choose a .scw or .csv file."))
    else:
        name = (upload.name or "").lower()
        data = upload.read(MAX_MATRIX_FILE_BYTES + 1)
        if len(data) > MAX_MATRIX_FILE_BYTES:
            problems.append(_("The file is larger than 1 MB: no matrix file is that large."))
        elif not name.endswith((".scw", ".csv", ".txt")):
            problems.append(_("Choose a .scw (ScenarioWizard) or .csv file."))
        else:
            try:
                parsed = read_scw(data) if name.endswith(".scw") else read_matrix_csv(data)
                count = import_matrix(case=case, matrix=parsed)
            except MatrixFileError as exc:
                problems.append(_("Line %(line)d: %(reason)s") % {"line": exc.line, "reason": exc.reason})
            except ValidationError as exc:
                problems.extend(exc.messages)
            else:
                messages.success(request, _("The matrix was imported: %(count)d impacts.") % {"count": count})
                return redirect("cross-impacts", case_id=case.pk)
    context = _context(case, membership, import_problems=problems)
    return render(request, TEMPLATE, context, status=422)


@login_required
@require_POST
def cib_promote(request: HttpRequest, case_id: int) -> HttpResponse:
    """Make a case's scenario of a consistent scenario of the matrix, with a generated narrative skeleton."""
    case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    errors: list[str] = []
    try:
        states = [posted_state(case, raw) for raw in request.POST.getlist("state")]
        plausibility = parse_plausibility(request.POST.get("plausibility"))
        scenario = promote_cib_scenario(
            case=case,
            states=states,
            name=request.POST.get("name", ""),
            plausibility=plausibility,
            language=_language(),
        )
    except ValidationError as exc:
        errors.extend(exc.messages)
    else:
        messages.success(
            request, _("The scenario “%(name)s” was created.") % {"name": localize(scenario.name)}
        )
        return redirect("cross-impacts", case_id=case.pk)
    return render(request, TEMPLATE, _context(case, membership, promote_errors=errors), status=422)
