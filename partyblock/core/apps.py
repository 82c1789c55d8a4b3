"""Shared pieces every app may use: text, dates, numbers, spreadsheets, charts, limits. No models."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "partyblock.core"
    label = "core"
    verbose_name = "Dùng chung"
