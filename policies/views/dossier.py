"""The dossier of a case, read-only: actors, drivers and scenarios, options, criteria, sources and evidence.

Every member of the case's team may read it, whatever their role; another team's case is a 404.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from policies.models import Case, Membership
from policies.selectors.access import get_case_for_user
from policies.selectors.case_dossier import (
    case_actors,
    case_criteria_tree,
    case_futures,
    case_options,
    case_sources,
)

# Labels of the `kind` values of the case-file format (docs: case-format.md); an unknown kind shows as is.
ACTOR_KINDS: dict[str, Promise] = {
    "state": _("State"),
    "armed_group": _("Armed group"),
    "regional_body": _("Regional body"),
    "donor": _("Donor"),
    "political": _("Political actor"),
    "criminal_network": _("Criminal network"),
    "community": _("Community"),
    "other": _("Other"),
}
SOURCE_KINDS: dict[str, Promise] = {
    "research_paper": _("Research paper"),
    "panel_summary": _("Panel summary"),
    "abstract": _("Abstract"),
    "blog": _("Blog post"),
    "article": _("Article"),
    "report": _("Report"),
    "other": _("Other"),
}


def _kind_label(kinds: dict[str, Promise], kind: str) -> str:
    return str(kinds.get(kind, kind))


def _render(
    request: HttpRequest, screen: str, case: Case, membership: Membership, **context: Any
) -> HttpResponse:
    return render(
        request,
        f"policies/dossier_{screen}.html",
        {"case": case, "membership": membership, "dossier_screen": screen, **context},
    )


@login_required
def actors(request: HttpRequest, case_id: int) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    items = [(actor, _kind_label(ACTOR_KINDS, actor.kind)) for actor in case_actors(case)]
    return _render(request, "actors", case, membership, actors=items)


@login_required
def futures(request: HttpRequest, case_id: int) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    return _render(request, "futures", case, membership, futures=case_futures(case))


@login_required
def options(request: HttpRequest, case_id: int) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    return _render(request, "options", case, membership, options=case_options(case))


@login_required
def criteria(request: HttpRequest, case_id: int) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    return _render(request, "criteria", case, membership, tree=case_criteria_tree(case))


@login_required
def sources(request: HttpRequest, case_id: int) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    items = [(source, _kind_label(SOURCE_KINDS, source.kind)) for source in case_sources(case)]
    return _render(request, "sources", case, membership, sources=items)
