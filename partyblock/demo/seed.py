"""Deterministic demo data reproducing the Khối's 2015–2020 term report from records, and the
2020–2025 term (Congress IX) that follows it."""

import random
from collections import Counter

from django.db import transaction

from members.models import Member, MemberEvent
from units.models import Organisation

from .admission import build_admission_pipeline
from .inspections import build_inspections
from .membership import MembershipPlanner, write_members
from .next_term import build_next_term
from .recognition import build_recognition, ratings_follow_discipline
from .structure import build_structure, close_merged, record_superiors, restructure_after_term

SEED = 20152020


@transaction.atomic
def build_demo():
    """Build the whole demo Khối; returns a dict of what was written, for the command's summary."""
    rng = random.Random(SEED)
    root, holders, term = build_structure(rng)
    close_merged(holders)
    record_superiors(root)
    planner = MembershipPlanner(rng, holders)
    planner.plan()
    write_members(planner)
    build_recognition(rng)
    build_inspections()
    ratings_follow_discipline()
    restructure_after_term()
    pipeline = build_admission_pipeline()
    # Congress IX (2020-2025), written after everything else (the 2015-2020 records stay as they
    # were) and after the pipeline, whose admissions count towards each year's planned total.
    build_next_term()
    return {
        "organisations": Organisation.objects.count(),
        "members": Member.objects.count(),
        "events": Counter(MemberEvent.objects.values_list("kind", flat=True)),
        "term": term,
        "candidates": pipeline["candidates"],
    }
