import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policies.models import Case
from policies.selectors.case_export import exercises_as_seen, export_case


class Command(BaseCommand):
    help = "Write a case (by database id) as a case file, with its exercises unless --without-exercises."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case_id", type=int)
        parser.add_argument("--output", help="Write to this file instead of standard output.")
        parser.add_argument("--without-exercises", action="store_true")

    def handle(
        self, *args: object, case_id: int, output: str | None, without_exercises: bool, **options: object
    ) -> None:
        case = Case.objects.filter(pk=case_id).first()
        if case is None:
            raise CommandError(f"No case with id {case_id}.")
        # As the team's facilitators see it: anonymous exercises keep their people anonymous here too.
        seen = None if without_exercises else exercises_as_seen(case, facilitator=True)
        text = json.dumps(export_case(case, exercises=seen), ensure_ascii=False, indent=2) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(self.style.SUCCESS(f"Wrote {output}."))
        else:
            self.stdout.write(text, ending="")
