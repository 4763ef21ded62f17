"""Case files in and out of a team: import (as an update or as a new case) and copying shared templates."""

import json

from django.db import transaction

from policies.casefile.schema import CaseFile
from policies.casefile.validation import parse_case_file
from policies.models import Case, Team
from policies.selectors.case_export import export_case
from policies.services.case_editing import unique_key
from policies.services.case_import import import_case


def import_case_file(*, case_file: CaseFile, team: Team, as_new: bool) -> Case:
    """Import into a team; with `as_new`, a case whose id is taken gets a fresh id instead of being updated."""
    if as_new:
        key = unique_key(Case.objects.filter(team=team), case_file.case.id)
        case_file = case_file.model_copy(update={"case": case_file.case.model_copy(update={"id": key})})
    return import_case(case_file=case_file, team=team)


@transaction.atomic
def clone_case(*, case: Case, team: Team) -> Case:
    """Copy a case (a shared template, or one of the team's own) into the team, without its exercises."""
    document = export_case(case, with_exercises=False)
    return import_case_file(case_file=parse_case_file(json.dumps(document)), team=team, as_new=True)
