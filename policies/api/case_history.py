"""A case item's history through the API, and going back to one of its versions, as the web editor's History.

Read and written under the editor's roles (owner, facilitator, analyst), like the web page: the history names who
changed what. A revert carries the `version` it was decided from; a stale one is refused with 409.
"""

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from policies.api.auth import READ, WRITE
from policies.api.case_items import CaseId, Kind, Ref, case_for, find, header_out, item_out
from policies.api.errors import ApiError
from policies.api.responses import errors
from policies.api.schemas import MAX_ID
from policies.case_forms import FORMS
from policies.selectors.case_history import HistoryEntry, item_history
from policies.services.case_editing import StaleEdit, revert_case_item

router = Router(tags=["case items"])

CHANGE_WORDS = {"+": "created", "~": "changed", "-": "deleted"}


class RevertIn(Schema):
    history_id: Annotated[
        int, Field(ge=1, le=MAX_ID, description="The version to go back to, from the history.")
    ]
    version: Annotated[int, Field(ge=0, le=2**31, description="The item's version you read.")]


def _entries_out(entries: list[HistoryEntry]) -> list[dict[str, Any]]:
    return [
        {
            "history_id": entry.history_id,
            "when": entry.when,
            "who": entry.who,
            "change": CHANGE_WORDS.get(entry.kind, entry.kind),
            "latest": entry.latest,
            "fields": [{"field": c.field, "old": c.old, "new": c.new} for c in entry.changes],
        }
        for entry in entries
    ]


def _revert(item: Model, body: RevertIn) -> Model:
    try:
        return revert_case_item(item=item, history_id=body.history_id, version=body.version)
    except StaleEdit as stale:
        raise ApiError(
            409,
            _(
                "The item changed since version %(yours)s; it is now at version %(now)s. Read it and try again."
            )
            % {"yours": body.version, "now": stale.version},
            code="stale_version",
        ) from stale
    except ValidationError as exc:
        raise ApiError(
            422, " ".join(exc.messages), details=[{"path": "$.history_id", "message": " ".join(exc.messages)}]
        ) from exc


@router.get(
    "/cases/{case_id}/items/{kind}/{ref}/history",
    response={200: list[dict[str, Any]], **errors(401, 403, 404, 422)},
    auth=READ,
    summary="An item's history, newest first: who changed which field, when, from what to what",
    description="Roles: owner, facilitator, analyst (as the web editor's History).",
    url_name="case-item-history",
)
def get_item_history(request: HttpRequest, case_id: CaseId, kind: Kind, ref: Ref) -> list[dict[str, Any]]:
    case = case_for(request, case_id, write=True)
    return _entries_out(item_history(find(case, FORMS[kind]._meta.model, ref)))


@router.post(
    "/cases/{case_id}/items/{kind}/{ref}/revert",
    response={200: dict[str, Any], **errors(400, 401, 403, 404, 409, 413, 422)},
    auth=WRITE,
    summary="Give an item the values of an earlier version from its history, as a new version",
    description="Links (an option's actors, evidence's source) stay as they are: the history keeps fields. 409 "
    "if `version` is not the stored one; 422 for a `history_id` not in this item's history.",
    url_name="case-item-revert",
)
def revert_item(
    request: HttpRequest, case_id: CaseId, kind: Kind, ref: Ref, body: RevertIn
) -> dict[str, Any]:
    case = case_for(request, case_id, write=True)
    return item_out(kind, _revert(find(case, FORMS[kind]._meta.model, ref), body))


@router.get(
    "/cases/{case_id}/header/history",
    response={200: list[dict[str, Any]], **errors(401, 403, 404, 422)},
    auth=READ,
    summary="The history of a case's title, question, summary, period and region",
    description="Roles: owner, facilitator, analyst.",
    url_name="case-header-history",
)
def get_header_history(request: HttpRequest, case_id: CaseId) -> list[dict[str, Any]]:
    return _entries_out(item_history(case_for(request, case_id, write=True)))


@router.post(
    "/cases/{case_id}/header/revert",
    response={200: dict[str, Any], **errors(400, 401, 403, 404, 409, 413, 422)},
    auth=WRITE,
    summary="Give the case's header the values of an earlier version from its history",
    url_name="case-header-revert",
)
def revert_header(request: HttpRequest, case_id: CaseId, body: RevertIn) -> dict[str, Any]:
    case = case_for(request, case_id, write=True)
    reverted = _revert(case, body)
    assert isinstance(reverted, type(case))
    return header_out(reverted)
