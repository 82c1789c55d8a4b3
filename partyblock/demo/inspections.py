"""Demo registers of inspection, supervision, discipline and letters, reproducing the 2015–2020
term report (DOMAIN.md §6): 8 inspections by the Đảng ủy Khối covering 86 organisations, 6
thematic supervisions of 18 organisations and 16 members, UBKT inspections on signs of violation
(2 organisations, 3 members), of inspection and supervision duties (31 organisations) and of
discipline enforcement (18 members at 17 committees).

Only the plan below is typed in (how many subjects each record has, and which of them were
inspected before); the figures come out of the records through `inspections.queries`. Subjects are
drawn from the organisations and members that existed on each decision date, and every record is
written through `inspections.services`.

Expulsions go through the discipline service, which ends the membership by a lifecycle event: the
three expulsions the membership plan placed inside the term are taken over by decisions on the same
day (so the term's headcounts do not move), and one more member is expelled after the term.
"""

import datetime
import random

from django.db.models import Count

from inspections.models import (
    Body,
    Competence,
    DecidingBody,
    DisciplineForm,
    InspectionKind,
    InspectionSubject,
    LetterKind,
    LetterStatus,
    SupervisionKind,
    SupervisionSubject,
)
from inspections.services import (
    discipline_decide,
    discipline_withdraw,
    inspection_record,
    letter_close,
    letter_receive,
    supervision_record,
)
from members.models import EventKind, Member, MemberEvent, MembershipStatus
from members.queries import periods_as_of
from members.services import member_events_apply
from units.models import GRASSROOTS_KINDS, OrganisationKind
from units.queries import organisations_as_of

SEED = 52015
D = datetime.date
TERM_START, NEXT_TERM_START = D(2015, 7, 15), D(2020, 8, 1)

# Inspections by the Đảng ủy Khối: (decision date, topic, subjects, of which re-inspected). A TCCS
# inspected by an earlier inspection of the term counts once: 90 visits, 86 organisations.
COMMITTEE_INSPECTIONS = [
    (
        D(2016, 3, 14),
        "Việc học tập, quán triệt và triển khai Nghị quyết Đại hội Đảng bộ Khối lần thứ VIII",
        11,
        0,
    ),
    (
        D(2016, 9, 19),
        "Thực hiện Chỉ thị 05-CT/TW về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        12,
        0,
    ),
    (
        D(2017, 4, 10),
        "Thực hiện Nghị quyết Trung ương 4 (khóa XII) về tăng cường xây dựng, chỉnh đốn Đảng",
        11,
        1,
    ),
    (D(2017, 10, 16), "Thực hiện quy chế làm việc và nguyên tắc tập trung dân chủ của cấp ủy", 11, 0),
    (D(2018, 4, 9), "Lãnh đạo công tác phát triển đảng viên", 12, 1),
    (D(2018, 10, 15), "Thực hiện Quy định 08-QĐi/TW về trách nhiệm nêu gương của cán bộ, đảng viên", 11, 1),
    (D(2019, 4, 15), "Nâng cao chất lượng sinh hoạt chi bộ theo Hướng dẫn 12-HD/BTCTW", 11, 0),
    (
        D(2019, 10, 14),
        "Lãnh đạo thực hiện nhiệm vụ chính trị và chuẩn bị đại hội chi bộ nhiệm kỳ 2020-2022",
        11,
        1,
    ),
]
COMMITTEE_CHI_BO_SHARE = 4  # of each inspection's new subjects, this many are chi bộ trực thuộc
# Thematic supervisions by the Đảng ủy Khối: (date, topic, organisations, members), all distinct.
THEMATIC_SUPERVISIONS = [
    (D(2016, 5, 16), "Thực hiện Quy định 101-QĐ/TW về trách nhiệm nêu gương của cán bộ chủ chốt", 3, 3),
    (D(2017, 5, 22), "Kê khai tài sản, thu nhập của cán bộ, đảng viên diện cấp ủy quản lý", 3, 3),
    (D(2017, 11, 20), "Thực hiện quy chế dân chủ ở cơ sở", 3, 3),
    (D(2018, 6, 11), "Lãnh đạo cải cách hành chính tại cơ quan, đơn vị", 3, 3),
    (D(2019, 5, 20), "Thực hiện Quy định 08-QĐi/TW về trách nhiệm nêu gương", 3, 2),
    (D(2020, 5, 18), "Lãnh đạo tổ chức đại hội chi bộ trực thuộc nhiệm kỳ 2020-2022", 3, 2),
]
# UBKT inspections of inspection and supervision duties: (date, TCCS, of which re-inspected).
DUTY_INSPECTIONS = [
    (D(2016, 6, 6), 7, 0),
    (D(2017, 5, 15), 7, 0),
    (D(2018, 5, 14), 7, 0),
    (D(2019, 5, 13), 6, 0),
    (D(2020, 5, 11), 5, 1),
]
# UBKT inspections of discipline enforcement: (date, members disciplined per committee inspected).
ENFORCEMENT_INSPECTIONS = [
    (D(2016, 11, 14), [1, 1, 1, 1]),
    (D(2017, 11, 13), [1, 1, 1, 1, 1]),
    (D(2018, 11, 12), [2, 1, 1, 1]),
    (D(2019, 11, 11), [1, 1, 1, 1]),
]
FINANCE_INSPECTIONS = [(D(2017, 3, 13), 3), (D(2019, 3, 11), 3)]
# UBKT inspections on signs of violation: (date, members inspected, the first one's discipline, by).
VIOLATION_INSPECTIONS = [
    (D(2017, 6, 12), 2, DisciplineForm.WARNING, DecidingBody.UBKT),
    (D(2019, 8, 19), 1, DisciplineForm.DISMISSAL, DecidingBody.STANDING_COMMITTEE),
]
ONGOING_SUPERVISIONS = [D(2016, 2, 15), D(2017, 2, 13), D(2018, 2, 12), D(2019, 2, 18), D(2020, 2, 17)]
AFTER_TERM_INSPECTION = D(2021, 4, 12)  # outside the term: counted in 2021, not in 2015–2020
AFTER_TERM_EXPULSION = (D(2021, 3, 8), D(2021, 5, 24))  # (violation inspection, expulsion decision)

