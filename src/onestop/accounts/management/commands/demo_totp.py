"""Print the current sign-in code of a demo staff account, so the demo can be tried without an
authenticator app. Refused for every other account: a real person's code only ever comes from
their own device."""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from onestop.accounts.demo import is_demo_device
from onestop.accounts.two_factor import current_code


class Command(BaseCommand):
    help = "Print the current six-digit sign-in code of a demo staff account (demo accounts only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        devices = TOTPDevice.objects.filter(user=user, confirmed=True) if user else []
        device = next((d for d in devices if is_demo_device(d)), None)
        if device is None:
            raise CommandError(
                f"{username!r} is not a demo staff account with its demo device: codes are "
                "printed only for the demo accounts `onestop prepare` created. A real person reads "
                "the code from their own authenticator app."
            )
        code, seconds = current_code(device)
        self.stdout.write(
            f"{code}\n"
            f"The sign-in code of the demo account {username!r}, current for {seconds} more "
            f"seconds, and accepted once. Its secret is in {settings.VAR_DIR / 'demo-accounts.txt'}"
            ", to add the account to an authenticator app instead."
        )
