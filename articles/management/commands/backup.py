from django.core.management.base import BaseCommand, CommandError

from articles.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a consistent backup (database, media, manifest with counts and checksums) into OUTDIR."

    def add_arguments(self, parser):
        parser.add_argument("outdir", help="a new or empty directory")

    def handle(self, *args, outdir, **options):
        try:
            manifest = backup(outdir)
        except BackupError as error:
            raise CommandError(str(error)) from None
        articles = manifest["counts"].get("articles.Article", 0)
        self.stdout.write(self.style.SUCCESS(f"Backed up {articles} articles and {len(manifest['files'])} files to {outdir}."))
