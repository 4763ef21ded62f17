"""Cases: list, summary, the case-file export and import, and the options, criteria and scenarios of a case.

Same rules as the web pages: any member of the case's team reads it; exporting and importing need a case-editing
role (owner, facilitator, analyst); another team's case is a 404. As on the web, a file whose case id the team
already has updates that case only in two steps: the import answers with a preview of every change and its
fingerprint, and `POST /teams/{slug}/cases/update?fingerprint=...` applies it, refused if the case changed since.
"""

import json
import re
from collections.abc import Callable
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db import DataError, IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Path, Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from policies.api.auth import READ, WRITE, principal
from policies.api.errors import MAX_BODY_BYTES, ApiError, body_too_large_message, logger
from policies.api.pagination import Page
from policies.api.responses import errors
from policies.api.schemas import (
    MAX_ID,
    CaseDetailOut,
    CaseImportedOut,
    CaseOut,
    CaseUpdatePreviewOut,
    CriterionOut,
    OptionOut,
    ScenarioOut,
)
from policies.casefile.schema import CaseFile
from policies.casefile.validation import CaseFileError, parse_case_file
from policies.models import Case, Criterion, Option, Scenario, Team
from policies.selectors.access import (
    CASE_EDITING_ROLES,
    FACILITATING_ROLES,
    get_case_for_user,
    get_team_for_user,
    require_role,
)
from policies.selectors.case_export import exercises_as_seen, export_case
from policies.services.case_files import ImportOutcome, PeopleInTheWay, allowed_import, import_case_file
from policies.services.case_update import (
    CaseUpdate,
    ItemChanges,
    StalePreview,
    apply_update,
    existing_case,
    preview_update,
)

router = Router(tags=["cases"])

CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id of the case.")]
TeamSlug = Annotated[
    str, Path(pattern=r"^[-a-zA-Z0-9_]+$", max_length=60, description="Slug of the team (see GET /me).")
]


def _cases_for(request: HttpRequest) -> QuerySet[Case]:
    user = principal(request).user
    return Case.objects.filter(team__memberships__user_id=user.pk).select_related("team")


def case_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "key": case.key,
        "team": case.team.slug if case.team else "",
        "title": case.title,
        "question": case.question,
        "period": case.period,
        "region": case.region,
        "updated": case.updated,
    }


@router.get(
    "/cases",
    response={200: list[CaseOut], **errors(401, 403, 422)},
    auth=READ,
    summary="The cases of the caller's teams",
    url_name="case-list",
)
@paginate(Page, item=case_out)
def list_cases(
    request: HttpRequest,
    team: Annotated[
        str | None,
        Query(
            pattern=r"^[-a-zA-Z0-9_]+$",
            max_length=60,
            description="Only the cases of this team (its slug, one of the caller's; see GET /me).",
        ),
    ] = None,
) -> QuerySet[Case]:
    cases = _cases_for(request)
    if team is not None:
        cases = cases.filter(team__slug=team)
    return cases.order_by("team__name", "key", "pk")


@router.get(
    "/cases/{case_id}",
    response={200: CaseDetailOut, **errors(401, 403, 404, 422)},
    auth=READ,
    summary="A case: title, question and how much it holds",
    url_name="case-detail",
)
def get_case(request: HttpRequest, case_id: CaseId) -> dict[str, Any]:
    case, membership = get_case_for_user(principal(request).user, case_id)
    return {
        **case_out(case),
        "summary": case.summary,
        "role": membership.role,
        "counts": {
            "sources": case.sources.count(),
            "evidence": case.evidence.count(),
            "actors": case.actors.count(),
            "drivers": case.drivers.count(),
            "scenarios": case.scenarios.count(),
            "options": case.options.count(),
            "criteria": case.criteria.count(),
            "exercises": case.exercises.filter(team_id=membership.team_id).count(),
        },
    }


