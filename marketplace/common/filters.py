"""GET filters of the listing pages: bounded fields, and the valid part of a filter form.

A filter comes from the address bar, so anything may arrive (`?partner=99999999999999999999`,
`?min_days=1000000`). Every filter is a field of a small form with bounds; `valid_filters`
keeps the fields that passed and names each one left out in a message, so a bad value is
ignored with a word instead of reaching the database (or the date arithmetic) and a 500.
"""

from django import forms
from django.contrib import messages
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.common.bounds import MAX_ID


class IdField(forms.IntegerField):
    """The id of a row, as a hidden filter: 1 to MAX_ID."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": gettext_lazy("Unknown number."),
                "min_value": gettext_lazy("Unknown number."),
                "max_value": gettext_lazy("Unknown number."),
            },
        )
        super().__init__(**kwargs)


def valid_filters(request, form: forms.Form) -> dict:
    """The cleaned values of the form's valid fields; an unbound form gives {}.

    Each invalid field is left out and named in a warning ("Filter “Month” ignored: …"), so the
    rest of the filters still apply and the page says why one did not."""
    if not form.is_bound:
        return {}
    form.is_valid()
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = (field.label or name) if field is not None else _("Filters")
        messages.warning(
            request,
            _("Filter “%(filter)s” ignored: %(error)s")
            % {"filter": label, "error": Truncator(" ".join(errors)).chars(200)},
        )
    return {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
