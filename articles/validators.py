"""Validators for article fields."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_image_url(value):
    """An image address: ``http(s)://…`` or a path on this site (``/static/…``)."""
    if not value:
        return
    parts = urlsplit(value.strip())
    if parts.scheme in ("http", "https") and parts.netloc:
        return
    if not parts.scheme and not parts.netloc and value.startswith("/"):
        return
    raise ValidationError(
        _("Enter an http(s) address or a path on this site starting with “/”."), code="invalid_image_url"
    )
