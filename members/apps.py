from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Đảng viên"

    def ready(self):
        from partyblock.audit.log import follow

        from . import models, services

        services.register_organisation_closing()
        follow(
            models.Member,
            models.MemberEvent,
            models.MemberCard,
            models.MemberRating,
            models.SickLeave,
            models.PartyLifeGap,
            models.Award,
            models.AwardForm,
            models.IssuingBody,
            models.PartyBadge,
        )
