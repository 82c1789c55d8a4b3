"""The kinds of sheet that can be imported, by key (`partyblock.importing.models.ImportKind`)."""

from .candidates import CandidatesKind
from .events import EventsKind
from .members import MembersKind
from .organisations import OrganisationsKind
from .ratings import MemberRatingsKind, OrganisationRatingsKind

KINDS = {
    kind.key: kind
    for kind in (
        OrganisationsKind(),
        MembersKind(),
        MemberRatingsKind(),
        OrganisationRatingsKind(),
        EventsKind(),
        CandidatesKind(),
    )
}
