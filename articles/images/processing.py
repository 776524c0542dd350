"""Checking, cleaning and resizing images with Pillow.

Every image the newsroom stores comes through ``clean_image()``: the content
decides what it is (never the file name), only JPEG, PNG, WebP and GIF are
taken (and AVIF when the installed Pillow reads it), the byte and pixel limits
are checked before anything is decoded, the EXIF orientation is applied, and
the picture is encoded again from its pixels alone, so no metadata (EXIF with
its GPS position, XMP, comments, text chunks) survives. An embedded colour
profile is applied (converted to sRGB) before it is dropped.

``make_renditions()`` then makes the smaller copies the pages use.
"""

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, ImageSequence, features

# Pillow's format name → (file extension, MIME type).
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
    "GIF": ("gif", "image/gif"),
}
if features.check("avif"):
    FORMATS["AVIF"] = ("avif", "image/avif")

# What an image's renditions are encoded as besides WebP: the original format
# where every browser shows it, else the nearest one that every browser does.
FALLBACK_FORMAT = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "PNG", "WEBP": None, "AVIF": "JPEG"}

SAVE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {"compress_level": 6},
    "WEBP": {"quality": 80, "method": 4},
    "GIF": {},
    "AVIF": {"quality": 70},
}


class ImageRefused(ValueError):
    """The file is not an image the newsroom takes; the message says why, for people."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class CleanImage:
    """An image re-encoded without metadata, ready to store."""

    content: bytes
    format: str  # Pillow's name: "JPEG", "PNG", "WEBP", "GIF", "AVIF"
    width: int
    height: int
    frames: int = 1

    @property
    def extension(self):
        return FORMATS[self.format][0]

    @property
    def content_type(self):
        return FORMATS[self.format][1]

    @property
    def animated(self):
        return self.frames > 1


@dataclass(frozen=True)
class RenditionData:
    content: bytes
    format: str
    width: int
    height: int

    @property
    def extension(self):
        return FORMATS[self.format][0]


def accepted_formats():
    """ "JPEG, PNG, WebP, GIF or AVIF", for messages."""
    names = [{"WEBP": "WebP"}.get(name, name) for name in FORMATS]
    return _("%(names)s or %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def read_limited(file, max_bytes=None):
    """The bytes of ``file`` (an open file or an ``UploadedFile``), refused above ``max_bytes``."""
    max_bytes = settings.IMAGE_MAX_BYTES if max_bytes is None else max_bytes
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise _too_many_bytes(max_bytes)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_many_bytes(max_bytes)
    return data


def clean_image(data, *, max_bytes=None, max_pixels=None):
    """Check ``data`` (bytes) and return it as a ``CleanImage``; ``ImageRefused`` says why not."""
    max_bytes = settings.IMAGE_MAX_BYTES if max_bytes is None else max_bytes
    max_pixels = settings.IMAGE_MAX_PIXELS if max_pixels is None else max_pixels
    if len(data) > max_bytes:
        raise _too_many_bytes(max_bytes)
    if not data:
        raise ImageRefused(_("The file is empty."), "empty")
    with warnings.catch_warnings():
        # Pillow's own bomb guard warns (and raises at twice its limit); ours is lower still.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            # Pillow's own guard fired while reading the header: its message has the size.
            claimed = re.search(r"\((\d+) pixels\)", str(error))
            raise _too_many_pixels(None, None, max_pixels, int(claimed.group(1)) if claimed else None) from None
        except Exception:  # Pillow raises many kinds (and UnidentifiedImageError) for what is not an image
            raise ImageRefused(
                _(
                    "This file is not an image in a format the site accepts (%(formats)s); "
                    "its content decides, not its name."
                )
                % {"formats": accepted_formats()},
                "not_an_image",
            ) from None
        with image:
            width, height = image.size
            if width < 1 or height < 1 or width * height > max_pixels:
                raise _too_many_pixels(width, height, max_pixels)
            try:
                # A camera's MPO is a JPEG followed by previews or a depth map: the JPEG is the picture.
                frames = 1 if image.format == "MPO" else getattr(image, "n_frames", 1)
                if frames * width * height > max_pixels:
                    raise ImageRefused(
                        _(
                            "The animation is too large: %(frames)d frames of %(width)d × %(height)d pixels "
                            "(at most %(limit)s million pixels in all)."
                        )
                        % {"frames": frames, "width": width, "height": height, "limit": _millions(max_pixels)},
                        "too_many_pixels",
                    )
                return _reencode(image, frames)
            except ImageRefused:
                raise
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise _too_many_pixels(width, height, max_pixels) from None
            except Exception:  # as above: a broken file can make Pillow raise almost anything
                raise ImageRefused(_("The image is damaged or incomplete and cannot be read."), "damaged") from None


def clean_upload(file, *, max_bytes=None, max_pixels=None):
    """``clean_image`` for an uploaded or open file."""
    return clean_image(read_limited(file, max_bytes), max_bytes=max_bytes, max_pixels=max_pixels)


def file_name(original_name, clean):
    """A storage-safe name for ``clean``, keeping the stem of ``original_name``."""
    stem = re.sub(r"[^\w-]+", "-", PurePath(original_name or "").stem)[:60].strip("._-") or "image"
    return f"{stem}.{clean.extension}"


def make_renditions(clean, widths=None):
    """Smaller copies of ``clean``: for each width narrower than the image,
    WebP plus the fallback format; and a WebP (and, for AVIF, a JPEG) at full
    size unless it is more than twice the widest. Never wider than the
    original. Animations get none: resizing every frame costs too much for
    what it saves, so they are shown as they are."""
    widths = settings.IMAGE_RENDITION_WIDTHS if widths is None else widths
    if clean.animated:
        return []
    with Image.open(io.BytesIO(clean.content)) as image:
        image.load()
        base = _for_screen(image)
    fallback = FALLBACK_FORMAT[clean.format]
    if fallback == "JPEG" and base.mode == "RGBA":
        fallback = "PNG"  # JPEG has no transparency
    results = []
    smaller = sorted({w for w in widths if 0 < w < clean.width}, reverse=True)
    # At full size too, unless the image is far wider than the widest
    # rendition (no page shows it that large; encoding it would take seconds).
    if not smaller or clean.width <= 2 * smaller[0]:
        if clean.format != "WEBP":
            results.append(_encode(base, "WEBP"))
        if clean.format == "AVIF":
            results.append(_encode(base, fallback))
    current = base
    for width in smaller:
        height = max(1, round(clean.height * width / clean.width))
        # Each size from the next larger one: cheaper than from the original, and as sharp.
        current = current.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        results.append(_encode(current, "WEBP"))
        if fallback:
            results.append(_encode(current, fallback))
    return [result for result in results if result is not None]


# Internals --------------------------------------------------------------------


def _reencode(image, frames):
    kind = "JPEG" if image.format == "MPO" else image.format
    if frames > 1:
        return _reencode_animation(image, kind, frames)
    image.load()
    picture = ImageOps.exif_transpose(image)
    picture = _to_srgb(picture)
    picture = _without_metadata(picture)
    if kind == "JPEG" and picture.mode not in ("L", "RGB"):
        picture = picture.convert("RGB")
    output = io.BytesIO()
    picture.save(output, kind, **SAVE_OPTIONS[kind])
    return CleanImage(output.getvalue(), kind, picture.width, picture.height)


def _reencode_animation(image, kind, frames):
    pictures, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(frame.info.get("duration", 100))
        pictures.append(_without_metadata(frame.convert("RGBA")))
    first, rest = pictures[0], pictures[1:]
    options = {"save_all": True, "append_images": rest, "duration": durations, "loop": image.info.get("loop", 0)}
    if kind == "GIF":
        options["disposal"] = 2
    elif kind == "WEBP":
        options["lossless"] = False
        options["quality"] = 80
    output = io.BytesIO()
    first.save(output, kind, **options)
    return CleanImage(output.getvalue(), kind, first.width, first.height, frames)


def _to_srgb(image):
    """Apply an embedded colour profile, so the colours survive dropping it."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        target_mode = "RGBA" if image.mode == "RGBA" else ("L" if image.mode == "L" else "RGB")
        if target_mode == "L":
            return image  # a grey profile: sRGB conversion would add nothing
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=target_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


