"""Project-level views."""

from django.http import HttpResponse


def floor(request):
    """The cheapest response the stack can give: the benchmark's floor.

    `make bench` measures every page against this one, served by the same
    server in the same run, so its figures are ratios, not machine-bound times.
    """
    return HttpResponse(b"ok", content_type="text/plain")
