"""Read-side questions about the organisation tree. Every count of organisations comes from here."""

from .models import Organisation, OrganisationKind


def bloc_root():
    return Organisation.objects.get(kind=OrganisationKind.BLOC)


def organisations_as_of(day, kinds, within=None):
    """Organisations of `kinds` that exist on `day` (founded on or before, not yet dissolved),
    below `within` when given (the whole Khối otherwise)."""
    organisations = Organisation.objects.active_on(day).of_kind(*kinds)
    return organisations.within(within) if within is not None else organisations
