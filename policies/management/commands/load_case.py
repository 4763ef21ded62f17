"""`load_case` is the name the seeding scripts use; it is `import_case` under another name."""

from policies.management.commands.import_case import Command as ImportCaseCommand


class Command(ImportCaseCommand):
    pass
