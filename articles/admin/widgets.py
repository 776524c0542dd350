"""Admin widgets that stay valid HTML."""

from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models.fields import BLANK_CHOICE_DASH


class AutocompleteSelectWithBlankLabel(AutocompleteSelect):
    """Django's autocomplete box, whose "nothing chosen" option has a label.

    Django writes it as ``<option value=""></option>``, which HTML allows
    only in a required select. select2 shows its own (empty) placeholder in
    its place, so the label is what a page without scripts shows.
    """

    def create_option(self, name, value, label, *args, **kwargs):
        if value == "" and not label:
            label = BLANK_CHOICE_DASH[0][1]
        return super().create_option(name, value, label, *args, **kwargs)


class LabelledAutocompleteMixin:
    """A ModelAdmin whose optional autocomplete fields use the widget above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectWithBlankLabel(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
