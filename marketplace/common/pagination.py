"""A paginator that stops counting past what anyone pages through.

Counting every match of a broad search ("nasi" matches a quarter of 100,000 products) costs
more than finding the page itself. This paginator counts at most `cap` rows beyond the start
of the requested page; past that it says "more than N" and still offers the next page.

Given `rows`, it also finds a page in two steps: first the page's primary keys, sorted and
filtered over narrow rows, then `rows(pks)` loads just those objects, whole. Sorting wide
rows (a product with its description and search document) costs twice as much.

A page number past `MAX_ROWS` rows (`?page=1000000000000000000`) is no page: the count is
then taken as for the first page and `page()` raises EmptyPage, as for any page past the end,
instead of asking the database for a LIMIT it cannot hold.
"""

from collections.abc import Callable, Iterable

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# No listing pages through more rows; a page starting past them is past the end.
MAX_ROWS = 10**9


class CappedCountPaginator(Paginator):
    def __init__(
        self,
        object_list,
        per_page,
        *,
        page_number=1,
        cap: int = 1000,
        rows: Callable[[list], Iterable] | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.rows = rows
        try:
            page = max(1, int(page_number))
        except (TypeError, ValueError):
            page = 1  # "last" or garbage: Paginator.page() then decides
        if (page - 1) * per_page > MAX_ROWS:
            page = 1  # far past any end: counted as the first page, so page() says it is empty
        self.limit = (page - 1) * per_page + cap

    @cached_property
    def _found(self) -> int:
        """Matches counted up to one past the limit. Primary keys only, unordered: no ranking
        or sort just to know a number."""
        return self.object_list.order_by().values("pk")[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._found, self.limit)

    @property
    def is_capped(self) -> bool:
        """Whether more matches exist than `count` says."""
        return self._found > self.limit

    def page(self, number):
        if self.rows is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        pks = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        found = {obj.pk: obj for obj in self.rows(pks)}
        return self._get_page([found[pk] for pk in pks if pk in found], number, self)