FOLLOW_UPS = [
    "Bổ sung quy chế làm việc của cấp ủy nhiệm kỳ",
    "Khắc phục việc ghi biên bản sinh hoạt chi bộ sơ sài",
    "Xây dựng kế hoạch kiểm tra, giám sát hằng năm sát thực tế",
    "Chấn chỉnh việc thu, nộp đảng phí",
]
EXPULSION_REASONS = [
    "Vi phạm pháp luật, bị truy cứu trách nhiệm hình sự.",
    "Vi phạm nghiêm trọng quy định về những điều đảng viên không được làm.",
    "Thiếu trách nhiệm gây hậu quả nghiêm trọng trong quản lý tài chính của đơn vị.",
]


# How each deciding body numbers its decisions.
DECISION_SUFFIXES = {
    DecidingBody.CHI_BO: "QĐ/CB",
    DecidingBody.GRASSROOTS_COMMITTEE: "QĐ/ĐU",
    DecidingBody.GRASSROOTS_UBKT: "QĐ/UBKT",
    DecidingBody.STANDING_COMMITTEE: "QĐ/ĐUK",
    DecidingBody.UBKT: "QĐ/UBKTĐUK",
}


class _Numbers:
    """Decision numbers, increasing per issuer and year, as offices number them."""

    def __init__(self, rng, first=0):
        self.rng = rng
        self.first = first
        self.last = {}

    def next(self, suffix, day):
        key = (suffix, day.year)
        # Other decisions of the same office fall in between.
        self.last[key] = self.last.get(key, self.first) + self.rng.randint(3, 19)
        return f"{self.last[key]:02d}-{suffix}"


def _tccs(day):
    return list(organisations_as_of(day, GRASSROOTS_KINDS).order_by("path"))


def _official(day, within, exclude=()):
    periods = periods_as_of(day, within).filter(status=MembershipStatus.OFFICIAL)
    return list(
        Member.objects.filter(pk__in=periods.values("member_id")).exclude(pk__in=exclude).order_by("pk")
    )


