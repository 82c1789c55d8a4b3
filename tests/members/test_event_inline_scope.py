"""Grassroots staff save the members of their TCCS whose history passed through another TCCS:
the older events stay as they are (shown, locked) and new events still offer only their scope."""

import datetime
from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse

from members.models import EventKind, MemberEvent
from members.services import member_admit, member_transfer
from tests.members.conftest import make_member

D = datetime.date


class _Form(HTMLParser):
    """The values a browser would post from the page's change form (disabled fields are not sent)."""

    def __init__(self):
        super().__init__()
        self.values, self.disabled, self._select, self._textarea = [], set(), None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if "disabled" in a and name:
            self.disabled.add(name)
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.values.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = None if "disabled" in a else name
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea = name
            self.values.append((name, ""))

    def handle_data(self, data):
        if self._textarea:
            name, text = self.values.pop()
            self.values.append((name, text + data))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None


def posted_form(html):
    form = _Form()
    form.feed(html)
    data = {}
    for name, value in form.values:
        data.setdefault(name, []).append(value)
    return data, form.disabled


def test_coso_saves_a_member_whose_older_event_is_in_another_tccs(personas, tree):
    member = make_member(full_name="Trần Thị Chuyển", birth_date=D(1970, 4, 2))
    member_admit(member=member, organisation=tree["cbcs"], ceremony_date=D(2005, 3, 1))  # Chi bộ Sở B
    member_transfer(member=member, to=tree["cb1"], on=D(2012, 6, 1))  # now in coso_a's Đảng bộ Sở A
    client = Client()
    client.force_login(personas["coso_a"])
    url = reverse("admin:members_member_change", args=[member.pk])
    page = client.get(url)
    assert page.status_code == 200
    data, disabled = posted_form(page.content.decode())
    # The admission in Chi bộ Sở B is shown and locked; the transfer into Sở A stays editable.
    assert "events-0-organisation" in disabled and "events-0-date" in disabled
    assert "events-1-organisation" not in disabled
    data["phone"] = ["0912345678"]
    saved = client.post(url, data)
    assert saved.status_code == 302, (
        saved.context["adminform"].form.errors,
        [(f.formset.prefix, f.formset.errors) for f in saved.context["inline_admin_formsets"]],
    )
    member.refresh_from_db()
    assert member.phone == "0912345678"
    assert list(member.events.order_by("date").values_list("kind", "organisation__code", "date")) == [
        (EventKind.ADMISSION, "SOB", D(2005, 3, 1)),
        (EventKind.TRANSFER, "SOA-VP", D(2012, 6, 1)),
    ]


def test_coso_cannot_rewrite_or_pick_another_tccs_in_the_events(personas, tree):
    member = make_member(full_name="Trần Thị Chuyển", birth_date=D(1970, 4, 2))
    member_admit(member=member, organisation=tree["cbcs"], ceremony_date=D(2005, 3, 1))
    member_transfer(member=member, to=tree["cb1"], on=D(2012, 6, 1))
    client = Client()
    client.force_login(personas["coso_a"])
    url = reverse("admin:members_member_change", args=[member.pk])
    data, _ = posted_form(client.get(url).content.decode())
    # A forged post: the locked admission moved to another day, and a new transfer to Chi bộ Sở B.
    data["events-0-date"] = ["01/03/2006"]
    data["events-0-organisation"] = [str(tree["cb2"].pk)]
    data.update(
        {
            "events-2-kind": [EventKind.TRANSFER],
            "events-2-date": ["01/01/2015"],
            "events-2-organisation": [str(tree["cbcs"].pk)],
        }
    )
    page = client.post(url, data)
    assert page.status_code == 200  # the form is shown again with the error
    errors = page.context["inline_admin_formsets"][0].formset.errors
    assert errors[2]["organisation"] == [
        "Hãy chọn một lựa chọn hợp lệ. Lựa chọn đó không phải là một trong các lựa chọn khả thi."
    ]
    assert list(
        MemberEvent.objects.filter(member=member).order_by("date").values_list("organisation__code", "date")
    ) == [("SOB", D(2005, 3, 1)), ("SOA-VP", D(2012, 6, 1))]
