from django.core.management.base import BaseCommand, CommandError

from articles.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into this (empty) database and media storage."

    def add_arguments(self, parser):
        parser.add_argument("indir", help="a directory written by `manage.py backup`")
        parser.add_argument("--force", action="store_true", help="replace a database that already holds articles")

    def handle(self, *args, indir, force, **options):
        try:
            manifest = restore(indir, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        articles = manifest["counts"].get("articles.Article", 0)
        self.stdout.write(self.style.SUCCESS(f"Restored {articles} articles from {indir}; row counts match the manifest."))
