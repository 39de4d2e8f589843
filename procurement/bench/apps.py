from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "procurement.bench"
    label = "bench"
    verbose_name = "Benchmarks"
