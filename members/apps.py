from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Đảng viên"

    def ready(self):
        from partyblock.core.auditing import audited
        from partyblock.core.scoping import belongs

        from . import models, queries, services

        # A member, and the records about them, belong to the TCCS of their last registration in
        # the Khối; a member's rating to the organisation that rated them; an award to the
        # organisation given it or the member.
        belongs(models.Member, member="pk")
        belongs(
            models.MemberEvent,
            models.MemberCard,
            models.MembershipPeriod,
            models.SickLeave,
            models.PartyLifeGap,
            models.PartyBadge,
            member="member",
        )
        belongs(models.MemberRating, organisation="organisation")
        belongs(models.Award, organisation="organisation", member="member")

        services.register_organisation_closing()
        models.MemberRating.periods_to_rate = staticmethod(queries.periods_to_rate)
        audited(
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
