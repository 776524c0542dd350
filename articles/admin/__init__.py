"""The newsroom's admin, one module per area."""

from . import content, feeds  # noqa: F401  (registers the ModelAdmins)
