"""An organisation named with the TCCS it belongs to ("Chi bộ Văn phòng — Đảng bộ Sở A"): the
Khối has dozens of "Chi bộ Văn phòng", so wherever a chi bộ is shown or chosen its TCCS goes with
it. The TCCS is read off the materialised path (`Organisation.grassroots_id`)."""

from django import forms
from django.utils.choices import BaseChoiceIterator

from units.models import Organisation


def tccs_names():
    """{TCCS id: name} of every organisation directly under the Khối, in one query."""
    return dict(Organisation.objects.filter(depth=1).values_list("pk", "name"))


def placed(organisation, names=None):
    """`organisation`'s name, followed by its TCCS's unless it is a TCCS or the Khối itself. The
    TCCS's name is read from `names` ({TCCS id: name}, for many organisations: `tccs_names`), else
    by walking up the organisation's parents (load them with it: `select_related(PARENTS)`)."""
    if organisation is None:
        return ""
    if names is None:
        tccs = organisation.grassroots_ancestor()
        return (
            organisation.name
            if tccs is None or tccs == organisation
            else f"{organisation.name} — {tccs.name}"
        )
    tccs = organisation.grassroots_id
    if tccs is None or tccs == organisation.pk or tccs not in names:
        return organisation.name
    return f"{organisation.name} — {names[tccs]}"


# The parents `placed` walks without a `names`: a chi bộ under a đảng bộ bộ phận under its TCCS.
PARENTS = "parent__parent"


class PlacedOrganisationField(forms.ModelChoiceField):
    """A choice of organisation, in tree order, grouped by TCCS (one <optgroup> each), each chi bộ
    labelled with its TCCS as well (the label shown once chosen)."""

    def label_from_instance(self, organisation):
        if not hasattr(self, "_tccs_names"):
            self._tccs_names = tccs_names()
        return placed(organisation, self._tccs_names)

    def _get_choices(self):
        return GroupedChoices(self)

    choices = property(_get_choices, forms.ChoiceField.choices.fset)


class GroupedChoices(BaseChoiceIterator):
    """The field's choices grouped by TCCS, read from the database when iterated (not before)."""

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        field = self.field
        groups = {}
        for organisation in field.queryset.order_by("path"):
            tccs = organisation.grassroots_id or organisation.pk
            if not hasattr(field, "_tccs_names"):
                field._tccs_names = tccs_names()
            group = field._tccs_names.get(tccs, organisation.name)
            groups.setdefault(group, []).append((organisation.pk, field.label_from_instance(organisation)))
        if field.empty_label is not None:
            yield ("", field.empty_label)
        yield from groups.items()
