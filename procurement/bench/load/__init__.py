"""The load test on the production topology (issue 19, item 4): `make load` / `manage.py bench_load`.

- `plan`: the simulated people, one account each, made before the run (login throttling refuses
  a person logging in again and again, so every simulated user logs in once), and what each
  may order or pay, written to var/bench/load/plan.json for the locustfile;
- `locustfile`: the realistic mix (visitors browsing and searching, officers ordering through
  the basket and checkout, MSMEs confirming, the Bendahara paying by transfer, the Analis on
  the dashboard), driven by locust headless;
- `run`: starts gunicorn (2 workers) and a Celery worker on Redis beside PostgreSQL, runs
  locust, stops everything (also on Ctrl-C), reads locust's figures and checks the budget
  reconciliation (`reconcile`); results go to var/bench/load-*.json.
"""