@router.get(
    "/cases/{case_id}/export",
    response={200: CaseFile, **errors(401, 403, 404, 422)},
    auth=READ,
    summary="The case as a case-file document",
    description="The same canonical document as the web export; roles: owner, facilitator, analyst.",
    url_name="case-export",
)
def export(
    request: HttpRequest,
    case_id: CaseId,
    exercises: Annotated[bool, Query(description="Include the team's exercises and judgments.")] = True,
) -> HttpResponse:
    case, membership = get_case_for_user(principal(request).user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    seen = exercises_as_seen(case, facilitator=membership.role in FACILITATING_ROLES)
    document = export_case(case, exercises=seen if exercises else None)
    # The canonical document as is: a response model would add back the defaults the canonical form leaves out.
    return HttpResponse(json.dumps(document, ensure_ascii=False), content_type="application/json")


IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "description": "A case file (JSON, at most 5 MB), as exported; see docs/case-format.md.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CaseFile"}}},
    }
}


@router.post(
    "/teams/{slug}/cases",
    response={200: CaseUpdatePreviewOut, 201: CaseImportedOut, **errors(400, 401, 403, 404, 409, 413, 422)},
    auth=WRITE,
    summary="Import a case file into a team, or preview the update of the team's case with its id",
    description=(
        "Validates the whole file first: on any problem nothing is written and the 422 lists every problem "
        "with its JSON path. With `as_new` (the default) a case whose id the team already uses gets a fresh "
        "id (201). Without it, a file whose case id the team already has is not applied: the answer (200) is "
        "a preview of every change (items added, changed and removed per list, exercises added or changed, "
        "judgments that would go) with a `fingerprint`; POST the same file to `confirm` (the "
        "/teams/{slug}/cases/update endpoint) with that fingerprint to apply it. A file that matches the case "
        "has `unchanged: true`. Roles: owner, facilitator, analyst; a file's exercises (created, or their "
        "settings and personas' judgments updated) need the facilitator or owner role, or `exercises=false` "
        "to leave them out. Judgments of people who take part in the team's exercises are replaced only with "
        "`replace_judgments=true` (else 409, nothing written); the answer lists whose were replaced."
    ),
    openapi_extra=IMPORT_BODY,
    url_name="case-import",
)
def import_case(
    request: HttpRequest,
    slug: TeamSlug,
    response: HttpResponse,
    as_new: Annotated[bool, Query(description="Import as a new case if the id is taken.")] = True,
    exercises: Annotated[bool, Query(description="Import the file's exercises and judgments.")] = True,
    replace_judgments: Annotated[
        bool, Query(description="Replace the judgments of people who take part, where the file has theirs.")
    ] = False,
) -> Status[dict[str, Any]]:
    team, membership = get_team_for_user(principal(request).user, slug)
    require_role(membership, CASE_EDITING_ROLES)
    case_file = _case_file(read_body(request))
    existing = None if as_new else existing_case(case_file, team.pk)
    if existing is not None:
        try:
            allowed = allowed_import(case_file=case_file, importer=membership, with_exercises=exercises)
        except PermissionDenied as exc:
            raise ApiError(403, str(exc.args[0]) if exc.args else str(exc), code="forbidden") from exc
        update = preview_update(allowed, existing)
        query = f"?fingerprint={update.fingerprint}&exercises={str(exercises).lower()}"
        query += f"&replace_judgments={str(replace_judgments).lower()}"
        return Status(200, _preview_out(team, update, reverse("api:case-update", args=[team.slug]) + query))
    outcome = _write(
        lambda: import_case_file(
            case_file=case_file,
            team=team,
            importer=membership,
            as_new=as_new,
            with_exercises=exercises,
            replace_people=replace_judgments,
        )
    )
    case = outcome.case
    assert case is not None
    response["Location"] = reverse("api:case-detail", kwargs={"case_id": case.pk})
    return Status(201, _imported_out(team, outcome))


