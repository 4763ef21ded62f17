"""What the case editor lists: every kind of item of a case, in order, with what each row shows."""

from dataclasses import dataclass, field

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policies.models import Case, Criterion, Option
from policies.models.fields import localize


@dataclass
class EditorRow:
    item: Model
    label: str
    detail: str = ""
    depth: int = 0  # 1 for a criterion inside a group
    children_kind: str = ""  # a driver's rows are followed by its states
    children: list["EditorRow"] = field(default_factory=list)
    group: str = ""  # rows are reordered among those of the same kind and group (a driver, a criteria group)


@dataclass
class EditorSection:
    kind: str
    title: str
    help: str
    rows: list[EditorRow]


HELP = {
    "source": gettext_lazy("The documents the case rests on; evidence cites them."),
    "evidence": gettext_lazy(
        "Passages of the sources that actors, drivers, scenarios, options and criteria cite."
    ),
    "actor": gettext_lazy("Who takes part in the crisis, and their stance."),
    "driver": gettext_lazy("Key uncertainties, each with the states it may take in a future."),
    "scenario": gettext_lazy(
        "Futures: one state of each driver. Rate how well states fit together in the scenario builder."
    ),
    "option": gettext_lazy("The policy options to compare, with their instruments and known risks."),
    "criterion": gettext_lazy(
        "The criteria tree: groups at the top, the criteria that are weighted and scored "
        "inside or beside them."
    ),
}


@dataclass
class ReferenceTable:
    """The case's reference values as the editor shows them: options down, scored criteria across."""

    criteria: list[Criterion]
    rows: list[tuple[Option, list[float | None]]]
    count: int


def reference_table(case: Case) -> ReferenceTable:
    criteria = list(case.criteria.filter(is_group=False).order_by("position", "pk"))
    held = {(r.option_id, r.criterion_id): r.value for r in case.reference_values.all()}
    rows = [
        (option, [held.get((option.pk, c.pk)) for c in criteria])
        for option in case.options.order_by("position", "pk")
    ]
    return ReferenceTable(criteria, rows, len(held))


def editor_sections(case: Case) -> list[EditorSection]:
    """The editor's sections in the order a case is usually built: sources first, criteria last."""
    sources = [EditorRow(s, localize(s.title) or s.key, s.date) for s in case.sources.all()]
    evidence = [
        EditorRow(
            e,
            localize(e.text)[:90] or e.key,
            localize(e.source.title)[:40] + (f", {e.locator}" if e.locator else ""),
        )
        for e in case.evidence.select_related("source")
    ]
    actors = [EditorRow(a, str(a), a.kind) for a in case.actors.all()]
    drivers = [
        EditorRow(
            d,
            str(d),
            "",
            children_kind="state",
            children=[EditorRow(s, str(s), depth=1, group=str(d.pk)) for s in d.states.all()],
        )
        for d in case.drivers.prefetch_related("states")
    ]
    scenarios = [
        EditorRow(s, str(s), ", ".join(str(state) for state in s.states.all()))
        for s in case.scenarios.prefetch_related("states")
    ]
    options = [EditorRow(o, str(o)) for o in case.options.all()]
    criteria: list[EditorRow] = []
    all_criteria = list(case.criteria.all())
    for top in (c for c in all_criteria if c.parent_id is None):
        detail = _("group") if top.is_group else top.get_direction_display()
        criteria.append(EditorRow(top, str(top), str(detail)))
        criteria.extend(
            EditorRow(c, str(c), str(c.get_direction_display()), depth=1, group=str(top.pk))
            for c in all_criteria
            if c.parent_id == top.pk
        )
    titles = {
        "source": _("Sources"),
        "evidence": _("Evidence"),
        "actor": _("Actors"),
        "driver": _("Drivers and their states"),
        "scenario": _("Scenarios"),
        "option": _("Options"),
        "criterion": _("Criteria"),
    }
    rows = {
        "source": sources,
        "evidence": evidence,
        "actor": actors,
        "driver": drivers,
        "scenario": scenarios,
        "option": options,
        "criterion": criteria,
    }
    return [EditorSection(kind, titles[kind], str(HELP[kind]), rows[kind]) for kind in titles]
