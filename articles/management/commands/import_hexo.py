import time
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles import pagecache
from articles.images.localise import Localiser
from articles.importers import permalinks
from articles.importers.batch import save_articles
from articles.importers.files import find_posts
from articles.importers.links import LinkIndex
from articles.importers.progress import Reporter
from articles.importers.reading import read_posts
from articles.importers.store import RunCache

SKIPPED = "skipped: edited in the CMS since import; use --overwrite"


class Command(BaseCommand):
    help = (
        "Import Hexo (or Jekyll) posts from files or directories. In a directory, .md, .markdown and "
        ".html files are posts, searched recursively; a folder with _config.yml is a site, whose "
        "source/_posts (Hexo) or _posts (Jekyll) are read; README.md-like files outside _posts are not posts. "
        "Each file is saved whole or not at all (new posts a batch per transaction; a batch that fails is "
        "saved again a file per transaction); a failed file is reported as 'path: reason' and the rest go on; "
        "the exit status is 1 if any file failed."
    )
    # A batch job: the system checks (and the URL configuration and views they
    # import) are for the app servers, and cost a tenth of a second at every start.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="post files or directories")
        parser.add_argument(
            "--dry-run", action="store_true", help="do everything and roll it back: reports what a real run would do"
        )
        parser.add_argument(
            "--timezone",
            default=settings.TIME_ZONE,
            help="time zone of dates written without an offset (default: %(default)s)",
        )
        parser.add_argument(
            "--permalink",
            default=permalinks.DEFAULT_PATTERN,
            help="the old site's permalink pattern, for old addresses that redirect (default: %(default)s)",
        )
        parser.add_argument(
            "--overwrite", action="store_true", help="update articles even if they were edited in the CMS since import"
        )
        parser.add_argument("--stats", action="store_true", help="print the time taken and posts per second")
        parser.add_argument(
            "--fetch-images",
            action="store_true",
            help="copy the posts' remote images (head image, thumbnail, body) into media storage, checked like "
            "uploads, with renditions; an image that fails keeps its address, with a warning",
        )

    def execute(self, *args, **options):
        # One new page-cache version every few seconds, not one per post.
        with pagecache.batched():
            return super().execute(*args, **options)

    def handle(self, *args, paths, dry_run, timezone, permalink, overwrite, stats, fetch_images, **options):
        try:
            tz = zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"unknown time zone: {timezone}") from None
        missing = [path for path in paths if not Path(path).exists()]
        if missing:
            raise CommandError(f"no such file or directory: {', '.join(missing)}")

        started = time.perf_counter()
        files = list(find_posts(paths))
        report = Reporter(self.stderr, total=2 * len(files))
        counts = dict.fromkeys(["created", "updated", "unchanged", "skipped", "failed", "warnings"], 0)

        read = read_posts(files, tz=tz, permalink=permalink)  # starts reading, in other processes if many
        index = LinkIndex()
        reading = {"done": False, "held": [], "linking": []}

        def say(text):
            """Messages about saving come after those about reading, as if one ran after the other."""
            if reading["done"]:
                report.line(text)
            else:
                reading["held"].append(text)

        def posts_to_save():
            """Each post as soon as it is read (the rest are read meanwhile), in file order,
            except that posts linking to others go last, so their targets exist by then."""
            for path, post in read:
                report.step(f"reading {path.name}")
                if isinstance(post, str):
                    counts["failed"] += 1
                    report.line(post)
                elif post.links:
                    index.add(post)
                    reading["linking"].append(post)
                else:
                    index.add(post)
                    yield post
            reading["done"] = True
            report.total = 2 * len(files) - counts["failed"]  # each file read, and each post read saved
            for text in reading["held"]:
                report.line(text)
            yield from reading["linking"]

        cache = RunCache()
        images = Localiser() if fetch_images else None
        saved = save_articles(
            posts_to_save(), cache, overwrite=overwrite, dry_run=dry_run, resolve_links=index.resolve, images=images
        )
        for post, result in saved:
            report.step(f"saving {post.path.name}")
            if isinstance(result, Exception):  # a bad file never stops the run
                counts["failed"] += 1
                say(f"{post.path}: could not be saved: {type(result).__name__}: {result}")
                continue
            counts[result.action] += 1
            # An unchanged or skipped file was not imported again: its warnings were said before
            # (an unchanged one may have new ones: images that could not be copied now).
            warnings = post.warnings + result.warnings if result.action in ("created", "updated") else result.warnings
            for line, message in warnings:
                say(f"{post.path}:{line}: warning: {message}" if line else f"{post.path}: warning: {message}")
            counts["warnings"] += len(warnings)
            if result.action == "skipped":
                say(f"{post.path}: {SKIPPED}")
            elif options["verbosity"] >= 2:
                self.stdout.write(f"{post.path}: {result.action}")
        report.finish()

        summary = ", ".join(f"{number} {name}" for name, number in counts.items())
        label = "Hexo import (dry run: nothing was saved)" if dry_run else "Hexo import"
        self.stdout.write(self.style.SUCCESS(f"{label}: {summary}."))
        if stats:
            elapsed = time.perf_counter() - started
            rate = len(files) / elapsed if elapsed else 0
            self.stdout.write(f"{len(files)} files in {elapsed:.2f} s: {rate:.1f} posts/s")
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} file(s) could not be imported (see above).")
