"""Panduan (user guide): one page per role, walking through that role's work in order; and the
home page, where each person finds what waits for them in each of their roles."""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views import View

from marketplace.accounts import roles
from procurement.guide import home
from procurement.ordering.lifecycle import OrderStatus


@dataclass(frozen=True)
class GuideRole:
    slug: str
    group: str  # the role group's name (marketplace.accounts.roles)
    title: Promise
    summary: Promise

    @property
    def template_name(self) -> str:
        return f"guide/role_{self.slug.replace('-', '_')}.html"


GUIDE_ROLES = (
    GuideRole(
        "pelaku-umkm",
        roles.VENDOR,
        _("MSME owner (Pelaku UMKM)"),
        _("Register your business, list your products, accept and deliver orders."),
    ),
    GuideRole(
        "pemesan",
        roles.BUYER,
        _("Unit officer (Pemesan OPD)"),
        _("Order catering for a meeting against your unit's budget and confirm receipt (BAST)."),
    ),
    GuideRole(
        "ppk",
        roles.PPK,
        _("Commitment officer (PPK)"),
        _("Approve or reject orders above your unit's approval threshold; follow the budget."),
    ),
    GuideRole(
        "bendahara",
        roles.TREASURER,
        _("Treasurer (Bendahara)"),
        _("Follow the orders your unit has received and will pay."),
    ),
    GuideRole(
        "verifikator",
        roles.VERIFIER,
        _("Verifier (Verifikator)"),
        _("Review MSME registrations and documents: approve, reject or ask for changes."),
    ),
    GuideRole(
        "analis",
        roles.ANALYST,
        _("Analyst (Analis)"),
        _("MSME statistics, the census and exports."),
    ),
    GuideRole(
        "admin",
        roles.ADMIN,
        _("Administrator (Admin)"),
        _("Units and people, budget lines (DPA), price ceilings."),
    ),
)
BY_SLUG = {r.slug: r for r in GUIDE_ROLES}


def roles_of(user) -> set[str]:
    """Slugs of the guides for the roles the user holds (none for visitors)."""
    if not user.is_authenticated:
        return set()
    held = user.role_names()
    return {r.slug for r in GUIDE_ROLES if r.group in held}


class GuideIndexView(View):
    """Every role with a line on what it does; the user's own roles first and marked."""

    def get(self, request):
        mine = roles_of(request.user)
        ordered = sorted(GUIDE_ROLES, key=lambda r: r.slug not in mine)
        return render(request, "guide/guide_index.html", {"roles": ordered, "mine": mine})


class GuideRoleView(View):
    def get(self, request, role):
        guide = BY_SLUG.get(role)
        if guide is None:
            raise Http404()
        return render(
            request,
            guide.template_name,
            {"role": guide, "roles": GUIDE_ROLES, "mine": roles_of(request.user), "statuses": OrderStatus},
        )


class HomeView(View):
    """`/`: for a visitor, what Gulo Asem is and its products (meeting food first); for a
    signed-in person, a card per role they hold with what waits for them (procurement.guide.home)."""

    def get(self, request):
        food_kinds, other_kinds = home.product_kinds()
        if not request.user.is_authenticated:
            return render(
                request,
                "common/home.html",
                {
                    "products": home.products_food_first(),
                    "food_kinds": food_kinds,
                    "other_kinds": other_kinds,
                },
            )
        page = home.home_for(request.user)
        return render(
            request,
            "guide/home.html",
            {
                "home": page,
                "products": home.products_food_first() if page.shows_food else [],
                "food_kinds": food_kinds,
                "other_kinds": other_kinds,
            },
        )
