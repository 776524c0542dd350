"""Images in media storage: the cleaned original, its renditions, its record.

Everything goes through ``default_storage``, so object storage works as well
as the local ``MEDIA_ROOT``. Renditions are named after their original
(``renditions/<original without extension>/<width>w.<ext>``), made once when
the original is stored, and listed on its ``StoredImage`` row; pages read
them from there (or from the copy kept on the article) and never ask the
storage whether a file exists.
"""

import hashlib
import logging
import posixpath
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from .processing import FORMATS, ImageRefused, clean_image, file_name, make_renditions, read_limited

logger = logging.getLogger(__name__)

RENDITIONS_FOLDER = "renditions"
EXTENSIONS = {kind.lower(): extension for kind, (extension, _mime) in FORMATS.items()}
REMOTE_FOLDER = "images/remote"
EDITOR_FOLDER = "images/editor"


class CleanFile(ContentFile):
    """An upload that ``clean_image`` has already re-encoded (not to be cleaned twice)."""

    newsroom_clean = True

    def __init__(self, clean, name):
        super().__init__(clean.content, name=name)
        self.clean = clean
        self.content_type = clean.content_type


def clean_file(upload):
    """``upload`` (an uploaded file) checked and re-encoded, as a ``CleanFile``; raises ``ImageRefused``."""
    if getattr(upload, "newsroom_clean", False):
        return upload
    clean = clean_image(read_limited(upload))
    return CleanFile(clean, file_name(getattr(upload, "name", ""), clean))


def rendition_name(original, width, extension):
    """Where the rendition of ``original`` at ``width`` is stored: always this
    name, so records need not list the names."""
    stem = posixpath.splitext(original)[0]
    return f"{RENDITIONS_FOLDER}/{stem}/{width}w.{extension}"


def store_clean(clean, name):
    """Save ``clean`` (a ``CleanImage``) under ``name`` (or a free name near
    it), make its renditions, and return its ``StoredImage``."""
    saved = default_storage.save(name, ContentFile(clean.content))
    return register_clean(saved, clean)


def store_content_addressed(clean, folder):
    """Save ``clean`` under a name made from its content, unless it is there already."""
    from ..models import StoredImage

    digest = hashlib.sha256(clean.content).hexdigest()
    name = f"{folder}/{digest[:2]}/{digest[2:26]}.{clean.extension}"
    existing = StoredImage.objects.filter(file=name).first()
    if existing is not None:
        return existing
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(clean.content))
        if saved != name:  # someone stored it meanwhile
            default_storage.delete(saved)
    return register_clean(name, clean)


def register_clean(name, clean):
    """Make the renditions of ``clean``, stored as ``name``, and record them."""
    from ..models import StoredImage

    existing = StoredImage.objects.filter(file=name).first()
    if existing is not None:
        return existing
    renditions = []
    for rendition in make_renditions(clean):
        target = rendition_name(name, rendition.width, rendition.extension)
        if not default_storage.exists(target):
            saved = default_storage.save(target, ContentFile(rendition.content))
            if saved != target:  # stored meanwhile by another process: keep theirs
                default_storage.delete(saved)
        renditions.append([rendition.width, rendition.height, rendition.format.lower()])
    renditions.sort()
    try:
        with transaction.atomic():
            return StoredImage.objects.create(
                file=name,
                width=clean.width,
                height=clean.height,
                format=clean.format.lower(),
                renditions=renditions,
            )
    except IntegrityError:  # recorded meanwhile
        return StoredImage.objects.get(file=name)


def register_existing(name):
    """The ``StoredImage`` for a file already in storage that has none yet
    (uploaded before renditions existed, or put there by other means): its
    renditions are made now. None if it is missing or not an acceptable image."""
    from ..models import StoredImage

    existing = StoredImage.objects.filter(file=name).first()
    if existing is not None:
        return existing
    try:
        with default_storage.open(name, "rb") as handle:
            clean = clean_image(read_limited(handle))
    except FileNotFoundError:
        return None
    except (ImageRefused, OSError) as error:
        logger.warning("media file %s has no renditions: %s", name, error)
        return None
    return register_clean(name, clean)


def media_name(url):
    """The storage name behind ``url`` when it points into media storage, else None."""
    if not url:
        return None
    url = url.strip()
    for prefix in _media_prefixes():
        if url.startswith(prefix) and len(url) > len(prefix):
            name = unquote(urlsplit(url[len(prefix) :]).path)
            if name and ".." not in name.split("/") and not name.startswith("/"):
                return name
    return None


def _media_prefixes():
    prefixes = [settings.MEDIA_URL]
    base_url = getattr(default_storage, "base_url", None)
    if base_url and base_url not in prefixes:
        prefixes.append(base_url)
    site = settings.SITE_URL.rstrip("/")
    if settings.MEDIA_URL.startswith("/"):
        prefixes.append(site + settings.MEDIA_URL)
    return [prefix for prefix in prefixes if prefix]


@dataclass(frozen=True)
class Picture:
    """An image as a page shows it: ``src``, ``srcset`` in the fallback
    format, ``webp_srcset`` for a ``<source type="image/webp">`` (empty when
    the image is WebP itself), and its intrinsic size."""

    url: str
    width: int
    height: int
    srcset: str
    webp_srcset: str


def picture_from(info):
    """A ``Picture`` from a ``StoredImage.describe()`` dict (no query, no storage
    call but ``url()``)."""
    if not info:
        return None
    name, width, height, kind = info["name"], info["width"], info["height"], info["format"]
    webp, fallback = {}, {}
    for rendition_width, _height, rendition_format in info.get("renditions", []):
        target = webp if rendition_format == "webp" else fallback
        target[rendition_width] = rendition_name(
            name, rendition_width, EXTENSIONS.get(rendition_format, rendition_format)
        )
    if kind == "webp":
        webp.setdefault(width, name)
        fallback, webp = webp, {}
    elif kind != "avif":  # every browser shows the original: the largest fallback
        fallback.setdefault(width, name)
    return Picture(
        url=default_storage.url(fallback[max(fallback)] if fallback else name),
        width=width,
        height=height,
        srcset=_srcset(fallback),
        webp_srcset=_srcset(webp),
    )


def _srcset(candidates):
    return ", ".join(f"{default_storage.url(name)} {width}w" for width, name in sorted(candidates.items()))
