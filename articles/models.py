"""The newsroom's content: sections, authors and articles."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from . import categories as category_tree
from .fields import SanitizedHTMLField
from .images import articles as article_images
from .paths import article_path
from .querysets import ArticleQuerySet
from .slugs import slug_from, unique_slug
from .text import language_of, reading_minutes, summarize
from .validators import validate_image_url


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, allow_unicode=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent section"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers come first in menus.")
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "slug"], name="category_unique_slug_in_parent"),
            models.UniqueConstraint(
                fields=["slug"], condition=models.Q(parent=None), name="category_unique_top_level_slug"
            ),
        ]

    def __str__(self):
        return " › ".join(node.name for node in self.ancestors(include_self=True)) or self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            siblings = Category.objects.filter(parent=self.parent_id).exclude(pk=self.pk)
            self.slug = unique_slug(siblings, self.name, max_length=100, fallback="section")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if "_path" not in self.__dict__:
            return reverse("articles:category", kwargs={"path": self.path})
        # A node of the cached tree (categories.py) lives as long as the tree:
        # its address is worked out once, not on every page that links to it.
        if "_url" not in self.__dict__:
            self._url = reverse("articles:category", kwargs={"path": self._path})
        return self._url

    def clean(self):
        if self.pk and self.parent_id:
            node, seen = self.parent, set()
            while node is not None and node.pk not in seen:
                if node.pk == self.pk:
                    raise ValidationError({"parent": _("A section cannot be placed inside itself.")})
                seen.add(node.pk)
                node = node.parent

    @property
    def path(self):
        """Slugs from the top-level section down, joined by ``/``."""
        cached = getattr(self, "_path", None)
        if cached is None:
            self._path = "/".join(node.slug for node in self.ancestors(include_self=True))
        return self._path

    def ancestors(self, *, include_self=False):
        chain = category_tree.get_tree().ancestors(self.pk, include_self=include_self)
        if include_self and not chain:  # not saved yet, or saved after the tree was read
            chain = [self]
        return chain

    @property
    def depth(self):
        return len(self.ancestors())


class Author(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, allow_unicode=True, unique=True, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="authors/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
    )

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Author.objects.exclude(pk=self.pk), self.name, max_length=100, fallback="author")
        article_images.store_upload(self.photo)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        allow_unicode=True,
        unique=True,
        blank=True,
        help_text=_("Filled from the title when left blank."),
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("Plain text; made from the body when left blank."))
    body = SanitizedHTMLField(_("body"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    categories = models.ManyToManyField(Category, verbose_name=_("sections"), blank=True, related_name="articles")
    authors = models.ManyToManyField(
        Author, verbose_name=_("authors"), through="Byline", blank=True, related_name="articles"
    )
    tags = TaggableManager(verbose_name=_("tags"), blank=True)
    # The tag links as rows, so revisions can follow them.
    tagged_items = GenericRelation(TaggedItem, related_query_name="article")
    allow_comments = models.BooleanField(_("allow comments"), default=True)
    head_image = models.ImageField(_("head image"), upload_to="articles/%Y/%m/", blank=True)
    head_image_url = models.CharField(
        _("head image URL"),
        max_length=1000,
        blank=True,
        validators=[validate_image_url],
        help_text=_("An image on another site, used when no head image is uploaded."),
    )
    head_image_alt = models.CharField(
        _("head image alt text"),
        max_length=255,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it. Required to publish an article with a head image."),
    )
    head_image_caption = models.CharField(_("head image caption"), max_length=300, blank=True)
    head_image_credit = models.CharField(
        _("head image credit"), max_length=200, blank=True, help_text=_("Photographer or agency, e.g. “新华社记者 李明 摄”.")
    )
    thumbnail_url = models.CharField(
        _("thumbnail URL"), max_length=1000, blank=True, validators=[validate_image_url]
    )
    # Sizes and renditions of the head image, thumbnail and body images stored
    # here ({"head": …, "thumbnail": …, "body": {name: …}}), copied from their
    # StoredImage rows when the article is saved: pages build srcset with no query.
    image_renditions = models.JSONField(_("image renditions"), default=dict, blank=True, editable=False)
    source_key = models.CharField(
        _("source"),
        max_length=500,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Where an imported article came from."),
    )
    legacy_path = models.CharField(
        _("old address"),
        max_length=500,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("The path this article had on the old site; it answers with a permanent redirect."),
    )
    source_checksum = models.CharField(max_length=64, blank=True, editable=False)
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Counts saves; a form that started from an older version is stale.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        permissions = [("publish_article", _("Can publish and unpublish articles"))]
        indexes = [
            # The public lists: published, newest first.
            models.Index(fields=["status", "-published_at", "-id"], name="article_status_published"),
            models.Index(fields=["-updated_at"], name="article_updated"),
            # Sitemap pages: an id range with what each entry needs, read from
            # the index alone. SQLite keeps a row's columns after the body on
            # the body's overflow pages, which a thousand-row page would walk.
            models.Index(fields=["id", "status", "published_at", "updated_at", "slug"], name="article_sitemap"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "review", "published"]), name="article_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Article.objects.exclude(pk=self.pk), self.title)
        # A content save; status moves save only their fields.
        self.prepare_save(content=kwargs.get("update_fields") is None)
        super().save(*args, **kwargs)

    def prepare_save(self, *, content=True):
        """What a save adds before writing (``bulk_create``, which does not
        call ``save()``, needs it too): a summary made from the body when
        there is none and, for a content save, a new version and the images'
        renditions."""
        if not self.summary.strip():
            self.summary = summarize(self.body)
        if content:
            self.version += 1
            article_images.prepare(self)

    def get_absolute_url(self):
        return article_path(self.pk, self.slug or slug_from(self.title))

    @property
    def is_live(self):
        return self.status == self.Status.PUBLISHED and self.published_at is not None and self.published_at <= timezone.now()

    @property
    def reading_minutes(self):
        return reading_minutes(self.body)

    @property
    def language(self):
        """The language of the article's text, for ``lang`` attributes."""
        return language_of(f"{self.title} {self.summary}")

    @property
    def byline_authors(self):
        """Authors in byline order (uses the prefetch when there is one)."""
        return list(self.authors.all())

    @property
    def image_url(self):
        """The head image to show: the uploaded one, else the external one."""
        return self.image_address(self.head_image.name, self.head_image_url)

    @classmethod
    def image_address(cls, stored_name, external_url):
        """``image_url`` from the two columns (for code that reads rows, not objects)."""
        if stored_name:
            return cls._meta.get_field("head_image").storage.url(stored_name)
        return external_url

    @property
    def card_image_url(self):
        """The small picture for list pages."""
        return self.thumbnail_url or self.image_url

    @property
    def head_picture(self):
        """The head image with its renditions (a ``Picture``), or None when it
        is not stored here (an external image is shown as it is)."""
        return article_images.picture(self, "head")

    @property
    def card_picture(self):
        """The list pages' picture with its renditions, or None (see ``head_picture``)."""
        return article_images.picture(self, "thumbnail" if self.thumbnail_url else "head")

    @property
    def responsive_body(self):
        """The body (safe HTML) with its stored images given ``srcset``, ``sizes``,
        width and height (from ``image_renditions``: no query)."""
        return article_images.responsive_body(self)

    @property
    def section(self):
        """The top-level section of the first category, for list pages."""
        for category in self.categories.all():
            chain = category.ancestors(include_self=True)
            return chain[0] if chain else category
        return None

    @property
    def revision_bylines(self):
        """Bylines for a revision, with their authors loaded (their labels name them)."""
        return self.bylines.select_related("author")

    @property
    def revision_tag_links(self):
        """Tag links for a revision, with what their labels name loaded in bulk."""
        return self.tagged_items.select_related("tag").prefetch_related("content_object")

    def set_authors(self, authors):
        """Replace the bylines with ``authors``, in that order."""
        self.bylines.all().delete()
        Byline.objects.bulk_create(
            Byline(article=self, author=author, position=position) for position, author in enumerate(authors)
        )


