"""Template helpers for the public pages."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .. import fragments, pagecache, paths

register = template.Library()


@register.filter
def absolute(url):
    """``url`` on SITE_URL (already-absolute URLs are left alone)."""
    return paths.absolute(url) if url else ""


@register.filter(expects_localtime=False)
def iso(value):
    """A machine-readable time in the site's time zone (``datetime`` attributes,
    metadata): ISO 8601 to the second, without the cost of the ``date`` filter."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


@register.simple_tag(takes_context=True)
def json_ld(context, text):
    """A JSON-LD data block. Never run, it carries the page's nonce all the
    same, so every inline <script> on the site is accounted for by the CSP."""
    nonce = getattr(context.get("request"), "csp_nonce", "")
    return format_html('<script type="application/ld+json" nonce="{}">{}</script>', str(nonce), mark_safe(text))


# The parts of every page around its content, kept (fragments.render_part) under
# what they depend on. Error pages may render without a request (and without the
# site context): those render afresh.


def _site_part(context, template_name, *key):
    request = context.get("request")
    if request is None:
        return fragments.render_in(context, template_name)
    return fragments.render_part(template_name, (pagecache.request_version(request), *key), context)


@register.simple_tag(takes_context=True)
def site_header(context):
    """The skip link and the header: sections menu (marking the current one) and search."""
    request = context.get("request")
    if context.get("query"):  # a search page shows its query in the box: not shared
        return fragments.render_in(context, "_site_header.html")
    category, breadcrumbs = context.get("category"), context.get("breadcrumbs")
    current = getattr(category, "pk", None)
    parent = breadcrumbs[0].pk if breadcrumbs else None
    home = request is not None and request.path == "/"
    return _site_part(context, "_site_header.html", current, parent, home)


@register.simple_tag(takes_context=True)
def site_footer(context):
    return _site_part(context, "_site_footer.html", timezone.localdate().year)


@register.simple_tag(takes_context=True)
def site_links(context):
    """Style sheet, icon, the site's feeds and its Open Graph name and locale."""
    return _site_part(context, "_site_links.html")
