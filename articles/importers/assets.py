"""Images from a post's asset folder (Hexo's ``post_asset_folder``).

``{% asset_img photo.jpg %}`` in ``_posts/my-post.md`` means
``_posts/my-post/photo.jpg``. Only real raster images inside that folder are
taken (no ``..``, no links leading out, no SVG, which can carry scripts);
they are copied into media storage under a name made from their content, so
a re-run copies nothing twice, cleaned like uploads and with renditions
(``articles.images``).
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from ..images.processing import ImageRefused, clean_image
from ..images.store import register_clean
from ..models import StoredImage
from . import limits

IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
STORAGE_FOLDER = "imports/hexo"


class AssetError(ValueError):
    pass


@dataclass(frozen=True)
class Asset:
    source: Path
    name: str  # in default_storage
    url: str
    digest: str


def asset_folder(post_path):
    """The folder Hexo pairs with a post: its path without the extension."""
    return Path(post_path).with_suffix("")


def find_asset(folder, name):
    """The image ``name`` in ``folder``, checked; ``AssetError`` says why not."""
    if folder is None:
        raise AssetError("this post has no asset folder")
    name = str(name).strip()
    if not name or "\x00" in name or "\\" in name or Path(name).is_absolute() or ".." in Path(name).parts:
        raise AssetError("not a file name inside the post's asset folder")
    base = Path(folder).resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base):
        raise AssetError("it leads outside the post's asset folder")
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise AssetError("not an image file (.jpg, .png, .gif or .webp)")
    try:
        if not path.is_file():
            raise AssetError("no such file in the post's asset folder")
        if path.stat().st_size > limits.MAX_ASSET_BYTES:
            raise AssetError(f"larger than {limits.MAX_ASSET_BYTES // (1024 * 1024)} MB")
        data = path.read_bytes()
    except OSError as error:
        raise AssetError(f"cannot read it: {error.strerror}") from None
    suffix = _image_suffix(data)
    digest = hashlib.sha256(data).hexdigest()
    storage_name = f"{STORAGE_FOLDER}/{digest[:24]}{suffix}"
    return Asset(path, storage_name, default_storage.url(storage_name), digest)


def _image_suffix(data):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                width, height = image.size
                image.verify()
    except Exception:  # Pillow raises many kinds for a file that is not an image
        raise AssetError("not a readable image") from None
    if kind not in IMAGE_FORMATS:
        raise AssetError(f"{kind} images are not accepted")
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise AssetError(f"too many pixels ({width} × {height})")
    return IMAGE_FORMATS[kind]


def copy_assets(assets):
    """Copy ``assets`` into media storage (those not there yet), cleaned like
    uploads (no metadata: a photographer's GPS position stays out) and with
    their renditions. Returns warnings for images that could not be used."""
    problems = []
    for asset in {asset.name: asset for asset in assets}.values():
        if StoredImage.objects.filter(file=asset.name).exists():
            continue
        try:
            clean = clean_image(asset.source.read_bytes())
        except (ImageRefused, OSError) as error:
            problems.append((None, f"image {asset.source.name} not copied: {getattr(error, 'message', error)}"))
            continue
        if not default_storage.exists(asset.name):
            saved = default_storage.save(asset.name, ContentFile(clean.content))
            if saved != asset.name:  # a concurrent run stored it first
                default_storage.delete(saved)
        register_clean(asset.name, clean)
    return problems
