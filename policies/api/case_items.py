"""Case items through the API: create, read, update, delete and reorder sources, evidence, actors, drivers,
driver states, scenarios, options and criteria.

The same forms check the values and the same service writes them as in the web editor
(`policies.services.case_editing`), under the same roles: any member reads, owners, facilitators and analysts
write. An item is named by its numeric `id` or its `key`. Every update and delete carries the `version` it was
made from; a stale one is refused with 409 and the stored item, so nothing is lost silently.
"""

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Body, Path, Query, Router
from ninja.responses import Status

from policies.api.auth import READ, WRITE, principal
from policies.api.errors import ApiError
from policies.api.responses import errors
from policies.api.schemas import MAX_ID
from policies.case_forms import FORMS, CaseHeaderForm, CaseItemForm
from policies.models import Case, DriverState
from policies.selectors.access import CASE_EDITING_ROLES, get_case_for_user, get_team_for_user, require_role
from policies.services.case_editing import (
    StaleEdit,
    create_case,
    delete_case_item,
    reorder_case_items,
    save_case_header,
    save_case_item,
    siblings,
)

router = Router(tags=["case items"])

CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id of the case.")]
Kind = Annotated[
    str,
    Path(
        pattern="^(source|evidence|actor|driver|state|scenario|option|criterion)$",
        description="source, evidence, actor, driver, state (a driver's state), scenario, option or criterion.",
    ),
]
Ref = Annotated[str, Path(max_length=80, description="The item's numeric id or its key.")]

# Item fields the API shows and takes, besides the bilingual ones; links are given by key (or id).
CRITERION_FIELDS = (
    "direction",
    "scale_min",
    "scale_max",
    "unit",
    "preference_function",
    "indifference_threshold",
    "preference_threshold",
    "gaussian_spread",
)


def case_for(request: HttpRequest, case_id: int, *, write: bool) -> Case:
    case, membership = get_case_for_user(principal(request).user, case_id)
    if write:
        require_role(membership, CASE_EDITING_ROLES)
    return case


def _rows(case: Case, model: type[Model]) -> Any:
    if model is DriverState:
        return DriverState.objects.filter(driver__case=case).select_related("driver")
    return model._default_manager.filter(case=case)


def find(case: Case, model: type[Model], ref: Any, *, where: str = "$") -> Model:
    """An item of `case` by its id (a number) or key; a driver state's key may be written "driver/state"."""
    rows = _rows(case, model)
    text = str(ref).strip()
    found = None
    if text.isdigit() and int(text) <= MAX_ID:
        found = rows.filter(pk=int(text)).first()
    if found is None and model is DriverState and "/" in text:
        driver, state = text.split("/", 1)
        found = rows.filter(driver__key=driver, key=state).first()
    if found is None:
        matches = list(rows.filter(key=text)[:2])
        found = matches[0] if len(matches) == 1 else None
    if found is None:
        raise ApiError(
            404 if where == "$" else 422,
            _("No %(kind)s “%(ref)s” in this case.") % {"kind": model._meta.verbose_name, "ref": text},
            details=[] if where == "$" else [{"path": where, "message": _("Unknown item.")}],
        )
    item: Model = found
    return item


def item_out(kind: str, item: Any) -> dict[str, Any]:
    """The item as the API shows it: texts as {"en", "fr"}, links by key."""
    form_class = FORMS[kind]
    out: dict[str, Any] = {
        "id": item.pk,
        "key": item.key,
        "kind": kind,
        "position": item.position,
        "version": item.version,
    }
    for name in form_class.bilingual:
        out[name] = getattr(item, name) or {}
    for name in form_class._meta.fields or []:
        field = item._meta.get_field(name)
        if field.many_to_many:
            out[name] = [row.key for row in getattr(item, name).all()]
        elif field.many_to_one:
            related = getattr(item, name)
            out[name] = related.key if related is not None else None
        else:
            out[name] = getattr(item, name)
    if kind == "scenario":
        out["states"] = {state.driver.key: state.key for state in item.states.select_related("driver")}
    if kind == "criterion":
        out["is_group"] = item.is_group
    return out