def _without_metadata(image):
    """A copy holding only the pixels (and palette transparency): no EXIF, XMP,
    ICC, comments, text chunks or resolution."""
    clean = image.copy()
    transparency = image.info.get("transparency")
    clean.info = {} if transparency is None else {"transparency": transparency}
    return clean


def _for_screen(image):
    if image.mode in ("RGB", "RGBA"):
        return image.copy()
    has_alpha = image.mode in ("LA", "PA", "La") or (image.mode == "P" and "transparency" in image.info)
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        image = image.point(lambda value: value / 256).convert("L")
    return image.convert("RGBA" if has_alpha else "RGB")


def _encode(image, kind):
    """The rendition, or None when the format cannot hold it (WebP stops at
    16,383 pixels a side): pages then use the other sizes."""
    picture = image
    if kind == "JPEG" and picture.mode != "RGB":
        picture = picture.convert("RGB")
    output = io.BytesIO()
    try:
        picture.save(output, kind, **SAVE_OPTIONS[kind])
    except (OSError, ValueError):
        return None
    return RenditionData(output.getvalue(), kind, picture.width, picture.height)


def _millions(pixels):
    return f"{pixels / 1_000_000:g}"


def _too_many_bytes(max_bytes):
    return ImageRefused(
        _("The file is too large: at most %(limit)s MB.") % {"limit": f"{max_bytes / (1024 * 1024):g}"},
        "too_many_bytes",
    )


def _too_many_pixels(width, height, max_pixels, claimed=None):
    if width is None:
        message = _("The image has too many pixels: %(claimed)s million; at most %(limit)s million.") % {
            "claimed": _millions(claimed) if claimed else "?",
            "limit": _millions(max_pixels),
        }
    else:
        message = _("The image has too many pixels: %(width)d × %(height)d; at most %(limit)s million.") % {
            "width": width,
            "height": height,
            "limit": _millions(max_pixels),
        }
    return ImageRefused(message, "too_many_pixels")
