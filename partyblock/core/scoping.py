"""How each kind of record belongs to a TCCS: declared by the app that owns the model (in its
`AppConfig.ready()`), applied by the one access rule (`partyblock.accounts.access.visible`).

A declaration names the way a record reaches a TCCS:
- `tree=True`: the record is an organisation, under the TCCS in the tree;
- `organisation="field"`: the organisation it was kept in is under the TCCS;
- `member="field"`: the member's last registration in the Khối is under the TCCS (`"pk"` for the
  member itself); members who moved on to another TCCS take their records with them;
- both `organisation` and `member`: either one;
- `hidden=True`: grassroots staff see none of them (inspection and discipline records, the log).

Models declared nowhere are the Khối's reference data (terms, documents, award forms, holidays),
readable by every role that has the permission. `tests/test_scoping.py` fails on a model that points
at a member or an organisation and is declared nowhere: such a model must say how it belongs.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Belonging:
    organisation: str | None = None
    member: str | None = None
    tree: bool = False
    hidden: bool = False


BELONGING = {}  # model -> Belonging


def belongs(*models, organisation=None, member=None, tree=False, hidden=False):
    """Declare how records of `models` belong to a TCCS (see the module's docstring)."""
    belonging = Belonging(organisation=organisation, member=member, tree=tree, hidden=hidden)
    if not (organisation or member or tree or hidden):
        raise ValueError("a belonging names an organisation field, a member field, the tree, or hidden")
    for model in models:
        BELONGING[model] = belonging
