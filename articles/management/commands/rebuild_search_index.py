import os

from django.core.management.base import BaseCommand

from articles import search


class Command(BaseCommand):
    help = "Rebuild the full-text search index from the published articles."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=search.REBUILD_BATCH,
            help=f"Articles read, indexed and committed at a time (default {search.REBUILD_BATCH}).",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes that read bodies and make their tokens while this one writes (default: one per CPU; "
            "1 does everything here).",
        )

    def handle(self, *args, batch_size, jobs, verbosity, **options):
        last_report = [0.0]

        def progress(done, total, seconds):
            # A line every few seconds, and the last one.
            if verbosity >= 1 and (done == total or seconds - last_report[0] >= 5):
                last_report[0] = seconds
                rate = done / seconds if seconds else 0
                self.stdout.write(f"  {done:,}/{total:,} articles, {seconds:.1f} s, {rate:,.0f}/s")

        count = search.rebuild(batch_size=max(1, batch_size), progress=progress, jobs=jobs)
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} published articles."))