def _holding_official(day, kinds, at_least):
    """Chi bộ of `kinds` with at least `at_least` official members on `day`, in tree order."""
    counts = (
        periods_as_of(day)
        .filter(status=MembershipStatus.OFFICIAL)
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=at_least)
    )
    return list(
        organisations_as_of(day, kinds).filter(pk__in=counts.values("organisation_id")).order_by("path")
    )


class Builder:
    def __init__(self, seed=SEED, first_number=0):
        self.rng = random.Random(seed)
        self.numbers = _Numbers(random.Random(seed + 1), first_number)
        self.decisions = []
        self.supervised_members = set()
        self.disciplined = set()

    def pick(self, items, n):
        return self.rng.sample(items, n)

    # --- inspections by the Đảng ủy Khối ---------------------------------------------------------
    def committee_inspections(self, plan=COMMITTEE_INSPECTIONS, term_start=TERM_START):
        inspected = []  # in order, for re-inspections
        for day, topic, size, repeats in plan:
            tccs = _tccs(day)
            again = self.pick([o for o in inspected if o in tccs and o.kind in GRASSROOTS_KINDS], repeats)
            fresh = size - repeats
            new_tccs = self.pick([o for o in tccs if o not in inspected], fresh - COMMITTEE_CHI_BO_SHARE)
            chi_bo = [
                c
                for parent in new_tccs
                if parent.kind == OrganisationKind.DANG_BO_CO_SO
                for c in organisations_as_of(
                    day, [OrganisationKind.CHI_BO_TRUC_THUOC], within=parent
                ).order_by("path")
                if c not in inspected
            ]
            subjects = [*again, *new_tccs, *self.pick(chi_bo, COMMITTEE_CHI_BO_SHARE)]
            inspected.extend(o for o in subjects if o not in inspected)
            shortcoming = self.rng.choice(subjects)
            inspection_record(
                body=Body.COMMITTEE,
                kind=InspectionKind.THEMATIC,
                decision_number=self.numbers.next("QĐ/ĐUK", day),
                decision_date=day,
                period_from=term_start,
                period_to=day - datetime.timedelta(days=14),
                content=topic,
                conclusion=(
                    "Các tổ chức đảng được kiểm tra đã lãnh đạo thực hiện nghiêm túc; "
                    "một số nơi còn hạn chế, cần khắc phục."
                ),
                concluded_on=day + datetime.timedelta(days=45),
                subjects=[
                    InspectionSubject(
                        organisation=o,
                        follow_up=self.rng.choice(FOLLOW_UPS) if o == shortcoming else "",
                    )
                    for o in subjects
                ],
            )

    def committee_inspection_after_term(self):
        day = AFTER_TERM_INSPECTION
        inspection_record(
            body=Body.COMMITTEE,
            kind=InspectionKind.THEMATIC,
            decision_number=self.numbers.next("QĐ/ĐUK", day),
            decision_date=day,
            content="Việc triển khai Nghị quyết Đại hội Đảng bộ Khối lần thứ IX",
            subjects=self.pick(_tccs(day), 9),
        )

    # --- supervisions ----------------------------------------------------------------------------
    def thematic_supervisions(self, plan=THEMATIC_SUPERVISIONS):
        supervised = set()
        for day, topic, n_orgs, n_members in plan:
            organisations = self.pick([o for o in _tccs(day) if o.pk not in supervised], n_orgs)
            supervised.update(o.pk for o in organisations)
            members = []
            for index in range(n_members):
                candidates = _official(day, organisations[index % n_orgs], exclude=self.supervised_members)
                members.append(self.rng.choice(candidates))
                self.supervised_members.add(members[-1].pk)
            supervision_record(
                body=Body.COMMITTEE,
                kind=SupervisionKind.THEMATIC,
                decision_number=self.numbers.next("QĐ/ĐUK", day),
                decision_date=day,
                period_from=D(day.year - 1, 1, 1),
                period_to=D(day.year - 1, 12, 31),
                content=topic,
                conclusion="Tổ chức đảng và đảng viên được giám sát thực hiện đúng quy định; có kiến nghị nhỏ.",
                concluded_on=day + datetime.timedelta(days=40),
                subjects=[
                    *(SupervisionSubject(organisation=o) for o in organisations),
                    *(SupervisionSubject(member=m, note="Người đứng đầu cơ quan, đơn vị") for m in members),
                ],
            )

    def ongoing_supervisions(self, days=ONGOING_SUPERVISIONS):
        for day in days:
            supervision_record(
                body=Body.UBKT,
                kind=SupervisionKind.ONGOING,
                decision_date=day,
                content=f"Giám sát thường xuyên việc chấp hành Điều lệ Đảng năm {day.year}",
                subjects=self.pick(_tccs(day), 4),
            )

    # --- UBKT inspections --------------------------------------------------------------------------
    def violation_inspections(self, plan=VIOLATION_INSPECTIONS):
        """An organisation and one or two of its members (2015-2020: two in 2017, one in 2019);
        discipline follows."""
        for day, n_members, member_form, member_body in plan:
            holders = _holding_official(
                day, [OrganisationKind.CHI_BO_CO_SO, OrganisationKind.CHI_BO_TRUC_THUOC], 5
            )
            organisation = self.rng.choice(holders)
            members = self.pick(_official(day, organisation), n_members)
            inspection = inspection_record(
                body=Body.UBKT,
                kind=InspectionKind.VIOLATION,
                decision_number=self.numbers.next("QĐ/UBKTĐUK", day),
                decision_date=day,
                period_from=D(day.year - 2, 1, 1),
                period_to=day,
                content="Kiểm tra khi có dấu hiệu vi phạm trong lãnh đạo quản lý tài chính, tài sản của đơn vị",
                conclusion="Có vi phạm; đề nghị xem xét, xử lý kỷ luật theo quy định.",
                concluded_on=day + datetime.timedelta(days=60),
                subjects=[
                    InspectionSubject(
                        organisation=organisation,
                        violation_found=True,
                        follow_up="Kiểm điểm tập thể chi ủy; khắc phục sai phạm",
                    ),
                    InspectionSubject(
                        member=members[0], violation_found=True, follow_up="Xem xét, xử lý kỷ luật"
                    ),
                    *(
                        InspectionSubject(member=m, follow_up="Rút kinh nghiệm về trách nhiệm liên đới")
                        for m in members[1:]
                    ),
                ],
            )
            decided = day + datetime.timedelta(days=75)
            self.decide(
                member=members[0],
                form=member_form,
                deciding_body=member_body,
                day=decided,
                reason="Vi phạm quy định về quản lý tài chính, tài sản được kết luận qua kiểm tra.",
                inspection=inspection,
                violation_on=day - datetime.timedelta(days=200),
                # Cách chức removes a post the member holds (QĐ 69-QĐ/TW Art. 7).
                post_held="Bí thư chi bộ" if member_form == DisciplineForm.DISMISSAL else "",
            )
            if n_members == 2:
                self.decide(
                    organisation=organisation,
                    form=DisciplineForm.REPRIMAND,
                    deciding_body=DecidingBody.STANDING_COMMITTEE,
                    day=decided,
                    reason="Buông lỏng lãnh đạo, để xảy ra vi phạm trong quản lý tài chính.",
                    inspection=inspection,
                )

    def duty_inspections(self, plan=DUTY_INSPECTIONS):
        inspected = []
        for day, size, repeats in plan:
            tccs = _tccs(day)
            again = self.pick([o for o in inspected if o in tccs], repeats)
            subjects = [*again, *self.pick([o for o in tccs if o not in inspected], size - repeats)]
            inspected.extend(o for o in subjects if o not in inspected)
            inspection_record(
                body=Body.UBKT,
                kind=InspectionKind.DUTIES,
                decision_number=self.numbers.next("QĐ/UBKTĐUK", day),
                decision_date=day,
                period_from=D(day.year - 1, 1, 1),
                period_to=D(day.year - 1, 12, 31),
                content=f"Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát năm {day.year - 1}",
                conclusion="Cơ bản thực hiện đúng quy định; một số nơi chưa xây dựng chương trình giám sát.",
                concluded_on=day + datetime.timedelta(days=30),
                subjects=[
                    InspectionSubject(organisation=o, follow_up=self.rng.choice(FOLLOW_UPS) if i == 0 else "")
                    for i, o in enumerate(subjects)
                ],
            )

    def enforcement_inspections(self, plan=ENFORCEMENT_INSPECTIONS):
        """Each committee inspected had disciplined its members in the months before: those
        decisions are recorded too (by the chi bộ or the grassroots committee)."""
        inspected = set()
        for day, per_committee in plan:
            committees = self.pick(
                [
                    o
                    for o in _tccs(day)
                    if o.pk not in inspected and o.founded_on <= day - datetime.timedelta(days=400)
                ],
                len(per_committee),
            )
            inspected.update(o.pk for o in committees)
            rows = []
            for committee, count in zip(committees, per_committee, strict=True):
                rows.append(InspectionSubject(organisation=committee))
                decided = day - datetime.timedelta(days=self.rng.randint(60, 240))
                for member in self.pick(_official(decided, committee, exclude=self.disciplined), count):
                    self.disciplined.add(member.pk)
                    self.decide(
                        member=member,
                        form=self.rng.choice([DisciplineForm.REPRIMAND, DisciplineForm.WARNING]),
                        deciding_body=self.rng.choice(
                            [DecidingBody.CHI_BO, DecidingBody.GRASSROOTS_COMMITTEE]
                        ),
                        day=decided,
                        reason="Vi phạm quy chế làm việc và nguyên tắc tập trung dân chủ.",
                    )
                    rows.append(InspectionSubject(member=member))
            inspection_record(
                body=Body.UBKT,
                kind=InspectionKind.DISCIPLINE_ENFORCEMENT,
                decision_number=self.numbers.next("QĐ/UBKTĐUK", day),
                decision_date=day,
                period_from=D(day.year - 1, 7, 1),
                period_to=day,
                content="Kiểm tra việc thi hành kỷ luật đảng viên của cấp ủy cơ sở",
                conclusion="Việc thi hành kỷ luật đúng nguyên tắc, thủ tục; hình thức phù hợp với vi phạm.",
                concluded_on=day + datetime.timedelta(days=30),
                subjects=rows,
            )

    def finance_inspections(self, plan=FINANCE_INSPECTIONS):
        for day, size in plan:
            inspection_record(
                body=Body.UBKT,
                kind=InspectionKind.FINANCES,
                decision_number=self.numbers.next("QĐ/UBKTĐUK", day),
                decision_date=day,
                period_from=D(day.year - 1, 1, 1),
                period_to=D(day.year - 1, 12, 31),
                content=f"Kiểm tra thu, nộp, quản lý và sử dụng đảng phí năm {day.year - 1}",
                conclusion="Thu, nộp đảng phí đúng quy định.",
                concluded_on=day + datetime.timedelta(days=30),
                subjects=self.pick(_tccs(day), size),
            )

    def grassroots_inspection(self):
        """A đảng bộ cơ sở inspecting its own chi bộ: kept in the register, not a Khối figure."""
        day = D(2018, 9, 10)
        dang_bo = [o for o in _tccs(day) if o.kind == OrganisationKind.DANG_BO_CO_SO]
        committee = self.rng.choice(dang_bo)
        chi_bo = list(organisations_as_of(day, [OrganisationKind.CHI_BO_TRUC_THUOC], within=committee))
        inspection_record(
            body=Body.GRASSROOTS,
            conducting_organisation=committee,
            kind=InspectionKind.THEMATIC,
            decision_number=self.numbers.next("QĐ/ĐU", day),
            decision_date=day,
            content="Kiểm tra việc thực hiện chế độ sinh hoạt chi bộ",
            conclusion="Các chi bộ duy trì sinh hoạt đều đặn.",
            concluded_on=day + datetime.timedelta(days=20),
            subjects=self.pick(chi_bo, min(3, len(chi_bo))),
        )

    # --- discipline --------------------------------------------------------------------------------
    def decide(self, *, day, number=None, **fields):
        suffix = DECISION_SUFFIXES[fields["deciding_body"]]
        decision = discipline_decide(
            decision_number=number or self.numbers.next(suffix, day), decision_date=day, **fields
        )
        self.decisions.append(decision)
        return decision

    def planned_expulsions(self):
        """The membership plan expelled three members during the term; record their decisions
        through the discipline service, which writes the ending event again on the same day."""
        planned = (
            MemberEvent.objects.filter(kind=EventKind.EXPULSION)
            .select_related("member")
            .order_by("date", "pk")
        )
        for event, reason in zip(list(planned), EXPULSION_REASONS, strict=True):
            member_events_apply(event.member, delete=[event])
            self.decide(
                member=event.member,
                form=DisciplineForm.EXPULSION,
                deciding_body=DecidingBody.STANDING_COMMITTEE,
                day=event.date,
                number=event.decision_number,
                reason=reason,
            )

    def expulsion_after_term(self):
        inspected_on, decided = AFTER_TERM_EXPULSION
        chi_bo = self.rng.choice(_holding_official(inspected_on, [OrganisationKind.CHI_BO_TRUC_THUOC], 1))
        member = self.rng.choice(_official(inspected_on, chi_bo))
        inspection = inspection_record(
            body=Body.UBKT,
            kind=InspectionKind.VIOLATION,
            decision_number=self.numbers.next("QĐ/UBKTĐUK", inspected_on),
            decision_date=inspected_on,
            content="Kiểm tra khi có dấu hiệu vi phạm về phẩm chất đạo đức, lối sống",
            conclusion="Vi phạm đến mức phải xử lý kỷ luật bằng hình thức khai trừ.",
            concluded_on=inspected_on + datetime.timedelta(days=50),
            subjects=[InspectionSubject(member=member, violation_found=True, follow_up="Đề nghị khai trừ")],
        )
        return self.decide(
            member=member,
            form=DisciplineForm.EXPULSION,
            deciding_body=DecidingBody.UBKT,
            day=decided,
            reason="Vi phạm nghiêm trọng về phẩm chất đạo đức, lối sống, gây ảnh hưởng xấu.",
            inspection=inspection,
        )

    # --- letters -------------------------------------------------------------------------------------
    def letters(self, expulsion):
        rng = self.rng
        sequence = {}

        def reference(day):
            sequence[day.year] = sequence.get(day.year, 0) + 1
            return f"{sequence[day.year]:02d}/{day.year}"

        def member_on(day):
            tccs = rng.choice(_tccs(day))
            return rng.choice(_official(day, tccs))

        def receive(day, kind, subjects, sender="", **fields):
            return letter_receive(
                reference=reference(day),
                received_on=day,
                anonymous=not sender,
                sender=sender,
                kind=kind,
                subjects=subjects,
                **fields,
            )

        def complaint(decision, after_days, summary, kind=LetterKind.COMPLAINT):
            """The member's complaint about their discipline decision, `after_days` after it."""
            day = decision.decision_date + datetime.timedelta(days=after_days)
            letter = receive(
                day,
                kind,
                [decision.member],
                sender=decision.member.full_name,
                summary=summary,
                competence=Competence.HANDLED,
                discipline_decision=decision,
            )
            return day, letter

        # In the term: every letter settled or forwarded.
        for day in [
            D(2015, 11, 9),
            D(2016, 8, 22),
            D(2017, 9, 4),
            D(2018, 7, 16),
            D(2019, 6, 3),
            D(2020, 3, 9),
        ]:
            member = member_on(day)
            sender = rng.choice(["", "Nguyễn Văn Thành, phường Trần Phú", "Lê Thị Hạnh, xã Tân Hưng"])
            letter = receive(
                day,
                LetterKind.DENUNCIATION,
                [member],
                sender=sender,
                summary="Tố cáo đảng viên vi phạm quy định về những điều đảng viên không được làm.",
                # An anonymous denunciation is filed, never settled (lưu đơn).
                competence=Competence.FILED if day.year == 2015 or not sender else Competence.HANDLED,
            )
            if letter.anonymous:
                letter_close(
                    letter=letter,
                    on=day + datetime.timedelta(days=10),
                    result="Đơn nặc danh, không có căn cứ xem xét: lưu đơn theo quy định.",
                )
            else:
                letter_close(
                    letter=letter,
                    on=day + datetime.timedelta(days=rng.randint(50, 80)),
                    result=rng.choice(["Tố cáo sai.", "Tố cáo đúng một phần; yêu cầu đảng viên kiểm điểm."]),
                )
        for day in [D(2016, 4, 11), D(2018, 11, 26), D(2019, 12, 2)]:
            letter = receive(
                day,
                LetterKind.DENUNCIATION,
                [rng.choice(_tccs(day))],
                sender="Một số cán bộ, công chức cơ quan",
                summary="Phản ánh, tố cáo việc quản lý, sử dụng tài sản công tại cơ quan.",
                competence=Competence.FORWARDED,
                forwarded_to="Thanh tra tỉnh (nội dung thuộc thẩm quyền quản lý nhà nước)",
            )
            letter_close(
                letter=letter, on=day + datetime.timedelta(days=7), result="Đã chuyển đơn theo thẩm quyền."
            )

        # Complaints about discipline decisions of the term: one upheld (the decision withdrawn).
        complained = [d for d in self.decisions if d.member_id and d.form == DisciplineForm.WARNING]
        upheld = complained[0]
        day, letter = complaint(upheld, 20, "Khiếu nại quyết định kỷ luật cảnh cáo.")
        closed = day + datetime.timedelta(days=70)
        discipline_withdraw(
            decision=upheld,
            on=closed,
            withdrawal_decision=f"{self.numbers.next('QĐ/UBKTĐUK', closed)} (giải quyết khiếu nại)",
        )
        letter_close(letter=letter, on=closed, result="Khiếu nại đúng: hủy bỏ quyết định kỷ luật cảnh cáo.")
        kept = complained[-1]
        day, letter = complaint(
            kept,
            15,
            "Khiếu nại quyết định kỷ luật, đồng thời tố cáo người chủ trì cuộc họp xét kỷ luật.",
            kind=LetterKind.MIXED,
        )
        letter_close(
            letter=letter,
            on=day + datetime.timedelta(days=85),
            result="Giữ nguyên quyết định kỷ luật; nội dung tố cáo không có cơ sở.",
        )

        # After the term: the expelled member complains (rejected); later letters, some still open.
        day, letter = complaint(expulsion, 25, "Khiếu nại quyết định kỷ luật khai trừ ra khỏi Đảng.")
        letter_close(
            letter=letter, on=day + datetime.timedelta(days=110), result="Giữ nguyên quyết định khai trừ."
        )
        for day, status in [
            (D(2023, 5, 15), LetterStatus.CLOSED),
            (D(2024, 10, 21), LetterStatus.IN_PROGRESS),  # overdue
            (D(2025, 3, 17), LetterStatus.IN_PROGRESS),  # overdue
            (D(2025, 6, 9), LetterStatus.RECEIVED),  # overdue
            (D(2026, 10, 19), LetterStatus.RECEIVED),
        ]:
            member = member_on(day)
            kind = rng.choice([LetterKind.COMPLAINT, LetterKind.MIXED])
            letter = receive(
                day,
                kind,
                [member],
                sender=member.full_name,
                summary="Khiếu nại việc chi bộ không giới thiệu quy hoạch, đánh giá xếp loại chưa khách quan.",
                competence=Competence.HANDLED,
                status=status if status != LetterStatus.CLOSED else LetterStatus.IN_PROGRESS,
            )
            if status == LetterStatus.CLOSED:
                letter_close(
                    letter=letter, on=day + datetime.timedelta(days=90), result="Khiếu nại không có cơ sở."
                )
        day = D(2025, 8, 4)
        receive(
            day,
            LetterKind.DENUNCIATION,
            [member_on(day)],
            sender="Trần Văn Hùng, phường Hải Tân",
            summary="Tố cáo đảng viên kê khai tài sản, thu nhập không trung thực.",
            competence=Competence.HANDLED,
            status=LetterStatus.IN_PROGRESS,
        )

    def build(self):
        self.committee_inspections()
        self.thematic_supervisions()
        self.ongoing_supervisions()
        self.finance_inspections()
        self.violation_inspections()
        self.duty_inspections()
        self.enforcement_inspections()
        self.grassroots_inspection()
        self.planned_expulsions()
        self.committee_inspection_after_term()
        expulsion = self.expulsion_after_term()
        self.letters(expulsion)


