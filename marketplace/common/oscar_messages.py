"""Oscar's messages that Oscar's own Indonesian catalogue leaves untranslated.

django-oscar 4.2 ships ``oscar/locale/id/LC_MESSAGES/django.po``, but some messages of the
pages our users see (basket, product page, navigation, pagination, account pages) have an
empty translation there, or are missing because Oscar's templates changed after the
catalogue was last updated. Without help they appear in English on an Indonesian site.
A few others are translated there, but wrongly or against our words ("Account" as
"Menghitung", "Home" as "Rumah", "Basket" as "Troli belanja"); ``CORRECTED`` lists those.

A catalogue in ``LOCALE_PATHS`` (``locale/id/LC_MESSAGES/django.po``) takes precedence over
the apps' catalogues, so it can fill them. ``makemessages`` only extracts messages from the
project's own files (``.venv`` is ignored) and comments out, as obsolete, any entry that is
not in a source file. Listing the msgids here keeps them in our catalogue, marked for
translation but never translated at import time.

Each msgid must match Oscar's byte for byte, including the whitespace a ``{% blocktranslate %}``
without ``trimmed`` keeps. Nothing imports this module. How to refresh the list after an
Oscar upgrade: docs/translations.md.
"""

from django.utils.translation import gettext_noop as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

# oscar/templates/oscar/partials/nav_primary.html (mini basket in the header, every page)
# and oscar/templates/oscar/partials/pagination.html (account lists).
LAYOUT = (
    _("\n                        Total: %(total)s\n                    "),
    _("\n                        Page %(page_num)s of %(total_pages)s\n                    "),
)

# Basket page, its messages and the basket middleware.
BASKET = (
    _("\n        Your basket total is now <strong>%(total)s</strong>\n        "),
    _("Surcharges"),
    _("This product cannot be added to the basket because a price could not be determined for it."),
    _("Your basket has got some issues. Please correct any validation errors below."),
    _(
        "Available stock is only %(max)d, which has been exceeded because multiple lines "
        "contain the same product."
    ),
    _("'%(product)s' is no longer available"),
    ngettext_lazy(
        "We have merged %(num_items_merged)d item from a previous session to your basket.",
        "We have merged %(num_items_merged)d items from a previous session to your basket.",
    ),
)

# Product page: gallery, variants and attribute values.
CATALOGUE = (
    _("Previous"),
    _("Next"),
    _("Variants:"),
    pgettext_lazy("Product attribute value", "Yes"),
    pgettext_lazy("Product attribute value", "No"),
)

# Checkout and the customer's account pages (order history, order status).
ACCOUNT = (
    _("A problem occurred while placing this order. Please contact customer services."),
    _("Order not found"),
    _("Enter the following information you used for this order"),
    _("Submit"),
    pgettext_lazy("Buy again", "Re-order"),
    pgettext_lazy("Buy again", "Re-order all items"),
    pgettext_lazy("Buy again", "Re-ordering..."),
)


# Translated in Oscar's catalogue, but wrongly or with other words than ours; shown in the
# header, the basket and the account pages.
CORRECTED = (
    _("Account"),
    _("Go"),
    _("Submitting..."),
    _("Basket total:"),
    _("Price (incl. tax)"),
    _("Login or register"),
    _("Register"),
    _("Dashboard"),
    _("Browse store"),
    _("View basket"),
    _("Checkout"),
    _("Checkout now"),
    _("Proceed to checkout"),
    _("Your basket is now empty"),
    _("\n    <strong>%(title)s</strong> has been added to your basket.\n    "),
    _(
        "\n    <strong>%(quantity)s</strong> copies of <strong>%(title)s</strong>\n"
        "    have been added to your basket.\n    "
    ),
    _("\n<strong>%(title)s</strong> has been moved back to your basket.\n"),
    _("Items to buy now"),
    _("Items to buy later"),
    _("Items"),
    _("Move to basket"),
    _("Update"),
    _("Updating..."),
    _("Adding..."),
    _("Voucher/promo code"),
    _("I have a voucher code..."),
    _("Add voucher"),
    _("Post order actions"),
    _("Taxes will be added during checkout."),
    _("Num items"),
    _("Order history"),
    _("Order History"),
    _("Email History"),
    _("Change password"),
    _("Delete profile"),
    _("Warning"),
    _("Set as default shipping address"),
    _("Set as default billing address"),
    _("Permission denied!"),
    _("Go to homepage"),
    _("Logging in..."),
)


# Oscar's basket messages (price changed, saved for later, quantity limits, the basket's own
# names in the dashboard) that Oscar's catalogue words as "troli belanja" or leaves half English
# ("telah turun dari Rp 150.000 to Rp 35.000"): our catalogue words them with "keranjang".
BASKET_WORDING = (
    _(
        "The price of '%(product)s' has increased from %(old_price)s to %(new_price)s since you "
        "added it to your basket"
    ),
    _(
        "The price of '%(product)s' has decreased from %(old_price)s to %(new_price)s since you "
        "added it to your basket"
    ),
    _("Move to Basket"),
    _(
        "Due to technical limitations we are not able to ship more than %(threshold)d items in one "
        "order. Your basket currently has %(basket)d items."
    ),
    _("Due to technical limitations we are not able to ship more than %(threshold)d items in one order."),
    _("a maximum of %(max)d can be bought"),
    _("In stock (%d available)"),
    _("\n<strong>%(title)s</strong> has been saved for later\n"),
    _("You can't save an item for later if you're not logged in!"),
    _(
        "This product cannot be added to the basket as its currency isn't the same as other "
        "products in your basket"
    ),
    _("Frozen - the basket cannot be modified"),
    _("Submitted - has been ordered at the checkout"),
    _("Baskets"),
    _("Basket line"),
    _("Basket lines"),
    _("You cannot modify a %s basket"),
    _("%(status)s basket (owner: %(owner)s, lines: %(num_lines)d)"),
    _("Basket #%(basket_id)d, Product #%(product_id)d, quantity %(quantity)d"),
    _("Voucher '%s' removed from basket"),
    _("Voucher '%(code)s' added to basket"),
    _("Your basket does not qualify for a voucher discount"),
    _("You have already added the '%(code)s' voucher to your basket"),
    _("\nYour basket now qualifies for the \n<strong>%(name)s</strong> offer.\n"),
    _("\nYour basket no longer qualifies for the\n<strong>%(name)s</strong> offer.\n"),
)
