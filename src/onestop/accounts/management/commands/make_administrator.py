"""Give a person one of the three administrator roles: how a platform gets its first security
administrator, who then manages every other account in the admin (accounts/administrators.py).
Run by whoever runs the platform's commands, and audited with no actor (the system)."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from onestop.accounts import changes
from onestop.accounts.administrators import KINDS


class Command(BaseCommand):
    help = (
        "Give USERNAME the system, security or audit administrator role (and the admin's "
        "is_staff flag). The account must exist: `onestop manage changepassword` sets a password."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("kind", choices=sorted(KINDS))

    def handle(self, *args, username, kind, **options):
        person = User.objects.filter(username=username).first()
        if person is None:
            raise CommandError(f"There is no account {username!r}.")
        try:
            changes.make_administrator(person, KINDS[kind], acting_user=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{username} is now the {kind} administrator.")