def build_inspections():
    """Write the demo registers (after the members exist); deterministic."""
    Builder().build()


# --- Congress IX (2020-2025): the same registers, for its term report (demo/next_term.py) ---------

NEXT_COMMITTEE_INSPECTIONS = [
    (D(2021, 10, 11), "Thực hiện Nghị quyết Trung ương 4 (khóa XIII) về xây dựng, chỉnh đốn Đảng", 10, 0),
    (D(2022, 4, 11), "Lãnh đạo thực hiện chuyển đổi số trong cơ quan, đơn vị", 10, 0),
    (
        D(2022, 10, 10),
        "Thực hiện Quy định 144-QĐ/TW về chuẩn mực đạo đức cách mạng của cán bộ, đảng viên",
        9,
        1,
    ),
    (D(2023, 4, 10), "Lãnh đạo công tác phát triển đảng viên trẻ", 10, 0),
    (D(2023, 10, 9), "Thực hiện nguyên tắc tập trung dân chủ và quy chế làm việc của cấp ủy", 9, 1),
    (D(2024, 4, 8), "Nâng cao chất lượng sinh hoạt chi bộ", 10, 0),
    (D(2024, 10, 14), "Lãnh đạo chuẩn bị đại hội đảng bộ cơ sở nhiệm kỳ 2025-2030", 9, 1),
    (D(2025, 4, 14), "Thực hiện Kết luận 121-KL/TW về sắp xếp tổ chức bộ máy", 8, 0),
]
NEXT_THEMATIC_SUPERVISIONS = [
    (D(2021, 6, 14), "Thực hiện Quy định 08-QĐi/TW về trách nhiệm nêu gương", 3, 2),
    (D(2022, 6, 13), "Kê khai tài sản, thu nhập của cán bộ, đảng viên diện cấp ủy quản lý", 3, 3),
    (D(2023, 6, 12), "Thực hiện quy chế dân chủ ở cơ sở", 3, 2),
    (D(2024, 6, 10), "Lãnh đạo cải cách hành chính, chuyển đổi số", 3, 3),
    (D(2025, 5, 19), "Lãnh đạo tổ chức đại hội chi bộ trực thuộc nhiệm kỳ 2025-2027", 3, 2),
]
NEXT_ONGOING_SUPERVISIONS = [D(2021, 2, 22), D(2022, 2, 14), D(2023, 2, 13), D(2024, 2, 19), D(2025, 2, 17)]
NEXT_DUTY_INSPECTIONS = [
    (D(2021, 5, 17), 6, 0),
    (D(2022, 5, 16), 6, 0),
    (D(2023, 5, 15), 7, 0),
    (D(2024, 5, 13), 6, 1),
    (D(2025, 5, 12), 5, 1),
]
NEXT_ENFORCEMENT_INSPECTIONS = [
    (D(2021, 11, 15), [1, 1, 1]),
    (D(2022, 11, 14), [1, 2, 1]),
    (D(2023, 11, 13), [1, 1, 1, 1]),
    (D(2024, 11, 11), [1, 1]),
]
NEXT_FINANCE_INSPECTIONS = [(D(2022, 3, 14), 3), (D(2024, 3, 11), 4)]
NEXT_VIOLATION_INSPECTIONS = [(D(2023, 6, 19), 1, DisciplineForm.WARNING, DecidingBody.UBKT)]


def build_next_term_registers():
    """The inspection, supervision and discipline registers of 2020-2025, through the same builder
    and services (a generator and decision numbers of their own, so the 2015-2020 registers stay
    as they are)."""
    builder = Builder(seed=SEED + 2020, first_number=100)
    builder.committee_inspections(NEXT_COMMITTEE_INSPECTIONS, term_start=NEXT_TERM_START)
    builder.thematic_supervisions(NEXT_THEMATIC_SUPERVISIONS)
    builder.ongoing_supervisions(NEXT_ONGOING_SUPERVISIONS)
    builder.finance_inspections(NEXT_FINANCE_INSPECTIONS)
    builder.violation_inspections(NEXT_VIOLATION_INSPECTIONS)
    builder.duty_inspections(NEXT_DUTY_INSPECTIONS)
    builder.enforcement_inspections(NEXT_ENFORCEMENT_INSPECTIONS)
