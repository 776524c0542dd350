"""Copying an article's remote images into media storage.

``Localiser`` downloads each address once (``fetch.fetch_image``), checks and
cleans it like an upload, stores it under a name made from its content, makes
its renditions, and remembers the address (``RemoteImage``), so the same
address is never downloaded twice, in this run or a later one. An image that
cannot be copied keeps its original address and gives one warning.

The importers call ``prefetch()`` before their database transaction (no
download holds a write lock) and ``rewrite()`` inside it; the admin action
calls ``localise_article()``.
"""

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import F

from .fetch import FetchError, fetch_image
from .html import body_images, replace_sources
from .processing import ImageRefused, clean_image
from .store import REMOTE_FOLDER, store_content_addressed


def is_remote(url):
    url = (url or "").strip()
    return url.startswith("//") or urlsplit(url).scheme in ("http", "https")


def url_hash(url):
    return hashlib.sha256(url.encode()).hexdigest()


@dataclass
class Rewritten:
    body: str
    head_image_url: str
    thumbnail_url: str
    warnings: list = field(default_factory=list)  # (None, message), as the importers report them
    copied: int = 0

    def changed_from(self, article):
        return (self.body, self.head_image_url, self.thumbnail_url) != (
            article.body,
            article.head_image_url,
            article.thumbnail_url,
        )


class Localiser:
    """Remote images → stored images, for one run (an import or an admin action)."""

    def __init__(self, *, fetch=fetch_image):
        self.fetch = fetch
        self._results = {}  # url → StoredImage or the reason it failed (str)

    def image_urls(self, body, head_image_url="", thumbnail_url=""):
        urls = [head_image_url, thumbnail_url] + [image.src for image in body_images(body)]
        return list(dict.fromkeys(url.strip() for url in urls if is_remote(url)))

    def prefetch(self, urls):
        for url in urls:
            self.stored(url)

    def stored(self, url):
        """The ``StoredImage`` for ``url``, or the reason (str) it could not be copied."""
        if url in self._results:
            return self._results[url]
        from ..models import RemoteImage

        known = RemoteImage.objects.select_related("image").filter(url_hash=url_hash(url)).first()
        if known is not None:
            result = known.image
        else:
            try:
                download = self.fetch(url)
                image = store_content_addressed(clean_image(download.content), REMOTE_FOLDER)
            except FetchError as error:
                result = str(error)
            except ImageRefused as error:
                result = error.message
            else:
                try:
                    with transaction.atomic():
                        RemoteImage.objects.create(url=url, url_hash=url_hash(url), image=image)
                except IntegrityError:
                    pass  # another run copied it meanwhile: same address, same picture
                result = image
        self._results[url] = result
        return result

    def rewrite(self, body, head_image_url="", thumbnail_url=""):
        """The three with every remote image that could be copied pointing at
        its copy; no download happens here for addresses already prefetched."""
        result = Rewritten(body, head_image_url, thumbnail_url)
        new_urls = {}
        for url in self.image_urls(body, head_image_url, thumbnail_url):
            stored = self.stored(url)
            if isinstance(stored, str):
                result.warnings.append((None, f"image not copied, its address kept: {url[:120]}: {stored}"))
            else:
                new_urls[url] = stored.url
                result.copied += 1
        result.body = replace_sources(body, new_urls)
        # Body sources are compared as written; the fields may carry spaces.
        result.head_image_url = new_urls.get(head_image_url.strip(), head_image_url)
        result.thumbnail_url = new_urls.get(thumbnail_url.strip(), thumbnail_url)
        return result


def localise_article(article, localiser, *, user=None):
    """Copy ``article``'s remote images and save it when that changed anything.

    Returns the ``Rewritten`` (with its warnings). An imported article nobody
    has edited since stays "as imported" (``imported_at``), so a later import
    of a changed source still updates it: copying images is not an edit.
    """
    from .. import revisions
    from ..models import Article

    result = localiser.rewrite(article.body, article.head_image_url, article.thumbnail_url)
    if not result.changed_from(article):
        return result
    pristine = article.imported_at is not None and article.imported_at == article.updated_at
    with transaction.atomic():
        article.body = result.body  # cleaned again on its way to the database
        article.head_image_url = result.head_image_url
        article.thumbnail_url = result.thumbnail_url
        if user is not None:
            article.last_edited_by = user
        article.save()
        revisions.record(article, user=user, comment=f"Copied {result.copied} remote image(s) into media storage")
        if pristine:
            Article.objects.filter(pk=article.pk).update(imported_at=F("updated_at"))
            article.imported_at = article.updated_at
    return result
