import json

from django.core.management.base import BaseCommand, CommandParser

from policies.casefile.schema import case_file_json_schema


class Command(BaseCommand):
    help = (
        "Print (or write) the JSON Schema of the case-file format; docs/case-file.schema.json is its output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="Write to this file instead of standard output.")

    def handle(self, *args: object, output: str | None, **options: object) -> None:
        text = json.dumps(case_file_json_schema(), indent=2, ensure_ascii=False) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")