def _form_data(
    case: Case, kind: str, body: dict[str, Any], current: Model | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The web form's fields from a JSON body, starting from the stored values for an update; unknown fields
    and unknown linked items are listed, all at once."""
    form_class = FORMS[kind]
    model = form_class._meta.model
    problems: list[dict[str, str]] = []
    start = form_class(instance=current, case=case)
    data: dict[str, Any] = {}
    for name in start.fields:
        value = start[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            data[name] = "on" if value else ""
        else:
            data[name] = "" if value is None else str(value)
    known = {"version", *form_class.bilingual, *(form_class._meta.fields or [])}
    if kind == "scenario":
        known.add("states")
    if kind == "criterion":
        known.add("is_group")
    for name, value in body.items():
        path = f"$.{name}"
        if name not in known:
            problems.append({"path": path, "message": _("Unknown field.")})
            continue
        if name == "version":
            data["version"] = "" if value is None else str(value)
        elif name in form_class.bilingual:
            texts = value if isinstance(value, dict) else {"en": value}
            for lang in texts:
                if lang not in ("en", "fr"):
                    problems.append({"path": f"{path}.{lang}", "message": _("Languages are en and fr.")})
            for lang in ("en", "fr"):
                if lang in texts:
                    data[f"{name}_{lang}"] = "" if texts[lang] is None else str(texts[lang])
        elif name == "is_group":
            data["is_group_choice"] = "on" if value else ""
        elif name == "states":
            _scenario_states(case, value, data, problems)
        else:
            field = model._meta.get_field(name)
            if field.many_to_many:
                refs = value if isinstance(value, list) else [value]
                related = field.related_model
                assert isinstance(related, type)
                found = []
                for index, ref in enumerate(refs):
                    try:
                        found.append(str(find(case, related, ref, where=f"{path}[{index}]").pk))
                    except ApiError as exc:
                        problems.extend(exc.details)
                data[name] = found
            elif field.many_to_one:
                related = field.related_model
                assert isinstance(related, type)
                if value in (None, ""):
                    data[name] = ""
                else:
                    try:
                        data[name] = str(find(case, related, value, where=path).pk)
                    except ApiError as exc:
                        problems.extend(exc.details)
            else:
                data[name] = "" if value is None else str(value)
    return data, problems


def _scenario_states(case: Case, value: Any, data: dict[str, Any], problems: list[dict[str, str]]) -> None:
    """{"driver key": "state key" or null}: one state per driver, as the web form's driver fields."""
    if not isinstance(value, dict):
        problems.append({"path": "$.states", "message": _("Give {driver: state} pairs.")})
        return
    for driver_ref, state_ref in value.items():
        driver = case.drivers.filter(key=str(driver_ref)).first()
        if driver is None and str(driver_ref).isdigit():
            driver = case.drivers.filter(pk=int(driver_ref)).first()
        if driver is None:
            problems.append({"path": f"$.states.{driver_ref}", "message": _("Unknown driver.")})
            continue
        if state_ref in (None, ""):
            data[f"driver_{driver.pk}"] = ""
            continue
        state = driver.states.filter(key=str(state_ref)).first()
        if state is None:
            problems.append({"path": f"$.states.{driver_ref}", "message": _("Unknown state of this driver.")})
            continue
        data[f"driver_{driver.pk}"] = str(state.pk)


def _invalid(form: CaseItemForm[Any], problems: list[dict[str, str]]) -> ApiError:
    details = list(problems)
    for name, messages in form.errors.items():
        path = "$" if name == "__all__" else "$." + name.removesuffix("_choice")
        if name.endswith(("_en", "_fr")) and name[:-3] in form.bilingual:
            path = f"$.{name[:-3]}.{name[-2:]}"
        details.extend({"path": path, "message": str(message)} for message in messages)
    return ApiError(
        422,
        _("The item has %(count)s problems; nothing was saved.") % {"count": len(details)},
        details=details,
    )


def _save(case: Case, kind: str, body: dict[str, Any], current: Model | None) -> Model:
    data, problems = _form_data(case, kind, body, current)
    form = FORMS[kind](data, instance=current, case=case)
    valid = form.is_valid()
    if problems or not valid:
        raise _invalid(form, problems)
    try:
        saved: Model = save_case_item(case=case, form=form)
    except StaleEdit as stale:
        raise ApiError(
            409,
            _(
                "The item changed since version %(yours)s; it is now at version %(now)s. Read it and try again."
            )
            % {"yours": data.get("version") or "?", "now": stale.version},
            code="stale_version",
            details=[
                {
                    "path": f"$.{c.field}",
                    "message": _("Changed since your version: now “%(now)s”, was “%(then)s”.")
                    % {"now": c.saved, "then": c.yours},
                }
                for c in stale.since
            ]
            or [
                {"path": f"$.{c.field}", "message": _("Stored: “%(saved)s”.") % {"saved": c.saved}}
                for c in stale.conflicts
            ],
        ) from stale
    return saved


ItemBody = Annotated[dict[str, Any], Body(description='The item\'s fields; texts as {"en": ..., "fr": ...}.')]


@router.get(
    "/cases/{case_id}/items/{kind}",
    response={200: list[dict[str, Any]], **errors(401, 403, 404, 422)},
    auth=READ,
    summary="The items of one kind in a case, in order",
    url_name="case-items",
)
def list_items(request: HttpRequest, case_id: CaseId, kind: Kind) -> list[dict[str, Any]]:
    case = case_for(request, case_id, write=False)
    model = FORMS[kind]._meta.model
    rows = _rows(case, model).order_by(
        *(["driver__position"] if model is DriverState else []), "position", "pk"
    )
    return [item_out(kind, row) for row in rows]


@router.get(
    "/cases/{case_id}/items/{kind}/{ref}",
    response={200: dict[str, Any], **errors(401, 403, 404, 422)},
    auth=READ,
    summary="One item, by id or key, with its version",
    url_name="case-item",
)
def get_item(request: HttpRequest, case_id: CaseId, kind: Kind, ref: Ref) -> dict[str, Any]:
    case = case_for(request, case_id, write=False)
    return item_out(kind, find(case, FORMS[kind]._meta.model, ref))


@router.post(
    "/cases/{case_id}/items/{kind}",
    response={201: dict[str, Any], **errors(400, 401, 403, 404, 413, 422)},
    auth=WRITE,
    summary="Add an item to a case",
    description="Checked like the web editor's form; every problem is listed at once (422). Roles: owner, "
    "facilitator, analyst.",
    url_name="case-item-create",
)
def create_item(request: HttpRequest, case_id: CaseId, kind: Kind, body: ItemBody) -> Status[dict[str, Any]]:
    case = case_for(request, case_id, write=True)
    body = {name: value for name, value in body.items() if name != "version"}
    item = _save(case, kind, body, None)
    return Status(201, item_out(kind, item))


@router.patch(
    "/cases/{case_id}/items/{kind}/{ref}",
    response={200: dict[str, Any], **errors(400, 401, 403, 404, 409, 413, 422)},
    auth=WRITE,
    summary="Change an item: send `version` and the fields to change",
    description="A `version` other than the stored one is refused with 409 (nothing written), naming the fields "
    "that differ.",
    url_name="case-item-update",
)
def update_item(
    request: HttpRequest, case_id: CaseId, kind: Kind, ref: Ref, body: ItemBody
) -> dict[str, Any]:
    case = case_for(request, case_id, write=True)
    current = find(case, FORMS[kind]._meta.model, ref)
    if "version" not in body:
        raise ApiError(
            422, _("Send the version you read."), details=[{"path": "$.version", "message": _("Required.")}]
        )
    return item_out(kind, _save(case, kind, body, current))


@router.delete(
    "/cases/{case_id}/items/{kind}/{ref}",
    response={200: dict[str, Any], **errors(401, 403, 404, 409, 422)},
    auth=WRITE,
    summary="Delete an item, restorable for 30 days on the web",
    description="Answers what the deletion took along (judgments, links). 409 if `version` is not the stored "
    "one, or if other items cite this one (a source cited by evidence).",
    url_name="case-item-delete",
)
def delete_item(
    request: HttpRequest,
    case_id: CaseId,
    kind: Kind,
    ref: Ref,
    version: Annotated[
        int | None, Query(ge=0, le=2**31, description="The version you read (required).")
    ] = None,
) -> dict[str, Any]:
    case = case_for(request, case_id, write=True)
    if version is None:
        raise ApiError(
            422,
            _("Send the version you read, as ?version=."),
            details=[{"location": "query", "path": "version", "message": _("Required.")}],
        )
    item = find(case, FORMS[kind]._meta.model, ref)
    try:
        deleted = delete_case_item(
            case=case, kind=kind, item=item, user=principal(request).user, version=version
        )
    except StaleEdit as stale:
        raise ApiError(
            409, _("The item is now at version %(now)s.") % {"now": stale.version}, code="stale_version"
        ) from stale
    except ValidationError as exc:
        raise ApiError(409, " ".join(exc.messages), code="cited") from exc
    return {
        "deleted": deleted.label,
        "took_along": [{"what": label, "count": count} for label, count in deleted.account],
        "restore": reverse("case-item-restore", args=[case.pk, deleted.pk]),
    }


@router.put(
    "/cases/{case_id}/order/{kind}",
    response={200: list[dict[str, Any]], **errors(400, 401, 403, 404, 413, 422)},
    auth=WRITE,
    summary="Reorder the items of one list: every id or key of the list, once, in the new order",
    description="A list is a case's items of one kind, a driver's states, or the criteria of one group (or the "
    "top of the tree).",
    url_name="case-items-reorder",
)
def reorder_items(
    request: HttpRequest,
    case_id: CaseId,
    kind: Kind,
    body: Annotated[dict[str, list[str | int]], Body(description='{"order": [id or key, ...]}')],
) -> list[dict[str, Any]]:
    case = case_for(request, case_id, write=True)
    model = FORMS[kind]._meta.model
    order = body.get("order")
    if not order or set(body) != {"order"}:
        raise ApiError(422, _('Send {"order": [id or key, ...]}.'))
    rows = [find(case, model, ref, where=f"$.order[{i}]") for i, ref in enumerate(order)]
    expected = set(siblings(rows[0]).values_list("pk", flat=True))
    if len({row.pk for row in rows}) != len(rows) or {row.pk for row in rows} != expected:
        raise ApiError(422, _("Give every item of one list, each once."))
    reorder_case_items(rows=rows)
    return [item_out(kind, row) for row in siblings(rows[0]).order_by("position", "pk")]


# -- the case itself: a blank case, and its title, question and summary ------------------------------------


def header_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "key": case.key,
        "version": case.version,
        "title": case.title,
        "question": case.question,
        "summary": case.summary,
        "period": case.period,
        "region": case.region,
    }


