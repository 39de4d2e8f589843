"""The delivery moment an officer chose on the basket page, kept in the session until checkout
(which starts its form with it): the basket page then judges lead times, closed days and
capacity for that moment instead of the earliest possible one."""

from datetime import datetime

from django.utils import timezone

SESSION_KEY = "gulo_delivery_at"


def delivery_chosen(session) -> datetime | None:
    """The chosen delivery, if any and still in the future."""
    value = session.get(SESSION_KEY)
    try:
        moment = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if moment is None or timezone.is_naive(moment) or moment <= timezone.now():
        return None
    return moment


def delivery_choose(session, moment: datetime | None) -> None:
    if moment is None:
        session.pop(SESSION_KEY, None)
    else:
        session[SESSION_KEY] = moment.isoformat()
