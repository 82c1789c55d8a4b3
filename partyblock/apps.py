from django.apps import AppConfig


class PartyblockConfig(AppConfig):
    name = "partyblock"
    verbose_name = "Báo cáo"
