"""Template context shared by every page."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .categories import get_tree


def site(request):
    return {
        # Lazy: pages that never show the menu never read the tree.
        "sections": SimpleLazyObject(lambda: list(get_tree().top_level())),
        "SITE_URL": settings.SITE_URL,
    }
