"""URL converters.

Django's ``<slug:>`` accepts ASCII only; our slugs keep Chinese characters.
"""


class UnicodeSlugConverter:
    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class CategoryPathConverter:
    """One or more unicode slugs separated by ``/``: ``金融/财联社/深度``."""

    regex = r"[-\w]+(?:/[-\w]+)*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