class Byline(models.Model):
    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, verbose_name=_("author"), on_delete=models.CASCADE, related_name="bylines")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "author"], name="byline_unique_author")]

    def __str__(self):
        return str(self.author)


class ArticleInReview(Article):
    """The editors' review queue in the admin: articles waiting for a decision."""

    class Meta:
        proxy = True
        verbose_name = _("article in review")
        verbose_name_plural = _("review queue")


class ArticleEvent(models.Model):
    """One workflow transition: who moved which article from what to what."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Article.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Article.Status.choices)
    note = models.TextField(_("note"), blank=True)
    scheduled_for = models.DateTimeField(_("publication time"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("workflow event")
        verbose_name_plural = _("recent activity")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.article}: {self.from_status or '—'} → {self.to_status}"


class StoredImage(models.Model):
    """An image in media storage, cleaned (no metadata), with its renditions.

    Made once, when the image is uploaded or copied here; the renditions are
    files beside it (see ``articles.images.store``).
    """

    file = models.CharField(_("file"), max_length=255, unique=True, help_text=_("Its name in media storage."))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    format = models.CharField(_("format"), max_length=8)
    # [[width, height, "webp"], [width, height, "jpeg"], …], smallest first; each
    # stored as articles.images.store.rendition_name(file, width, extension).
    renditions = models.JSONField(_("renditions"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored image")
        verbose_name_plural = _("stored images")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.file

    @property
    def url(self):
        from django.core.files.storage import default_storage

        return default_storage.url(self.file)

    def describe(self):
        """What pages need to show it, as kept in ``Article.image_renditions``."""
        return {
            "name": self.file,
            "width": self.width,
            "height": self.height,
            "format": self.format,
            "renditions": self.renditions,
        }


class RemoteImage(models.Model):
    """A remote image address already copied into media storage: each is fetched once."""

    url = models.TextField(_("address"))
    url_hash = models.CharField(max_length=64, unique=True, editable=False)
    image = models.ForeignKey(StoredImage, verbose_name=_("stored image"), on_delete=models.CASCADE, related_name="sources")
    fetched_at = models.DateTimeField(_("fetched"), auto_now_add=True)

    class Meta:
        verbose_name = _("copied remote image")
        verbose_name_plural = _("copied remote images")
        ordering = ["-fetched_at", "-id"]

    def __str__(self):
        return self.url


class FeedSubscription(models.Model):
    """An RSS or Atom feed that ``import_feed --all`` polls."""

    title = models.CharField(_("title"), max_length=200, blank=True)
    url = models.URLField(_("feed address"), max_length=1000, unique=True)
    category_path = models.CharField(
        _("section path"),
        max_length=500,
        blank=True,
        help_text=_("Where its entries are filed, e.g. “金融/财联社/快讯” (created when missing)."),
    )
    byline = models.CharField(_("byline"), max_length=200, blank=True)
    default_status = models.CharField(
        _("status of new entries"), max_length=16, choices=Article.Status.choices, default=Article.Status.DRAFT
    )
    active = models.BooleanField(_("active"), default=True)
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("feed subscription")
        verbose_name_plural = _("feed subscriptions")
        ordering = ["title", "url"]

    def __str__(self):
        return self.title or self.url


post_save.connect(category_tree.forget_tree, sender=Category, dispatch_uid="category_tree_save")
post_delete.connect(category_tree.forget_tree, sender=Category, dispatch_uid="category_tree_delete")
