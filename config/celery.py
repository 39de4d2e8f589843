"""The Celery app: background work (notification e-mails, PDF rendering), configured from the
CELERY_* settings (config/settings.py, "Background work").

Start a worker with `.venv/bin/celery -A config worker -l info` (needs CELERY_BROKER_URL).
Without a broker, tasks run inline (CELERY_TASK_ALWAYS_EAGER) and no worker is needed.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("gulo_asem")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each app's tasks.py (procurement.ordering.tasks, procurement.settlement.tasks).
app.autodiscover_tasks()
