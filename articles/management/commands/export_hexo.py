from django.core.management.base import BaseCommand

from articles.importers.export import export_articles


class Command(BaseCommand):
    help = (
        "Write every article into OUTDIR as a Hexo post (YAML front matter and an HTML body), one .html file "
        "each, named after its slug. import_hexo OUTDIR gives the same articles back."
    )

    def add_arguments(self, parser):
        parser.add_argument("outdir", metavar="OUTDIR", help="directory to write (created if missing)")

    def handle(self, *args, outdir, **options):
        written = export_articles(outdir)
        self.stdout.write(self.style.SUCCESS(f"Exported {len(written)} articles to {outdir}."))
