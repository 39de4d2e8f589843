# The Celery app is loaded whenever Django starts, so @shared_task uses it (Celery's Django guide).
from config.celery import app as celery_app

__all__ = ("celery_app",)
