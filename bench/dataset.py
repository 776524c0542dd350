"""The benchmark's throwaway database: N seed-like articles, loaded in bulk.

``build(n)`` fills the *current* database (the harness points
``DATABASE_URL`` at ``var/bench/…``; the tests use the test database) with
a 3-level section tree (4 × 5 × 4), ~300 authors, ~200 tags used with a long
tail, and ``n`` articles: seed-format Chinese bodies, 1–3 bylines and 2–5
tags each, publication times spread over years, ~97 % published.

It has to reach a million articles in minutes, so it skips the per-row work
the application does for one article at a time:

- bodies come from a pool of a few hundred variants, each cleaned once with
  ``articles.sanitizer.clean_html`` and wrapped in ``CleanHTML`` so the body
  field stores them as they are (bleach costs ~3 ms a body);
- slugs and summaries are set explicitly, so ``save()`` logic is not needed;
- rows go in with ``executemany``, a batch per transaction: the article
  columns as each model field prepares them (``get_db_prep_save``, once for
  the defaults and the pool), then the link tables (sections, bylines,
  tags). ``bulk_create`` would cost ~200 µs an article in SQL compilation.

Nothing fires signals, so the search index is rebuilt afterwards by the
command line (``rebuild_search_index``, when the project has it).

Command line (run by ``bench.run``; sets ``DATABASE_URL`` itself)::

    python -m bench.dataset build --db var/bench/bench-10000.sqlite3 --n 10000 [--no-index]
    python -m bench.dataset targets --db var/bench/bench-10000.sqlite3
"""

import argparse
import datetime as dt
import itertools
import json
import os
import random
import sys
import time
from pathlib import Path

DATASET_VERSION = 1
DEFAULT_SEED = 20261126
TAGS = 200
AUTHORS = 300
BODY_VARIANTS = 300
YEARS = 6
BATCH_SIZE = 5000
DETAIL_PATHS = 200
SEARCH_WORD = "芯片"

# Shares of the statuses (the rest is published, in the past).
DRAFT_SHARE = 0.015
REVIEW_SHARE = 0.005
SCHEDULED_SHARE = 0.01


