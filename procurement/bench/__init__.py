"""Benchmarks at city scale (`make bench`): the data set, the scenarios, docs/performance.md.

The top of the dependency graph, beside `procurement.demo`: it may read every package.

- `dataset`: a million order lines over three fiscal years, bulk-inserted in the shapes the
  services write (`manage.py bench_seed`), recorded in `BenchDataSet` so reruns reuse it;
- `bulk`: COPY on PostgreSQL, batched inserts elsewhere;
- `pages`, `jobs`, `growth`: the scenarios `manage.py bench` runs, each printed as one row and
  written as JSON under var/bench/ (`results`).
"""
