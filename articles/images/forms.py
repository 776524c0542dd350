"""The upload field of the admin's image inputs."""

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from .processing import ImageRefused, accepted_formats
from .store import clean_file


def upload_help_text():
    return _(
        "%(formats)s, up to %(mb)s MB and %(mp)s million pixels. The file is re-encoded: "
        "camera data and location (EXIF, GPS) are removed."
    ) % {
        "formats": accepted_formats(),
        "mb": f"{settings.IMAGE_MAX_BYTES / (1024 * 1024):g}",
        "mp": f"{settings.IMAGE_MAX_PIXELS / 1_000_000:g}",
    }


class UploadedImageField(forms.FileField):
    """A file field that takes only images the site accepts, checked by their
    content, and hands on the re-encoded file (no metadata).

    Each refusal is a form error saying why: not an image (a renamed HTML or
    SVG file), too many bytes, too many pixels, damaged.
    """

    widget = AdminFileWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "")
        super().__init__(**kwargs)
        if not self.help_text:
            # Lazy: in the reader's language, with the limits as they are set now.
            self.help_text = lazy(upload_help_text, str)()
        self.widget.attrs.setdefault("accept", ",".join(_accept_types()))

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        try:
            return clean_file(upload)
        except ImageRefused as error:
            raise ValidationError(error.message, code=error.code) from None


def _accept_types():
    from .processing import FORMATS

    return [mime for _extension, mime in FORMATS.values()]