def build(n, *, seed=DEFAULT_SEED, batch_size=BATCH_SIZE, variants=BODY_VARIANTS, now=None, progress=None):
    """Add ``n`` articles and their sections, authors and tags; return counts.

    The article table must be empty (ids are assigned here, 1..n).
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.text import slugify
    from taggit.models import Tag, TaggedItem

    from articles.fields import CleanHTML
    from articles.models import Article, Author, Byline, Category
    from articles.sanitizer import clean_html
    from articles.slugs import slug_from
    from articles.text import summarize

    from . import corpus

    if Article.objects.exists():
        raise RuntimeError("the benchmark dataset goes into a database without articles")
    started = time.perf_counter()
    rng = random.Random(seed)
    now = now or timezone.now()

    # Sections, authors, tags: small tables, created the ordinary way.
    with transaction.atomic():
        leaves = {}  # section name -> its sub-feed categories
        for position, (section_name, (desks, feeds)) in enumerate(corpus.SECTIONS.items()):
            section = Category.objects.create(name=section_name, slug=slug_from(section_name), position=position)
            leaves[section_name] = []
            for desk_position, desk_name in enumerate(desks):
                desk = Category.objects.create(
                    name=desk_name, slug=slug_from(desk_name), parent=section, position=desk_position
                )
                for feed_position, feed_name in enumerate(feeds):
                    leaves[section_name].append(
                        Category.objects.create(
                            name=feed_name, slug=slug_from(feed_name), parent=desk, position=feed_position
                        )
                    )
        authors = Author.objects.bulk_create(
            Author(name=name, slug=slug_from(name, fallback="author")) for name in corpus.person_names(rng, AUTHORS)
        )
        taken, tags = set(), []
        for name in corpus.tag_names(TAGS):
            slug = base = slugify(name, allow_unicode=True)
            for number in itertools.count(1):
                if slug not in taken:
                    break
                slug = f"{base}_{number}"
            taken.add(slug)
            tags.append(Tag(name=name, slug=slug))
        tags = Tag.objects.bulk_create(tags)
    author_ids = [author.pk for author in authors]
    tag_ids = [tag.pk for tag in tags]
    # A long tail: a few tags and authors are on many articles, most on few.
    tag_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(tag_ids))))
    author_weights = list(itertools.accumulate(1 / (rank + 1) ** 0.7 for rank in range(len(author_ids))))
    section_names = list(corpus.SECTION_WEIGHTS)
    section_weights = list(itertools.accumulate(corpus.SECTION_WEIGHTS.values()))
    content_type_id = ContentType.objects.get_for_model(Article).pk

    # The body pool: cleaned once per variant, never per article.
    per_topic = max(2, variants // len(corpus.TOPICS))
    pool = {}
    for topic in corpus.TOPICS:
        variants = []
        for _ in range(per_topic):
            raw = corpus.body_html(
                rng,
                topic,
                desk=rng.choice(corpus.SECTIONS[rng.choice(section_names)][0]),
                reporter=rng.choice(corpus.SURNAMES) + rng.choice(corpus.GIVEN_NAMES),
                when=now - dt.timedelta(days=rng.randrange(YEARS * 365)),
            )
            clean = clean_html(raw)
            variants.append((CleanHTML(clean), summarize(clean)))
        pool[topic] = variants
    pool_seconds = time.perf_counter() - started

    quote = connection.ops.quote_name
    through_categories = Article.categories.through._meta.db_table
    insert_categories = f"INSERT INTO {quote(through_categories)} (article_id, category_id) VALUES (%s, %s)"
    insert_bylines = f"INSERT INTO {quote(Byline._meta.db_table)} (article_id, author_id, position) VALUES (%s, %s, %s)"
    insert_tags = (
        f"INSERT INTO {quote(TaggedItem._meta.db_table)} (tag_id, content_type_id, object_id) VALUES (%s, %s, %s)"
    )
    columns, template = _article_template(Article, CleanHTML, connection)
    insert_articles = (
        f"INSERT INTO {quote(Article._meta.db_table)} ({', '.join(quote(column) for column in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    at = {column: index for index, column in enumerate(columns)}
    body_field = Article._meta.get_field("body")
    adapt_time = connection.ops.adapt_datetimefield_value
    # Each pool body goes through the field once (it passes CleanHTML as is).
    pool = {
        topic: [(body_field.get_db_prep_save(body, connection), summary) for body, summary in variants]
        for topic, variants in pool.items()
    }
    slugs = {}

    span = dt.timedelta(days=YEARS * 365).total_seconds()
    start = now - dt.timedelta(seconds=span)
    latest = now - dt.timedelta(minutes=1)
    counts = dict.fromkeys(["published", "scheduled", "draft", "review", "bylines", "tag_links", "category_links"], 0)

    for first in range(1, n + 1, batch_size):
        last = min(n, first + batch_size - 1)
        articles, category_rows, byline_rows, tag_rows = [], [], [], []
        for pk in range(first, last + 1):
            section = section_names[_pick(rng, section_weights)]
            topic = rng.choice(corpus.SECTION_TOPICS[section])
            title = corpus.title(rng, topic)
            body, summary = rng.choice(pool[topic])
            # Ids follow time (with jitter), except a back-filled archive (5 %).
            if rng.random() < 0.05:
                when = start + dt.timedelta(seconds=rng.random() * span)
            else:
                when = start + dt.timedelta(seconds=span * (pk - 0.5) / n + rng.uniform(-3, 3) * 86400)
            when = min(max(when, start), latest)
            roll = rng.random()
            if roll < DRAFT_SHARE:
                status, published_at = "draft", None
            elif roll < DRAFT_SHARE + REVIEW_SHARE:
                status, published_at = "review", None
            elif roll < DRAFT_SHARE + REVIEW_SHARE + SCHEDULED_SHARE:
                status, published_at = "published", now + dt.timedelta(seconds=rng.uniform(3600, 30 * 86400))
                counts["scheduled"] += 1
            else:
                status, published_at = "published", when
            if status != "published":
                counts[status] += 1
            image = corpus.image_url(rng, when) if rng.random() < 0.85 else ""
            slug = slugs.get(title)
            if slug is None:
                slug = slugs[title] = slug_from(title, max_length=80)
            row = template.copy()
            row[at["id"]] = pk
            row[at["title"]] = title
            row[at["slug"]] = f"{slug}-{pk}"
            row[at["summary"]] = summary
            row[at["body"]] = body
            row[at["status"]] = status
            row[at["published_at"]] = adapt_time(published_at)
            row[at["allow_comments"]] = rng.random() < 0.5
            row[at["head_image_url"]] = row[at["thumbnail_url"]] = image
            row[at["created_at"]] = row[at["updated_at"]] = adapt_time(min(published_at or when, now))
            articles.append(row)
            leaf = rng.choice(leaves[section])
            category_rows.append((pk, leaf.pk))
            if rng.random() < 0.12:  # filed twice, like the seed's [[A, B], C]
                other = rng.choice(leaves[section_names[_pick(rng, section_weights)]])
                if other.pk != leaf.pk:
                    category_rows.append((pk, other.pk))
            for position, author_id in enumerate(_distinct(rng, author_ids, author_weights, _bylines(rng))):
                byline_rows.append((pk, author_id, position))
            for tag_id in _distinct(rng, tag_ids, tag_weights, rng.randint(2, 5)):
                tag_rows.append((tag_id, content_type_id, pk))
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.executemany(insert_articles, articles)
                cursor.executemany(insert_categories, category_rows)
                cursor.executemany(insert_bylines, byline_rows)
                cursor.executemany(insert_tags, tag_rows)
        counts["bylines"] += len(byline_rows)
        counts["tag_links"] += len(tag_rows)
        counts["category_links"] += len(category_rows)
        if progress:
            progress(last, n, time.perf_counter() - started)

    if connection.vendor == "postgresql":  # explicit ids leave the sequences behind
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Article]):
                cursor.execute(statement)
    counts["published"] = n - counts["draft"] - counts["review"] - counts["scheduled"]
    return {
        "articles": n,
        **counts,
        "categories": Category.objects.count(),
        "authors": len(author_ids),
        "tags": len(tag_ids),
        "body_variants": sum(len(variants) for variants in pool.values()),
        "pool_seconds": round(pool_seconds, 2),
        "seconds": round(time.perf_counter() - started, 2),
    }


def _article_template(model, clean_html_type, connection):
    """Column names and the database values of a default article.

    Each field prepares its own default (so a column added to the model
    later gets its default here too); the loop then overrides the columns
    that vary. ``bulk_create`` would do the same per row, at ~200 µs an
    article.
    """
    from django.utils import timezone

    fields = model._meta.concrete_fields
    instance = model(body=clean_html_type(""), version=1)
    now = timezone.now()
    values = []
    for field in fields:
        value = now if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) else None
        if value is None:
            value = field.pre_save(instance, add=True)
        values.append(field.get_db_prep_save(value, connection))
    return [field.column for field in fields], values


def _pick(rng, cumulative):
    """An index drawn with the given cumulative weights."""
    return rng.choices(range(len(cumulative)), cum_weights=cumulative)[0]


def _bylines(rng):
    roll = rng.random()
    return 1 if roll < 0.7 else 2 if roll < 0.92 else 3


def _distinct(rng, ids, cumulative, count):
    chosen = []
    while len(chosen) < count:
        for value in rng.choices(ids, cum_weights=cumulative, k=count):
            if value not in chosen and len(chosen) < count:
                chosen.append(value)
    return chosen


def targets(*, detail_paths=DETAIL_PATHS, seed=DEFAULT_SEED):
    """The paths each endpoint is measured on, read from the current database."""
    from django.conf import settings
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse
    from taggit.models import Tag, TaggedItem

    from articles.categories import get_tree
    from articles.models import Article, Author, Byline

    published = Article.objects.published()
    total = published.count()
    top = Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rng = random.Random(seed)
    wanted = sorted(rng.sample(range(1, top + 1), min(top, detail_paths * 2)))
    # Many articles, so the detail run is not one cached page.
    details = [article.get_absolute_url() for article in published.filter(pk__in=wanted).only("pk", "slug", "title")]
    rng.shuffle(details)
    details = details[:detail_paths]

    sections = get_tree().top_level()
    section = max(sections, key=lambda category: published.in_category(category).count(), default=None)
    tag_row = (
        TaggedItem.objects.filter(content_type__app_label="articles", content_type__model="article")
        .values("tag_id")
        .annotate(uses=Count("id"))
        .order_by("-uses")
        .first()
    )
    tag = Tag.objects.get(pk=tag_row["tag_id"]) if tag_row else None
    author_row = Byline.objects.values("author_id").annotate(uses=Count("id")).order_by("-uses").first()
    author = Author.objects.get(pk=author_row["author_id"]) if author_row else None

    def url(name, fallback, **kwargs):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            return fallback

    per_page = getattr(settings, "ARTICLES_PER_PAGE", 20)
    # Halfway down the list, but no deeper than lists go (older pages are in
    # the date archives).
    deep_page = max(1, min(total // per_page // 2, getattr(settings, "ARTICLES_MAX_PAGES", 50)))
    endpoints = {
        "floor": ["/bench/floor"],
        "home": ["/"],
        "detail": details,
        "category": [section.get_absolute_url()] if section else [],
        "tag": [url("articles:tag", f"/tags/{tag.slug}/", slug=tag.slug)] if tag else [],
        "author": [author.get_absolute_url()] if author else [],
        "search": [f"/search/?q={SEARCH_WORD}"],
        "feed": ["/feed/"],
        "sitemap": ["/sitemap.xml"],
        "deep_list": [f"/?page={deep_page}"],
    }
    return {
        "endpoints": endpoints,
        "published": total,
        "deep_page": deep_page,
        "category": section.name if section else None,
        "tag": tag.name if tag else None,
        "author": author.name if author else None,
    }


def _setup_django(db):
    """Point Django at ``db`` (an SQLite file) and set it up."""
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(db).resolve()}"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()


def has_command(name):
    from django.core.management import get_commands

    return name in get_commands()


def _rebuild_index(out):
    from django.core.management import call_command

    if not has_command("rebuild_search_index"):
        return None
    started = time.perf_counter()
    call_command("rebuild_search_index", stdout=out)
    return round(time.perf_counter() - started, 2)


def _progress(done, total, elapsed):
    if done == total or done % max(1, total // 10) < BATCH_SIZE:
        print(f"  {done:>9,}/{total:,} articles, {elapsed:6.1f} s, {done / elapsed:,.0f}/s", file=sys.stderr)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.dataset", description="The benchmark's database.")
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="migrate a new SQLite file and fill it")
    build_parser.add_argument("--db", required=True, type=Path)
    build_parser.add_argument("--n", required=True, type=int)
    build_parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    build_parser.add_argument("--no-index", action="store_true", help="skip rebuild_search_index (to time the rows)")
    index_parser = commands.add_parser("index", help="rebuild the search index (if the project has one)")
    index_parser.add_argument("--db", required=True, type=Path)
    targets_parser = commands.add_parser("targets", help="print the measured paths as JSON")
    targets_parser.add_argument("--db", required=True, type=Path)
    targets_parser.add_argument("--detail-paths", type=int, default=DETAIL_PATHS)
    args = parser.parse_args(argv)

    if args.command == "build" and args.db.exists():
        sys.exit(f"{args.db} exists; the benchmark builds into a new file")
    _setup_django(args.db)
    from django.core.management import call_command
    from django.db import connection

    if args.command == "build":
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        migrate_seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            # A throwaway file: durability buys nothing while it is filled.
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")
            cursor.execute("PRAGMA temp_store=MEMORY")
        stats = build(args.n, seed=args.seed, progress=_progress)
        stats["migrate_seconds"] = round(migrate_seconds, 2)
        stats["index_seconds"] = None if args.no_index else _rebuild_index(sys.stderr)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stats["total_seconds"] = round(time.perf_counter() - started, 2)
        result = stats
    elif args.command == "index":
        result = {"index_seconds": _rebuild_index(sys.stderr)}
    else:
        result = targets(detail_paths=args.detail_paths)
    connection.close()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
