"""People: users with their allauth e-mail address and role groups."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from marketplace.accounts.models import User

PASSWORD = "Semarang-Uji-2026!"


def email_address_for(user, *, verified: bool = True) -> EmailAddress:
    """Give the user the allauth e-mail record a sign-up would create (verified by default)."""
    address, _ = EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": verified}
    )
    return address


class UserFactory(DjangoModelFactory):
    """A person with a password (`PASSWORD`), a verified e-mail and optional roles.

    `UserFactory(roles=[roles.VERIFIER])` adds the role groups created by migration
    accounts/0002; `email_verified=False` leaves the e-mail unconfirmed, as right
    after sign-up.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    email = factory.Sequence(lambda n: f"pengguna{n}@contoh.semarangkota.go.id")
    password = factory.django.Password(PASSWORD)
    is_active = True

    @factory.post_generation
    def email_verified(obj, create, extracted, **kwargs):
        if create:
            email_address_for(obj, verified=True if extracted is None else bool(extracted))

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        if not create or not extracted:
            return
        names = list(extracted)
        groups = list(Group.objects.filter(name__in=names))
        missing = set(names) - {g.name for g in groups}
        if missing:
            raise LookupError(
                f"Role groups {sorted(missing)} do not exist: migration accounts/0002 creates them; "
                "a transactional test without serialized_rollback=True empties them."
            )
        obj.groups.add(*groups)
        obj.__dict__.pop("_role_names", None)
        obj.__dict__.pop("_perm_cache", None)
        obj.__dict__.pop("_group_perm_cache", None)
