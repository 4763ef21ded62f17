"""Cases: list, summary, the case-file export and import, and the options, criteria and scenarios of a case.

Same rules as the web pages: any member of the case's team reads it; exporting and importing need a case-editing
role (owner, facilitator, analyst); another team's case is a 404.
"""

import json
from typing import Annotated, Any

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
    CriterionOut,
    OptionOut,
    ScenarioOut,
)
from policies.casefile.schema import CaseFile
from policies.casefile.validation import CaseFileError, parse_case_file
from policies.models import Case, Criterion, Option, Scenario
from policies.selectors.access import CASE_EDITING_ROLES, get_case_for_user, get_team_for_user, require_role
from policies.selectors.case_export import export_case
from policies.services.case_files import import_case_file

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
def list_cases(request: HttpRequest) -> QuerySet[Case]:
    return _cases_for(request).order_by("team__name", "key", "pk")


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
            "exercises": case.exercises.filter(team_id=case.team_id).count(),
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
    document = export_case(case, with_exercises=exercises)
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
    response={201: CaseImportedOut, **errors(400, 401, 403, 404, 413, 422)},
    auth=WRITE,
    summary="Import a case file into a team",
    description=(
        "Validates the whole file first: on any problem nothing is written and the 422 lists every problem "
        "with its JSON path. With `as_new` (the default) a case whose id the team already uses gets a fresh "
        "id; without it, that case is updated in place. Roles: owner, facilitator, analyst."
    ),
    openapi_extra=IMPORT_BODY,
    url_name="case-import",
)
def import_case(
    request: HttpRequest,
    slug: TeamSlug,
    response: HttpResponse,
    as_new: Annotated[bool, Query(description="Import as a new case if the id is taken.")] = True,
) -> Status[dict[str, Any]]:
    team, membership = get_team_for_user(principal(request).user, slug)
    require_role(membership, CASE_EDITING_ROLES)
    raw = read_body(request)
    try:
        case_file = parse_case_file(raw)
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
    try:
        with transaction.atomic():
            case = import_case_file(case_file=case_file, team=team, as_new=as_new)
    except (DataError, IntegrityError, OverflowError) as exc:
        # A value the checks above missed and the database refused: still the file's fault, still nothing written.
        logger.warning("Case import refused by the database: %s", exc)
        raise ApiError(
            422,
            _("The database refused a value of the case file; nothing was imported."),
            code="invalid_case_file",
        ) from exc
    response["Location"] = reverse("api:case-detail", kwargs={"case_id": case.pk})
    return Status(201, {"id": case.pk, "key": case.key, "team": team.slug, "title": case.title})


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
