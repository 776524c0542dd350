from django.core.management.base import BaseCommand
from django.db import transaction

from articles import search


class Command(BaseCommand):
    help = "Rebuild the full-text search index from the published articles."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = search.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} published articles."))
