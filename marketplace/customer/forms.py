"""Oscar's customer forms; only the profile form differs (get_class finds the others in Oscar)."""

from oscar.apps.customer.forms import UserForm
from oscar.core.compat import existing_user_fields


class ProfileForm(UserForm):
    """Name only. The e-mail address is the login and where notifications go: it changes only
    on allauth's e-mail page, which sends a confirmation to the new address and keeps the old
    one until then (ACCOUNT_CHANGE_EMAIL)."""

    class Meta(UserForm.Meta):
        fields = existing_user_fields(["first_name", "last_name"])