def _header_form(body: dict[str, Any], case: Case | None) -> CaseHeaderForm:
    start = CaseHeaderForm(instance=case)
    data: dict[str, Any] = {
        name: "" if start[name].value() is None else str(start[name].value()) for name in start.fields
    }
    problems: list[dict[str, str]] = []
    for name, value in body.items():
        if name in CaseHeaderForm.bilingual:
            texts = value if isinstance(value, dict) else {"en": value}
            for lang, text in texts.items():
                if lang not in ("en", "fr"):
                    problems.append({"path": f"$.{name}.{lang}", "message": _("Languages are en and fr.")})
                else:
                    data[f"{name}_{lang}"] = "" if text is None else str(text)
        elif name in ("period", "region", "version"):
            data[name] = "" if value is None else str(value)
        else:
            problems.append({"path": f"$.{name}", "message": _("Unknown field.")})
    form = CaseHeaderForm(data, instance=case)
    if not form.is_valid() or problems:
        for name, messages in form.errors.items():
            path = f"$.{name[:-3]}.{name[-2:]}" if name[-3:] in ("_en", "_fr") else f"$.{name}"
            problems.extend({"path": path, "message": str(message)} for message in messages)
        raise ApiError(
            422,
            _("The case has %(count)s problems; nothing was saved.") % {"count": len(problems)},
            details=problems,
        )
    return form