@router.post(
    "/teams/{slug}/cases/update",
    response={200: CaseImportedOut, **errors(400, 401, 403, 404, 409, 413, 422)},
    auth=WRITE,
    summary="Apply a previewed update of the team's case from a case file",
    description=(
        "The second step of an update: the same file as previewed by POST /teams/{slug}/cases?as_new=false, "
        "with the preview's `fingerprint` and the same `exercises` and `replace_judgments`. Items the file no "
        "longer holds are deleted, with the judgments given on them. Refused with 409 (`stale_preview`, "
        "nothing written) when the case changed since the preview: preview it again. A file that matches the "
        "case writes nothing (`unchanged: true`). 404 when the team has no case with the file's id. Roles as "
        "for the import."
    ),
    openapi_extra=IMPORT_BODY,
    url_name="case-update",
)
def confirm_update(
    request: HttpRequest,
    slug: TeamSlug,
    fingerprint: Annotated[
        str, Query(max_length=64, description="The fingerprint of the preview being confirmed (required).")
    ] = "",
    exercises: Annotated[bool, Query(description="Import the file's exercises and judgments.")] = True,
    replace_judgments: Annotated[
        bool, Query(description="Replace the judgments of people who take part, where the file has theirs.")
    ] = False,
) -> dict[str, Any]:
    team, membership = get_team_for_user(principal(request).user, slug)
    require_role(membership, CASE_EDITING_ROLES)
    # Checked here rather than by the parameter's pattern, so that a role without the right hears 403 first.
    if not re.fullmatch(r"[0-9a-f]{64}", fingerprint):
        raise ApiError(
            422,
            _("Send the fingerprint of the update's preview."),
            details=[{"location": "query", "path": "fingerprint", "message": _("64 hexadecimal digits.")}],
        )
    case_file = _case_file(read_body(request))
    case = existing_case(case_file, team.pk)
    if case is None:
        raise ApiError(404, _("The team has no case with this file's id; import it as a new case."))

    def update() -> ImportOutcome:
        allowed = allowed_import(case_file=case_file, importer=membership, with_exercises=exercises)
        return apply_update(
            case_file=allowed, case=case, fingerprint=fingerprint, replace_people=replace_judgments
        )

    return _imported_out(team, _write(update))


def _case_file(raw: bytes) -> CaseFile:
    """The parsed file, or the 422 listing every problem with its JSON path."""
    try:
        return parse_case_file(raw)
    except CaseFileError as exc:
        raise ApiError(
            422,
            ngettext(
                "The case file has %(count)s problem; nothing was imported.",
                "The case file has %(count)s problems; nothing was imported.",
                len(exc.problems),
            )
            % {"count": len(exc.problems)},
            code="invalid_case_file",
            details=[{"location": "body", "path": p.path, "message": p.message} for p in exc.problems],
        ) from exc


def _write(write: Callable[[], ImportOutcome]) -> ImportOutcome:
    """Run an import or an update in one transaction, its refusals as the API's errors (nothing written)."""
    try:
        with transaction.atomic():
            return write()
    except PermissionDenied as exc:
        raise ApiError(403, str(exc.args[0]) if exc.args else str(exc), code="forbidden") from exc
    except PeopleInTheWay as exc:
        raise ApiError(409, str(exc), code="would_replace_judgments") from exc
    except StalePreview as exc:
        raise ApiError(409, str(exc), code="stale_preview") from exc
    except (DataError, IntegrityError, OverflowError) as exc:
        # A value the checks above missed and the database refused: still the file's fault, still nothing written.
        logger.warning("Case import refused by the database: %s", exc)
        raise ApiError(
            422,
            _("The database refused a value of the case file; nothing was imported."),
            code="invalid_case_file",
        ) from exc


def _imported_out(team: Team, outcome: ImportOutcome) -> dict[str, Any]:
    case = outcome.case
    assert case is not None
    return {
        "id": case.pk,
        "key": case.key,
        "team": team.slug,
        "title": case.title,
        "replaced": outcome.replaced,
        "unchanged": outcome.unchanged,
    }


def _changes_out(changes: ItemChanges) -> dict[str, Any]:
    return {
        "kind": changes.kind,
        "label": changes.label,
        "added": changes.added,
        "changed": changes.changed,
        "removed": changes.removed,
    }


