from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles import pagecache
from articles.importers import limits
from articles.importers.feeds import FeedError, FeedOptions, Fetched, fetch, parse_feed, read_file
from articles.importers.progress import Reporter
from articles.importers.store import RunCache, save_article
from articles.images.localise import Localiser
from articles.models import Article, FeedSubscription

SKIPPED = "skipped: edited in the CMS since import; use --overwrite"


class Command(BaseCommand):
    help = (
        "Import entries from RSS or Atom feeds: http(s) addresses or local files, or (--all) every active "
        "feed subscription. A source that is a subscription's address uses its section, byline, status and "
        "conditional GET. A failing feed is reported and the others go on; the exit status is 1 if any failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="*", metavar="SOURCE", help="feed addresses (http/https) or files")
        parser.add_argument("--all", action="store_true", help="poll every active feed subscription")
        parser.add_argument("--category", default="", help="section path for entries, e.g. 金融/财联社/快讯")
        parser.add_argument("--byline", default="", help="byline for entries (default: the entry's author)")
        parser.add_argument(
            "--status", default=Article.Status.DRAFT, choices=[choice for choice, _ in Article.Status.choices]
        )
        parser.add_argument("--dry-run", action="store_true", help="do everything and roll it back")
        parser.add_argument("--overwrite", action="store_true", help="update entries even if edited in the CMS")
        parser.add_argument(
            "--fetch-images",
            action="store_true",
            help="copy the entries' remote images into media storage, checked like uploads, with renditions; "
            "an image that fails keeps its address, with a warning",
        )

    def execute(self, *args, **options):
        # One new page-cache version every few seconds, not one per post.
        with pagecache.batched():
            return super().execute(*args, **options)

    def handle(self, *args, sources, all, category, byline, status, dry_run, overwrite, fetch_images, **options):
        if not sources and not all:
            raise CommandError("name at least one SOURCE, or use --all")
        subscriptions = {sub.url: sub for sub in FeedSubscription.objects.filter(active=True)}
        jobs = [(sub.url, sub) for sub in subscriptions.values()] if all else []
        defaults = FeedOptions(category, byline, status)
        jobs += [(source, subscriptions.get(source)) for source in sources if not (all and source in subscriptions)]

        report = Reporter(self.stderr, total=len(jobs))
        cache = RunCache()
        self.images = Localiser() if fetch_images else None
        totals = dict.fromkeys(["created", "updated", "unchanged", "skipped", "failed", "warnings"], 0)
        failed_feeds = 0
        for source, subscription in jobs:
            report.step(source)
            try:
                counts = self._import(source, subscription, defaults, cache, report, dry_run, overwrite)
            except FeedError as error:
                failed_feeds += 1
                report.line(f"{source}: {error}")
                self._record(subscription, dry_run, error=str(error))
                continue
            for name, number in counts.items():
                totals[name] += number
        report.finish()

        summary = ", ".join(f"{number} {name}" for name, number in totals.items())
        label = "Feed import (dry run: nothing was saved)" if dry_run else "Feed import"
        self.stdout.write(self.style.SUCCESS(f"{label}: {len(jobs)} feeds, {failed_feeds} failed; entries: {summary}."))
        if failed_feeds or totals["failed"]:
            raise CommandError(f"{failed_feeds} feed(s) and {totals['failed']} entries could not be imported.")

    def _import(self, source, subscription, defaults, cache, report, dry_run, overwrite):
        options = defaults
        if subscription is not None:
            options = FeedOptions(subscription.category_path, subscription.byline, subscription.default_status)
        counts = dict.fromkeys(["created", "updated", "unchanged", "skipped", "failed", "warnings"], 0)

        if urlsplit(source).scheme in ("http", "https"):
            fetched = fetch(
                source,
                etag=subscription.etag if subscription else "",
                last_modified=subscription.last_modified if subscription else "",
            )
            if fetched.content is None:
                self.stdout.write(f"{source}: not modified since the last fetch")
                self._record(subscription, dry_run)
                return counts
            content, content_type, feed_key = fetched.content, fetched.content_type, source
        elif Path(source).is_file():
            fetched = None
            content, content_type, feed_key = read_file(source), "", Path(source).resolve().as_uri()
        elif urlsplit(source).scheme:
            raise FeedError("only http(s) addresses are fetched (give local feeds as file paths)")
        else:
            raise FeedError("no such file, and not an http(s) address")

        try:
            with limits.time_limit(limits.MAX_PARSE_SECONDS):
                feed = parse_feed(content, feed_key=feed_key, options=options, content_type=content_type)
        except limits.TimeLimitExceeded as error:
            raise FeedError(str(error)) from None
        for _line, message in feed.warnings:
            report.line(f"{source}: warning: {message}")
            counts["warnings"] += 1
        for data in feed.entries:
            label = f"{source} [{data.title[:40]}]"
            try:
                result = save_article(
                    data,
                    cache,
                    overwrite=overwrite,
                    dry_run=dry_run,
                    comment=f"Imported from the feed {source}",
                    images=self.images,
                )
            except Exception as error:  # one bad entry never stops the feed
                counts["failed"] += 1
                report.line(f"{label}: could not be saved: {type(error).__name__}: {error}")
                continue
            counts[result.action] += 1
            if result.action in ("created", "updated", "unchanged"):
                # An unchanged entry's own warnings were said before; images not copied now are new.
                entry_warnings = result.warnings if result.action == "unchanged" else data.warnings + result.warnings
                for _line, message in entry_warnings:
                    report.line(f"{label}: warning: {message}")
                    counts["warnings"] += 1
            elif result.action == "skipped":
                report.line(f"{label}: {SKIPPED}")
        self.stdout.write(
            f"{source}: " + ", ".join(f"{n} {name}" for name, n in counts.items() if n or name == "created")
        )
        # With a failed entry, forget the validators so the next run fetches it all again.
        error = f"{counts['failed']} entries could not be saved" if counts["failed"] else ""
        self._record(subscription, dry_run, fetched=Fetched(None) if error else fetched, error=error)
        return counts

    def _record(self, subscription, dry_run, *, fetched=None, error=""):
        """Remember on the subscription how this fetch went (not in a dry run)."""
        if subscription is None or dry_run:
            return
        subscription.last_fetched_at = timezone.now()
        subscription.last_error = error
        fields = ["last_fetched_at", "last_error"]
        if fetched is not None:
            subscription.etag, subscription.last_modified = fetched.etag, fetched.last_modified
            fields += ["etag", "last_modified"]
        subscription.save(update_fields=fields)
