from django.utils.translation import gettext_lazy as _
from oscar.apps.customer.abstract_models import AbstractUser

from marketplace.accounts import roles


class User(AbstractUser):
    """A person using Gulo Asem; logs in with the e-mail address (django-allauth)."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = roles.PERMISSIONS

    def role_names(self) -> set[str]:
        """Names of the role groups this user holds (cached on the instance)."""
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return self._role_names

    def has_role(self, role: str) -> bool:
        return role in self.role_names()

    @property
    def holds_staff_role(self) -> bool:
        return self.is_superuser or bool(self.role_names() & roles.STAFF_ROLES)
