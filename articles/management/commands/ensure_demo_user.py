import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Make sure the demo editor account exists, and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")
        parser.add_argument("--url", default=os.environ.get("SITE_URL", settings.SITE_URL))

    def handle(self, *args, username, url, **options):
        password = os.environ.get("DEMO_PASSWORD") or self._stored_password()
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            f"Log in at {url.rstrip('/')}/admin/ as “{username}” with the password “{password}”"
            f" (kept in {self.password_file.relative_to(settings.BASE_DIR)})."
        )

    @property
    def password_file(self):
        return settings.VAR_DIR / "demo_password"

    def _stored_password(self):
        path = Path(self.password_file)
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        password = secrets.token_urlsafe(12)
        path.write_text(password + "\n")
        path.chmod(0o600)
        return password