@router.post(
    "/teams/{slug}/cases/blank",
    response={201: dict[str, Any], **errors(400, 401, 403, 404, 413, 422)},
    auth=WRITE,
    summary="Create an empty case in a team: a title is enough",
    description="Then add its items with POST /cases/{case_id}/items/{kind}. Roles: owner, facilitator, analyst.",
    url_name="case-create",
)
def create_blank_case(
    request: HttpRequest,
    slug: Annotated[str, Path(pattern=r"^[-a-zA-Z0-9_]+$", max_length=60, description="Slug of the team.")],
    body: ItemBody,
) -> Status[dict[str, Any]]:
    team, membership = get_team_for_user(principal(request).user, slug)
    require_role(membership, CASE_EDITING_ROLES)
    body = {name: value for name, value in body.items() if name != "version"}
    return Status(201, header_out(create_case(team=team, form=_header_form(body, None))))


@router.patch(
    "/cases/{case_id}/header",
    response={200: dict[str, Any], **errors(400, 401, 403, 404, 409, 413, 422)},
    auth=WRITE,
    summary="Change a case's title, question, summary, period or region: send `version` and the fields",
    url_name="case-header-update",
)
def update_header(request: HttpRequest, case_id: CaseId, body: ItemBody) -> dict[str, Any]:
    case = case_for(request, case_id, write=True)
    if "version" not in body:
        raise ApiError(
            422, _("Send the version you read."), details=[{"path": "$.version", "message": _("Required.")}]
        )
    try:
        saved = save_case_header(case=case, form=_header_form(body, case))
    except StaleEdit as stale:
        raise ApiError(
            409,
            _(
                "The case changed since version %(yours)s; it is now at version %(now)s. Read it and try again."
            )
            % {"yours": body.get("version"), "now": stale.version},
            code="stale_version",
            details=[
                {"path": f"$.{c.field}", "message": _("Stored: “%(saved)s”.") % {"saved": c.saved}}
                for c in stale.conflicts
            ],
        ) from stale
    return header_out(saved)
