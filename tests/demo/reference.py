"""DOMAIN.md §6: what the Khối's 2015–2020 term report says, as the tests compare it."""

INSPECTION_FIGURES = {
    "committee_inspections": 8,
    "committee_inspected_orgs": 86,
    "thematic_supervisions": 6,
    "supervised_orgs": 18,
    "supervised_members": 16,
    "violation_inspected_orgs": 2,
    "violation_inspected_members": 3,
    "duty_inspected_orgs": 31,
    "discipline_enforcement_members": 18,
    "discipline_enforcement_committees": 17,
}
