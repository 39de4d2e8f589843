"""Size classes of an MSME (usaha mikro, kecil, menengah) per PP 7/2021 art. 35 (docs/census.md).

Art. 35 groups MSMEs by business capital (modal usaha, excluding land and buildings) *or* annual
sales (hasil penjualan tahunan). Capital is the criterion for setting up and registering the
business (ayat 2, 3); annual sales are the criterion for ease, protection and empowerment (ayat
4, 5), which is what the census serves. So:

1. With a self-reported annual sales figure, the class follows the sales: the larger of the
   self-reported figure and the platform's sales of the last 12 months (the platform's figure
   raises what was reported, never lowers it).
2. Without one, capital decides, and the platform's sales may only raise the class: they are
   a lower bound of what the business sells (it sells elsewhere too), so a few platform sales
   never class a business with Rp 3 M of capital as micro.
3. With neither figure (and no platform sales) the class is unknown.

Limits, all inclusive ("sampai dengan paling banyak"), "M" = miliar = 10^9 rupiah:

    class    capital        annual sales
    micro    ≤ Rp 1 M       ≤ Rp 2 M
    small    ≤ Rp 5 M       ≤ Rp 15 M
    medium   ≤ Rp 10 M      ≤ Rp 50 M
    large    above those    (not an MSME: counted, shown as "large")

The literal "smallest class whose limits the business meets on either criterion" is not used:
it would keep every business with a micro capital micro whatever it sells, so no spending could
ever lift it ("naik kelas").
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

MILIAR = 10**9


class SizeClass(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    MICRO = "mikro", _("Micro")
    SMALL = "kecil", _("Small")
    MEDIUM = "menengah", _("Medium")
    LARGE = "besar", _("Large (not an MSME)")


# (class, capital limit, annual sales limit), smallest first.
LIMITS = (
    (SizeClass.MICRO, 1 * MILIAR, 2 * MILIAR),
    (SizeClass.SMALL, 5 * MILIAR, 15 * MILIAR),
    (SizeClass.MEDIUM, 10 * MILIAR, 50 * MILIAR),
)
RANK = {SizeClass.UNKNOWN: 0, SizeClass.MICRO: 1, SizeClass.SMALL: 2, SizeClass.MEDIUM: 3, SizeClass.LARGE: 4}
MSME_CLASSES = (SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM)


def class_by_capital(capital_idr: int) -> str:
    for size, capital_limit, _sales_limit in LIMITS:
        if capital_idr <= capital_limit:
            return size
    return SizeClass.LARGE


def class_by_sales(sales_idr: int) -> str:
    for size, _capital_limit, sales_limit in LIMITS:
        if sales_idr <= sales_limit:
            return size
    return SizeClass.LARGE


def annual_sales(*, reported_idr: int | None, platform_12m_idr: int) -> int | None:
    """The annual sales the class is read from: max(self-reported, platform's last 12 months);
    None when nothing was reported and the platform sold nothing."""
    platform = max(platform_12m_idr, 0)
    if reported_idr is None:
        return platform or None
    return max(reported_idr, platform)


def size_class(*, capital_idr: int | None, reported_sales_idr: int | None, platform_12m_idr: int = 0) -> str:
    """The size class of a business from its figures (the rules above)."""
    platform = max(platform_12m_idr, 0)
    if reported_sales_idr is not None:
        return class_by_sales(max(reported_sales_idr, platform))
    found = []
    if capital_idr is not None:
        found.append(class_by_capital(capital_idr))
    if platform:
        found.append(class_by_sales(platform))
    return max(found, key=RANK.__getitem__) if found else SizeClass.UNKNOWN


def is_up(from_class: str, to_class: str) -> bool:
    """Whether a change is "naik kelas": from a known MSME class to a larger one."""
    return from_class in MSME_CLASSES and RANK[to_class] > RANK[from_class]
