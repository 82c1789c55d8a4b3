"""An organisation named with the TCCS it belongs to ("Chi bộ Văn phòng — Đảng bộ Sở A"): the
Khối has dozens of "Chi bộ Văn phòng", so wherever a chi bộ is shown or chosen its TCCS goes with
it. The TCCS is read off the materialised path (`Organisation.grassroots_id`)."""

from django import forms

from units.models import Organisation


def tccs_names():
    """{TCCS id: name} of every organisation directly under the Khối, in one query."""
    return dict(Organisation.objects.filter(depth=1).values_list("pk", "name"))


def placed(organisation, names):
    """`organisation`'s name, followed by its TCCS's unless it is a TCCS or the Khối itself."""
    if organisation is None:
        return ""
    tccs = organisation.grassroots_id
    if tccs is None or tccs == organisation.pk or tccs not in names:
        return organisation.name
    return f"{organisation.name} — {names[tccs]}"


class PlacedOrganisationField(forms.ModelChoiceField):
    """A choice of organisation, in tree order, each chi bộ labelled with its TCCS."""

    def label_from_instance(self, organisation):
        if not hasattr(self, "_tccs_names"):
            self._tccs_names = tccs_names()
        return placed(organisation, self._tccs_names)
