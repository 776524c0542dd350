import sys

from django.core.management.base import BaseCommand

from articles.health import run_checks


class Command(BaseCommand):
    help = "Check the database, the cache and media storage; exit 1 if any is unhealthy."

    def handle(self, *args, **options):
        results = run_checks()
        for name, result in results.items():
            line = f"{name:9} {'ok' if result['ok'] else 'FAILED':7} {result['detail']} ({result['ms']} ms)"
            self.stdout.write(self.style.SUCCESS(line) if result["ok"] else self.style.ERROR(line))
        if not all(result["ok"] for result in results.values()):
            sys.exit(1)
