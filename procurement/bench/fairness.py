"""The fairness simulation of the catalogue's ordering (issue 19, item 5): `manage.py bench --fairness`.

Not built yet. It is meant to run 10,000 simulated officer orders through the real
`marketplace.catalogue.selectors.product_search` on the benchmark's data set (`bench_seed`:
the city's MSMEs, products and three years of orders, the Pemerataan figures refreshed by
`procurement.ordering.services.vendor_sales_refresh` as the orders land) and return one
`procurement.bench.results.JobResult` per scenario (top-10% share, Gini, MSMEs paid), which
the command prints and writes to var/bench/ with the rest.
"""


class FairnessNotBuilt(Exception):
    """`run` has no simulation yet."""


def run(*, quick: bool, stdout) -> list:
    """Run the fairness scenarios; returns their results (JobResult rows)."""
    raise FairnessNotBuilt("The fairness simulation (issue 19, item 5) is not built yet.")
