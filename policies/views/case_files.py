"""Case files on the web: export a case, import one into a team, copy a shared template."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from policies.casefile.validation import MAX_CASE_FILE_BYTES, CaseFileError, parse_case_file
from policies.models import Case
from policies.selectors.access import CASE_EDITING_ROLES, get_case_for_user, get_team_for_user, require_role
from policies.selectors.case_export import export_case
from policies.services.case_files import clone_case, import_case_file


class CaseUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Case file (JSON)"))
    as_new = forms.BooleanField(
        label=gettext_lazy("Import as a new case even if the team already has a case with this id"),
        required=False,
        initial=True,
    )


@login_required
def case_export(request: HttpRequest, case_id: int) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    with_exercises = request.GET.get("exercises", "1") != "0"
    document = export_case(case, with_exercises=with_exercises)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{case.key}.json"'
    return response


@login_required
def case_import(request: HttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, CASE_EDITING_ROLES)
    posted = request.method == "POST"
    form = CaseUploadForm(request.POST if posted else None, request.FILES if posted else None)
    problems: list[object] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # One byte past the limit is enough for the parser to refuse an oversized file.
            case_file = parse_case_file(upload.read(MAX_CASE_FILE_BYTES + 1))
        except CaseFileError as exc:
            problems = list(exc.problems)
            status = 422
        else:
            case = import_case_file(case_file=case_file, team=team, as_new=form.cleaned_data["as_new"])
            messages.success(request, _("The case was imported."))
            return redirect("case", case_id=case.pk)
    elif request.method == "POST":
        status = 422
    context = {"team": team, "form": form, "problems": problems}
    return render(request, "policies/case_import.html", context, status=status)


@login_required
@require_POST
def case_clone(request: HttpRequest, slug: str, case_id: int) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, CASE_EDITING_ROLES)
    # A team may copy a shared template or one of its own cases, never another team's.
    source = (
        Case.objects.filter(pk=case_id, team__isnull=True).first()
        or Case.objects.filter(pk=case_id, team=team).first()
    )
    if source is None:
        raise Http404(_("No such case."))
    case = clone_case(case=source, team=team)
    messages.success(
        request, _("The case was copied into %(team)s; you can now edit it.") % {"team": team.name}
    )
    return redirect("case", case_id=case.pk)
