"""Deterministic demo data reproducing the Khối's 2015–2020 term report from records."""

import random

from django.db import transaction

from units.models import Organisation

from .admission import build_admission_pipeline
from .inspections import build_inspections
from .membership import MembershipPlanner, write_members
from .recognition import build_recognition
from .structure import build_structure, close_merged, restructure_after_term

SEED = 20152020


@transaction.atomic
def build_demo():
    """Build the whole demo Khối; returns a dict of what was written, for the command's summary."""
    rng = random.Random(SEED)
    root, holders, term = build_structure(rng)
    close_merged(holders)
    planner = MembershipPlanner(rng, holders)
    planner.plan()
    events_by_kind = write_members(planner)
    build_recognition(rng)
    build_inspections()
    restructure_after_term()
    pipeline = build_admission_pipeline()
    return {
        "organisations": Organisation.objects.count(),
        "members": len(planner.stories),
        "events": events_by_kind,
        "term": term,
        "candidates": pipeline["candidates"],
    }
