"""What `manage.py bench_seed` built, so a rerun (and the other benchmarks) find it again."""

from django.db import models


class BenchDataSet(models.Model):
    """One generated set of orders: its size as asked and as made, how long it took to build.

    Written last, in the transaction of the last batch: a row exists only for a complete set."""

    name = models.CharField(max_length=40, unique=True)
    lines = models.PositiveIntegerField(help_text="Order lines generated.")
    orders = models.PositiveIntegerField()
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    register = models.PositiveIntegerField(help_text="Census register rows imported beside the platform.")
    seed = models.PositiveIntegerField()
    built_at = models.DateTimeField()
    seconds = models.FloatField(help_text="Wall-clock time of the build.")
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self):
        return f"{self.name}: {self.lines:,} lines, {self.first_year}–{self.last_year}"
