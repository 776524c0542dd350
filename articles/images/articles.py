"""What an article (or an author) does with its images when it is saved.

A new upload is cleaned (if a form has not done it already), stored, and its
renditions made. Then the article keeps a copy of what its stored images look
like (``Article.image_renditions``: sizes and renditions of the head image,
the thumbnail and each body image stored here), so pages build ``srcset``
without asking the database or the storage anything.
"""

from .. import fields
from .html import local_names
from .html import responsive_body as _responsive_body
from .store import clean_file, media_name, picture_from, register_clean, register_existing


def store_upload(field_file):
    """Store a new, uncommitted upload in ``field_file`` (an ``ImageField``'s
    value) cleaned, with its renditions. Raises ``ImageRefused`` for a file
    that is not an acceptable image."""
    if not field_file or getattr(field_file, "_committed", True):
        return None
    upload = clean_file(field_file.file)
    field_file.save(upload.name, upload, save=False)
    return register_clean(field_file.name, upload.clean)


def slot_names(article):
    """``{"head": name, "thumbnail": name}`` of the images stored here (None when external)."""
    head = article.head_image.name if article.head_image else media_name(article.head_image_url)
    return {"head": head or None, "thumbnail": media_name(article.thumbnail_url)}


def prepare(article):
    """Before a content save: store a new upload, then refresh ``image_renditions``.

    Costs no query when the stored images did not change, one when they did.
    """
    from ..models import StoredImage

    store_upload(article.head_image)
    if article.body and not isinstance(article.body, fields.CleanHTML) and "<img" in article.body.lower():
        # Its images are read from the clean version. The field would clean it
        # on the way to the database anyway; now it need not.
        article.body = fields.CleanHTML(fields.clean_html(article.body))
    slots = slot_names(article)
    body_names = list(dict.fromkeys(local_names(article.body)))
    current = article.image_renditions if isinstance(article.image_renditions, dict) else {}
    known = {}
    for slot in ("head", "thumbnail"):
        if (info := current.get(slot)) and info.get("name"):
            known[info["name"]] = info
    known.update({name: info for name, info in (current.get("body") or {}).items() if info})
    wanted = {name for name in [*slots.values(), *body_names] if name}
    missing = wanted - known.keys()
    if missing:
        for image in StoredImage.objects.filter(file__in=missing):
            known[image.file] = image.describe()
        for name in missing - known.keys():
            image = register_existing(name)
            if image is not None:
                known[name] = image.describe()
    renditions = {slot: known[name] for slot, name in slots.items() if name in known}
    body = {name: known[name] for name in body_names if name in known}
    if body:
        renditions["body"] = body
    article.image_renditions = renditions


def picture(article, slot):
    """The ``Picture`` of ``slot`` ("head" or "thumbnail"), or None when that
    image is external or was saved without its sizes (``QuerySet.update``)."""
    info = (article.image_renditions or {}).get(slot)
    if not info or info.get("name") != slot_names(article)[slot]:
        return None
    return picture_from(info)


def responsive_body(article):
    return _responsive_body(article.body, (article.image_renditions or {}).get("body") or {})
