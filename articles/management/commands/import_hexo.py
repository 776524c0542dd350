import zoneinfo
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.importers.hexo import PostError, find_posts, parse_post, save_post


class Command(BaseCommand):
    help = "Import Hexo posts (.md, .markdown, .html) from files or directories (recursive)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="post files or directories")
        parser.add_argument("--dry-run", action="store_true", help="read and check every post, save nothing")
        parser.add_argument(
            "--timezone",
            default=settings.TIME_ZONE,
            help="time zone of dates written without an offset (default: %(default)s)",
        )

    def handle(self, *args, paths, dry_run, timezone, **options):
        try:
            tz = zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"unknown time zone: {timezone}") from None
        missing = [path for path in paths if not Path(path).exists()]
        if missing:
            raise CommandError(f"no such file or directory: {', '.join(missing)}")

        counts = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0, "checked": 0}
        failed = 0
        for path, root in find_posts(paths):
            try:
                post = parse_post(path, root, tz=tz)
                for warning in post.warnings:
                    self.stderr.write(f"{path}: warning: {warning}")
                if dry_run:
                    counts["checked"] += 1
                    continue
                result = save_post(post)
            except PostError as error:
                failed += 1
                self.stderr.write(f"{path}: {error}")
                continue
            counts[result.action] += 1
            if result.action == "kept":
                self.stderr.write(f"{path}: not updated: the article was edited in the CMS since it was imported")

        summary = ", ".join(f"{number} {action}" for action, number in counts.items() if number)
        self.stdout.write(self.style.SUCCESS(f"Hexo import: {summary or 'nothing to import'}; {failed} failed."))
        if failed:
            raise CommandError(f"{failed} post(s) could not be imported (see above).")
