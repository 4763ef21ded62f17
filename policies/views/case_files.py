"""Case files on the web: export a case, import one into a team, copy a shared template."""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from policies.casefile.schema import CaseFile, case_file_json_schema
from policies.casefile.validation import MAX_CASE_FILE_BYTES, CaseFileError, parse_case_file
from policies.models import Case, Team
from policies.selectors.access import (
    CASE_EDITING_ROLES,
    FACILITATING_ROLES,
    get_case_for_user,
    get_team_for_user,
    require_role,
)
from policies.selectors.case_export import exercises_as_seen, export_case
from policies.services.case_files import (
    ImportOutcome,
    PeopleInTheWay,
    allowed_import,
    clone_case,
    import_case_file,
)
from policies.services.case_update import StalePreview, apply_update, existing_case, preview_update


class CaseUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Case file (JSON)"))
    as_new = forms.BooleanField(
        label=gettext_lazy(
            "Import as a new case even if the team already has a case with this id (otherwise you are shown "
            "what updating that case would change, and asked to confirm)"
        ),
        required=False,
        initial=False,
    )
    without_exercises = forms.BooleanField(
        label=gettext_lazy(
            "Leave out the file's exercises and their judgments (importing them needs the facilitator or owner "
            "role)"
        ),
        required=False,
        initial=False,
    )
    replace_people = forms.BooleanField(
        label=gettext_lazy(
            "Replace the judgments of people who take part in the team's exercises, where the file has theirs"
        ),
        required=False,
        initial=False,
    )


# The format's description, served as written so the import page can link it (the image ships docs/).
CASE_FORMAT_DOCUMENT = settings.BASE_DIR / "docs" / "case-format.md"


@require_safe
def case_format(request: HttpRequest) -> HttpResponse:
    """The case-file format document, as plain text (it is Markdown, readable as is)."""
    try:
        text = CASE_FORMAT_DOCUMENT.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise Http404(_("The format document is not installed.")) from exc
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@require_safe
def case_format_schema(request: HttpRequest) -> HttpResponse:
    """The case file's JSON Schema, generated from the code that reads case files, so it is always current."""
    return HttpResponse(
        json.dumps(case_file_json_schema(), ensure_ascii=False, indent=2) + "\n",
        content_type="application/schema+json; charset=utf-8",
    )


@login_required
def case_export(request: HttpRequest, case_id: int) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    with_exercises = request.GET.get("exercises", "1") != "0"
    seen = exercises_as_seen(case, facilitator=membership.role in FACILITATING_ROLES)
    document = export_case(case, exercises=seen if with_exercises else None)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{case.key}.json"'
    return response


@login_required
def case_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a case file. A file whose case id the team already has updates that case, but only after a
    preview of every change has been confirmed (`case_update_confirm`); a file that matches it changes nothing."""
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, CASE_EDITING_ROLES)
    posted = request.method == "POST"
    form = CaseUploadForm(request.POST if posted else None, request.FILES if posted else None)
    problems: list[object] = []
    refusal = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # One byte past the limit is enough for the parser to refuse an oversized file.
        raw = upload.read(MAX_CASE_FILE_BYTES + 1)
        try:
            case_file = parse_case_file(raw)
        except CaseFileError as exc:
            problems = list(exc.problems)
            status = 422
        else:
            with_exercises = not form.cleaned_data["without_exercises"]
            replace_people = form.cleaned_data["replace_people"]
            try:
                existing = None if form.cleaned_data["as_new"] else existing_case(case_file, team.pk)
                if existing is not None:
                    allowed = allowed_import(
                        case_file=case_file, importer=membership, with_exercises=with_exercises
                    )
                    return _preview(request, team, existing, allowed, raw, with_exercises, replace_people)
                outcome = import_case_file(
                    case_file=case_file,
                    team=team,
                    importer=membership,
                    as_new=form.cleaned_data["as_new"],
                    with_exercises=with_exercises,
                    replace_people=replace_people,
                )
            except (PermissionDenied, PeopleInTheWay) as exc:
                refusal = str(exc.args[0]) if exc.args else str(exc)
                status = 403 if isinstance(exc, PermissionDenied) else 409
            else:
                return _imported(request, outcome)
    elif request.method == "POST":
        status = 422
    context = {"team": team, "form": form, "problems": problems, "refusal": refusal}
    return render(request, "policies/case_import.html", context, status=status)


def _imported(request: HttpRequest, outcome: ImportOutcome) -> HttpResponse:
    messages.success(request, _("The case was imported."))
    if outcome.replaced:
        messages.warning(
            request,
            _("Judgments replaced as you asked: %(people)s.") % {"people": "; ".join(outcome.replaced)},
        )
    assert outcome.case is not None
    return redirect("case", case_id=outcome.case.pk)


def _preview(
    request: HttpRequest,
    team: Team,
    case: Case,
    case_file: CaseFile,
    raw: bytes | str,
    with_exercises: bool,
    replace_people: bool,
    *,
    notice: str = "",
) -> HttpResponse:
    """What updating `case` from the file would change, with the file carried to the confirmation."""
    update = preview_update(case_file, case)
    if update.unchanged:
        messages.info(request, _("The file matches this case: nothing was changed."))
        return redirect("case", case_id=case.pk)
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    context = {
        "team": team,
        "case": case,
        "update": update,
        "document": text.removeprefix("\ufeff"),
        "with_exercises": with_exercises,
        "replace_people": replace_people,
        "notice": notice,
    }
    return render(request, "policies/case_update_preview.html", context)


@login_required
@require_POST
def case_update_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Apply an update the person has seen previewed, provided the case has not changed since."""
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, CASE_EDITING_ROLES)
    raw = request.POST.get("document", "")
    with_exercises = request.POST.get("with_exercises") == "1"
    replace_people = request.POST.get("replace_people") == "1"
    refusal = ""
    problems: list[object] = []
    try:
        case_file = allowed_import(
            case_file=parse_case_file(raw.encode()), importer=membership, with_exercises=with_exercises
        )
        case = existing_case(case_file, team.pk)
        if case is None:
            raise Http404(_("No such case."))
        outcome = apply_update(
            case_file=case_file,
            case=case,
            fingerprint=request.POST.get("fingerprint", ""),
            replace_people=replace_people,
        )
    except CaseFileError as exc:
        problems, status = list(exc.problems), 422
    except StalePreview as exc:
        assert case is not None
        return _preview(
            request, team, case, case_file, raw, with_exercises, replace_people, notice=str(exc.args[0])
        )
    except (PermissionDenied, PeopleInTheWay) as exc:
        refusal = str(exc.args[0]) if exc.args else str(exc)
        status = 403 if isinstance(exc, PermissionDenied) else 409
    else:
        return _imported(request, outcome)
    context = {"team": team, "form": CaseUploadForm(), "problems": problems, "refusal": refusal}
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
    case = clone_case(case=source, team=team, importer=membership)
    messages.success(
        request, _("The case was copied into %(team)s; you can now edit it.") % {"team": team.name}
    )
    return redirect("case", case_id=case.pk)
