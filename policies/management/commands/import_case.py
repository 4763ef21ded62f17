from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policies.casefile.validation import CaseFileError, parse_case_file
from policies.models import Team
from policies.services.case_import import import_case


class Command(BaseCommand):
    help = (
        "Import a case file (JSON) as a shared template or into a team; importing it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--team", help="Slug of the team that owns the case; without it, a shared template."
        )

    def handle(self, *args: object, path: Path, team: str | None, **options: object) -> None:
        owner = None
        if team:
            owner = Team.objects.filter(slug=team).first()
            if owner is None:
                raise CommandError(f"No team with slug {team!r}.")
        try:
            case_file = parse_case_file(path.read_bytes())
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        except CaseFileError as exc:
            raise CommandError(f"{path} is not a valid case file; nothing was written:\n{exc}") from exc
        case = import_case(case_file=case_file, team=owner)
        where = f"team {owner.slug}" if owner else "shared templates"
        self.stdout.write(self.style.SUCCESS(f"Loaded case {case.key!r} (id {case.pk}, {where})."))
