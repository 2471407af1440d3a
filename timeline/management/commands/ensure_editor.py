import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from timeline.roles import EDITOR


class Command(BaseCommand):
    help = (
        "Make a staff login named after its group, Editor (adds, edits, publishes and "
        "restores events), with a random password printed once. An existing login is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")

    def handle(self, username, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"  Login:     {username} (exists; its password was printed when it was made — "
                f"reset it with: .venv/bin/python manage.py changepassword {username})"
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(username=username, password=password, is_staff=True)
        user.groups.add(Group.objects.get(name=EDITOR))
        self.stdout.write(
            f"  Login:     {username} / {password}   (Editor group; the password is shown only this once)"
        )
