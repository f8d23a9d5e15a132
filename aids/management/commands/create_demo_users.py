"""Create the demo accounts for local mode, and print how to log in.

Refuses to run unless DEBUG is on: demo accounts must never exist in production.
Running it again changes nothing and prints the same credentials.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

DEMO_ACCOUNTS = [
    # username, is_staff, groups, what it is for
    ("demo", False, [], "clinician: runs consultations"),
    ("demo-lead", True, ["Content editors", "Content approvers"], "clinical lead: edits and publishes content in the admin"),
    ("demo-auditor", False, ["Records auditors"], "records auditor: reads any record, giving a reason"),
]


class Command(BaseCommand):
    help = "Create demo accounts (local mode only) and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where the app is served.")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for local mode only (DJANGO_DEBUG=true).")
        password = self._password()
        User = get_user_model()
        for username, is_staff, groups, _ in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": is_staff, "first_name": "Demo"}
            )
            if created:
                user.set_password(password)
                user.save()
                user.groups.set(Group.objects.filter(name__in=groups))
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Open {options['url']} and log in with:"))
        for username, _, _, purpose in DEMO_ACCOUNTS:
            self.stdout.write(f"  username {username:<10} password {password}   ({purpose})")
        self.stdout.write("")

    def _password(self):
        path = settings.VAR_DIR / "demo-password"
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.write_text(secrets.token_urlsafe(9))
            path.chmod(0o600)
        return path.read_text().strip()
