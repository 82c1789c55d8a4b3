"""Demo data (`seed_demo`) and the benchmark commands."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "partyblock.demo"
    label = "demo"
    verbose_name = "Dữ liệu mẫu"
