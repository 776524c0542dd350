"""Model fields of the newsroom."""

from django.db import models

from .sanitizer import clean_html


class CleanHTML(str):
    """A string that has already been through ``clean_html()``."""


class SanitizedHTMLField(models.TextField):
    """A text field that stores only HTML allowed by ``articles.sanitizer``.

    Cleaning happens on the way to the database, so every write path stores
    clean HTML: ``save()`` and ``bulk_create()`` (through ``pre_save``) and
    ``QuerySet.update()`` (through ``get_prep_value``). A ``save()`` override
    alone would miss the last two.
    """

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value is not None and not isinstance(value, CleanHTML):
            value = CleanHTML(clean_html(value))
            # Keep the instance in step with what the database now holds.
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or isinstance(value, CleanHTML):
            return value
        return clean_html(value)
