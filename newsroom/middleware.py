"""Project-wide middleware."""

from urllib.parse import unquote_to_bytes

from csp.middleware import CSPMiddleware
from django.core.exceptions import SuspiciousOperation


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy, with inline styles allowed only inside the admin.

    Django's admin templates set a few ``style`` attributes; the public site
    has none, so readers get the strict policy. Scripts stay strict everywhere.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith("/admin/"):
            parts.update = {**(parts.update or {}), "style-src": ["'self'", "'unsafe-inline'"]}
        return parts


class RejectNulBytesMiddleware:
    """Answer 400 to a NUL byte anywhere in the path or parameters.

    No legitimate request carries one, and PostgreSQL refuses them in text,
    which would otherwise surface as a 500 deep inside a view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw_path = request.META.get("PATH_INFO", "")
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in raw_path or b"\x00" in unquote_to_bytes(query):
            raise SuspiciousOperation("NUL byte in the request")
        if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if any("\x00" in value for values in request.POST.lists() for value in values[1]):
                raise SuspiciousOperation("NUL byte in the form data")
        return self.get_response(request)
