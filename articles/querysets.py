"""Table-level reads of articles."""

from django.db import connections, models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone


def live_now():
    """The condition ``published()`` filters by, for use in other expressions."""
    return Q(status="published", published_at__lte=timezone.now())


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What the public may see now: published, and its time has come.

        A scheduled article is published with a future ``published_at``; it
        appears by itself when that time passes, with no job to run.
        """
        return self.filter(live_now())

    def live_between(self, start, end):
        """``published()`` articles with ``start <= published_at < end``, as
        one range of the ``(status, published_at)`` index.

        ``published()`` already bounds the time by now: given two upper
        bounds, a database keeps one for the range and filters by the other,
        so a period years back would walk every article newer than it. Only
        the earlier of the two is given.
        """
        now = timezone.now()
        articles = self.filter(status="published", published_at__gte=start)
        return articles.filter(published_at__lt=end) if end <= now else articles.filter(published_at__lte=now)

    def live_slug(self, pk):
        """The slug of article ``pk`` if ``published()`` holds it, else None
        (``live_now()``, written in SQL).

        An article page asks this on every request, so it is one primary-key
        lookup written out: building the same query through the ORM costs
        several times more than running it.
        """
        connection = connections[self.db]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT slug FROM {self.model._meta.db_table} WHERE id = %s AND status = %s AND published_at <= %s",
                [pk, "published", now],
            )
            row = cursor.fetchone()
        return row[0] if row else None

    def drafts(self):
        return self.filter(status="draft")

    def in_review(self):
        return self.filter(status="review")

    def scheduled(self):
        return self.filter(status="published", published_at__gt=timezone.now())

    def in_category(self, category, *, walk=False):
        """Articles filed under ``category`` or any section below it.

        Two plans for the same rows. By default the section's article ids are
        gathered first (a cost that grows with the section). With ``walk``,
        the newest articles are walked and those filed under it kept, which
        stops once a page is full (a lookup per article walked): better for a
        section holding a good share of all articles (``counts.in_section``
        chooses).
        """
        from .categories import get_tree

        ids = get_tree().descendant_ids(category.pk)
        filed = self.model.categories.through.objects.filter(category_id__in=ids)
        if walk:
            return self.filter(Exists(filed.filter(article_id=OuterRef("pk"))))
        return self.filter(pk__in=filed.values("article_id"))

    def by_author(self, author):
        return self.filter(bylines__author=author)

    def tagged(self, tag):
        return self.filter(tags__pk=tag.pk)

    def with_relations(self):
        """Prefetch bylines (in order), sections and tags: three queries in all,
        whatever the number of articles."""
        from .models import Author

        return self.prefetch_related(
            Prefetch("authors", queryset=Author.objects.order_by("bylines__position")),
            "categories",
            "tags",
        )
