import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from articles.models import Author

# username -> (group, byline): an editor who decides, a writer who drafts.
DEMO_ACCOUNTS = {
    "editor": ("Editors", None),
    "writer": ("Writers", "演示记者"),
}


class Command(BaseCommand):
    help = "Make sure the demo editor and writer accounts exist, and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=os.environ.get("SITE_URL", settings.SITE_URL))

    def handle(self, *args, url, **options):
        password = os.environ.get("DEMO_PASSWORD") or self._stored_password()
        User = get_user_model()
        for username, (group_name, byline) in DEMO_ACCOUNTS.items():
            user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
            user.is_staff, user.is_superuser = True, False
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=group_name)])
            if byline:
                Author.objects.update_or_create(user=user, defaults={"name": byline})
        where = self.password_file.relative_to(settings.BASE_DIR)
        self.stdout.write(
            f"Log in at {url.rstrip('/')}/admin/ as “editor” (an editor) or “writer” (a writer), "
            f"password “{password}” (kept in {where})."
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
