"""Case files in and out of a team: import (as an update or as a new case) and copying shared templates.

The web and the API import through `import_case_file`, which applies the web's role rules: any case editor
(owner, facilitator, analyst) imports a case's content, but only a facilitator or owner creates exercises or
changes their settings, and replacing the judgments of people who take part needs their explicit request.
"""

import json

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from policies.casefile.schema import CaseFile
from policies.casefile.validation import parse_case_file
from policies.models import Case, Membership, Team
from policies.selectors.access import CASE_EDITING_ROLES, FACILITATING_ROLES
from policies.selectors.case_export import export_case
from policies.services.case_editing import unique_key
from policies.services.case_import import ImportOutcome, PeopleInTheWay, import_case

__all__ = ["ImportOutcome", "PeopleInTheWay", "allowed_import", "clone_case", "import_case_file"]


def import_case_file(
    *,
    case_file: CaseFile,
    team: Team,
    importer: Membership,
    as_new: bool,
    with_exercises: bool = True,
    replace_people: bool = False,
) -> ImportOutcome:
    """Import into a team; with `as_new`, a case whose id is taken gets a fresh id instead of being updated.

    Raises PermissionDenied when the importer's role does not allow what the file does, PeopleInTheWay when it
    would replace people's judgments without `replace_people`; nothing is written then.
    """
    case_file = allowed_import(case_file=case_file, importer=importer, with_exercises=with_exercises)
    # A deleted case keeps its identifier until it is purged: a file with that id comes in as a new case rather
    # than updating (or bringing back) the deleted one.
    held_by_deleted = Case.all_objects.filter(
        team=team, key=case_file.case.id, deleted__isnull=False
    ).exists()
    if as_new or held_by_deleted:
        key = unique_key(Case.all_objects.filter(team=team), case_file.case.id)
        case_file = case_file.model_copy(update={"case": case_file.case.model_copy(update={"id": key})})
    outcome = ImportOutcome()
    import_case(case_file=case_file, team=team, replace_people=replace_people, outcome=outcome)
    return outcome


def allowed_import(*, case_file: CaseFile, importer: Membership, with_exercises: bool) -> CaseFile:
    """The file as the importer may import it (without its exercises when asked), or PermissionDenied: any case
    editor imports a case's content, only a facilitator or owner its exercises. Checked before a preview too."""
    if importer.role not in CASE_EDITING_ROLES:
        raise PermissionDenied(_("Your role in this team does not allow this."))
    if not with_exercises:
        case_file = case_file.model_copy(update={"exercises": []})
    if case_file.exercises and importer.role not in FACILITATING_ROLES:
        raise PermissionDenied(
            _(
                "This file holds exercises, and creating or changing exercises needs the facilitator or owner "
                "role. Import it without its exercises, or ask a facilitator."
            )
        )
    return case_file


@transaction.atomic
def clone_case(*, case: Case, team: Team, importer: Membership) -> Case:
    """Copy a case (a shared template, or one of the team's own) into the team, without its exercises."""
    document = export_case(case)
    outcome = import_case_file(
        case_file=parse_case_file(json.dumps(document)), team=team, importer=importer, as_new=True
    )
    assert outcome.case is not None
    return outcome.case
