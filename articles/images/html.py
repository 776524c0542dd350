"""Images in a sanitised article body: finding them, checking their alt
text, pointing them elsewhere, and giving them ``srcset`` on the page.

The body is always the sanitiser's output (``articles.sanitizer``), whose
serializer writes every attribute value in double quotes with ``"`` and
``&`` escaped, so a tag can be read with a regular expression safely here.
"""

import html
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .store import media_name, picture_from

_IMG = re.compile(r"<img((?:\s+[^\s\"'>/=]+(?:=\"[^\"]*\")?)*)\s*/?>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"\s+([^\s\"'>/=]+)(?:=\"([^\"]*)\")?")

# Alt text that says nothing: what cameras, CMSs and importers put there.
PLACEHOLDER_ALT = {
    "image", "img", "picture", "pic", "photo", "photograph", "figure", "untitled", "alt", "null", "none",
    "图片", "图像", "照片", "配图", "插图", "图", "截图", "示意图",
}  # fmt: skip
_FILE_NAME_ALT = re.compile(r"^[\w\-. ]+\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?)$|^(?:img|dsc|dscn|pxl)[_-]?\d+$", re.I)

# The column is 46rem wide at most (static/css/site.css: .article).
BODY_SIZES = "(min-width: 48rem) 46rem, 100vw"


@dataclass(frozen=True)
class BodyImage:
    position: int  # 1 for the first image in the body
    src: str
    alt: str | None  # None: no alt attribute at all
    start: int
    end: int
    attributes: dict


def body_images(body):
    """The ``<img>`` tags of ``body``, in order."""
    images = []
    for match in _IMG.finditer(body or ""):
        attributes = {
            name.lower(): html.unescape(value) if value is not None else ""
            for name, value in _ATTRIBUTE.findall(match.group(1))
        }
        images.append(
            BodyImage(
                position=len(images) + 1,
                src=attributes.get("src", ""),
                alt=attributes.get("alt"),
                start=match.start(),
                end=match.end(),
                attributes=attributes,
            )
        )
    return images


def lacks_alt(alt):
    """Whether ``alt`` fails to describe the picture: missing, blank, a
    placeholder such as "image" or "图片", or a file name."""
    text = " ".join((alt or "").split())
    return not text or text.lower() in PLACEHOLDER_ALT or bool(_FILE_NAME_ALT.match(text))


def missing_alt_text(article):
    """Which images of ``article`` lack alt text, for people: ``["the head image",
    "body image 2 (https://…/a.jpg)"]``. The thumbnail is not counted: list
    pages show it as decoration beside the headline."""
    missing = []
    if (article.head_image or article.head_image_url) and lacks_alt(article.head_image_alt):
        missing.append(_("the head image"))
    for image in body_images(article.body):
        if lacks_alt(image.alt):
            src = image.src if len(image.src) <= 80 else image.src[:77] + "…"
            missing.append(_("body image %(number)d (%(src)s)") % {"number": image.position, "src": src})
    return missing


def replace_sources(body, new_urls):
    """``body`` with each ``<img src>`` found in ``new_urls`` (old → new)
    pointing at the new address; ``referrerpolicy`` goes, as the image is ours now."""
    if not new_urls:
        return body
    pieces, last = [], 0
    for image in body_images(body):
        new = new_urls.get(image.src)
        if not new:
            continue
        attributes = dict(image.attributes)
        attributes["src"] = new
        attributes.pop("referrerpolicy", None)
        pieces += [body[last : image.start], _tag("img", attributes)]
        last = image.end
    return "".join(pieces) + body[last:] if pieces else body


def local_names(body):
    """Storage names of the body's images that are stored here."""
    return [name for image in body_images(body) if (name := media_name(image.src))]


def responsive_body(body, infos):
    """``body`` (safe HTML) with each image described in ``infos`` (storage
    name → ``StoredImage.describe()``) given its renditions: a ``<picture>``
    with a WebP ``<source>``, ``srcset``, ``sizes``, width and height."""
    if not infos:
        return mark_safe(body)
    pieces, last = [], 0
    for image in body_images(body):
        info = infos.get(media_name(image.src) or "")
        if not info:
            continue
        picture = picture_from(info)
        attributes = dict(image.attributes)
        attributes.pop("referrerpolicy", None)
        if "width" not in attributes or "height" not in attributes:
            attributes["width"], attributes["height"] = str(picture.width), str(picture.height)
        attributes["srcset"], attributes["sizes"] = picture.srcset, BODY_SIZES
        attributes.setdefault("loading", "lazy")
        source = ""
        if picture.webp_srcset:
            source = _tag("source", {"type": "image/webp", "srcset": picture.webp_srcset, "sizes": BODY_SIZES})
        pieces += [body[last : image.start], f"<picture>{source}{_tag('img', attributes)}</picture>"]
        last = image.end
    return mark_safe("".join(pieces) + body[last:])


def _tag(name, attributes):
    rendered = "".join(f' {key}="{escape(value)}"' for key, value in attributes.items())
    return f"<{name}{rendered}>"