def _preview_out(team: Team, update: CaseUpdate, confirm: str) -> dict[str, Any]:
    case = update.case
    return {
        "id": case.pk,
        "key": case.key,
        "team": team.slug,
        "title": case.title,
        "unchanged": update.unchanged,
        "header_changed": update.header_changed,
        "items": [_changes_out(changes) for changes in update.items],
        "exercises": _changes_out(update.exercises) if update.exercises else None,
        "judgments_lost": update.judgments_lost,
        "judgments_lost_count": update.judgments_lost_count,
        "fingerprint": update.fingerprint,
        "confirm": confirm,
    }


def read_body(request: HttpRequest) -> bytes:
    """The raw body, up to MAX_BODY_BYTES (413 beyond), read from the stream so Django's form limit does not apply."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise ApiError(413, body_too_large_message())
    raw = request.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, body_too_large_message())
    if not raw:
        raise ApiError(400, _("Send the case file as the request body."))
    return raw


# -- the case's lists -------------------------------------------------------------------------------------


def option_out(o: Option) -> dict[str, Any]:
    return {
        "id": o.pk,
        "key": o.key,
        "position": o.position,
        "name": o.name,
        "description": o.description,
        "instruments": o.instruments,
        "risks": o.risks,
        "actors": [a.key for a in o.actors.all()],
        "evidence": [e.key for e in o.evidence.all()],
    }


@router.get(
    "/cases/{case_id}/options",
    response={200: list[OptionOut], **errors(401, 403, 404, 422)},
    auth=READ,
    summary="The policy options of a case",
    url_name="case-options",
)
@paginate(Page, item=option_out)
def list_options(request: HttpRequest, case_id: CaseId) -> QuerySet[Option]:
    case, _membership = get_case_for_user(principal(request).user, case_id)
    return Option.objects.filter(case=case).prefetch_related("actors", "evidence").order_by("position", "pk")


def criterion_out(c: Criterion) -> dict[str, Any]:
    leaf = not c.is_group
    return {
        "id": c.pk,
        "key": c.key,
        "position": c.position,
        "parent": c.parent.key if c.parent else None,
        "is_group": c.is_group,
        "name": c.name,
        "definition": c.definition,
        "direction": c.direction if leaf else None,
        "scale": {
            "min": c.scale_min,
            "max": c.scale_max,
            "unit": c.unit,
            "low": c.scale_low,
            "high": c.scale_high,
        }
        if leaf
        else None,
    }


@router.get(
    "/cases/{case_id}/criteria",
    response={200: list[CriterionOut], **errors(401, 403, 404, 422)},
    auth=READ,
    summary="The criteria of a case (groups and leaves, in order)",
    url_name="case-criteria",
)
@paginate(Page, item=criterion_out)
def list_criteria(request: HttpRequest, case_id: CaseId) -> QuerySet[Criterion]:
    case, _membership = get_case_for_user(principal(request).user, case_id)
    return Criterion.objects.filter(case=case).select_related("parent").order_by("position", "pk")


def scenario_out(s: Scenario) -> dict[str, Any]:
    return {
        "id": s.pk,
        "key": s.key,
        "position": s.position,
        "name": s.name,
        "narrative": s.narrative,
        "plausibility": s.plausibility,
        "states": {state.driver.key: state.key for state in s.states.all()},
    }


@router.get(
    "/cases/{case_id}/scenarios",
    response={200: list[ScenarioOut], **errors(401, 403, 404, 422)},
    auth=READ,
    summary="The scenarios of a case, with the driver states that make them",
    url_name="case-scenarios",
)
@paginate(Page, item=scenario_out)
def list_scenarios(request: HttpRequest, case_id: CaseId) -> QuerySet[Scenario]:
    case, _membership = get_case_for_user(principal(request).user, case_id)
    return Scenario.objects.filter(case=case).prefetch_related("states__driver").order_by("position", "pk")
