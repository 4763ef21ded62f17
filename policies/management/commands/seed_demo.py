from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from policies.services.demo import set_up_demo


class Command(BaseCommand):
    help = "Create the demo team with its accounts and load the seeded cases; prints the demo passwords."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="Use this password for every demo account (demo only).")

    def handle(self, *args: object, password: str | None, **options: object) -> None:
        accounts = set_up_demo(password=password)
        self.stdout.write(self.style.SUCCESS("Demo team ready. Accounts (demo only, do not reuse):"))
        for account in accounts:
            self.stdout.write(f"  {account.username:<14} {account.role:<12} password: {account.password}")
        backend = str(settings.MAILERS["default"]["BACKEND"])
        if backend.endswith("console.EmailBackend"):
            self.stdout.write(
                "Email (invitations, address confirmations, password resets) is printed on this console: "
                "set EMAIL_URL or EMAIL_HOST to send it."
            )
        else:
            self.stdout.write(f"Email goes out through {backend}.")
