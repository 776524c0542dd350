from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

ROLES = {"writer": "Writers", "editor": "Editors"}


class Command(BaseCommand):
    help = "Make a user a writer or an editor (or neither), with access to the admin."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=[*ROLES, "none"])

    def handle(self, *args, username, role, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None
        groups = {group.name: group for group in Group.objects.filter(name__in=ROLES.values())}
        if len(groups) != len(ROLES):
            raise CommandError("the Writers and Editors groups are missing: run `manage.py migrate` first")
        user.groups.remove(*groups.values())
        if role != "none":
            user.groups.add(groups[ROLES[role]])
        user.is_staff = role != "none" or user.is_superuser
        user.save(update_fields=["is_staff"])
        described = {"writer": "a writer", "editor": "an editor", "none": "neither a writer nor an editor"}[role]
        self.stdout.write(self.style.SUCCESS(f"{username} is now {described}."))
