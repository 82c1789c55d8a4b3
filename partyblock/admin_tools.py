"""Pieces the admin screens of several apps share: writing from a form (`write_from_form`), year
choosers, the year, TCCS and condition
list filters, and the rating form that offers only the chosen year's categories."""

from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.utils import timezone

from members.models import Member
from members.queries import SEARCH_TOO_SHORT, search_too_short
from partyblock.accounts.access import may_look_up, member_search, visible
from partyblock.core import rating_schemes
from units.models import Organisation


def year_choices():
    return [(y, str(y)) for y in range(timezone.localdate().year, 2009, -1)]


def write_from_form(request, form, write, *, success, then):
    """Run `write()` for a valid form. A refusal (ValidationError) puts its messages on the form and
    returns None (show the form again, nothing written); otherwise `success(result)` is the message
    shown and a redirect to `then(result)` is returned."""
    try:
        result = write()
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return None
    messages.success(request, success(result))
    return redirect(then(result))


class YearChooser(forms.Form):
    nam = forms.TypedChoiceField(choices=year_choices, coerce=int, label="Năm")


class YearListFilter(admin.SimpleListFilter):
    """The years that occur in the model's `year` field."""

    title = "năm"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.model.objects.order_by("-year").values_list("year", flat=True).distinct()
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        return queryset.filter(year=self.value()) if self.value() else queryset


class ConditionFilter(admin.SimpleListFilter):
    """A list filter whose every choice is one condition: `conditions` maps the choice's value in
    the address to (its label, the Q it keeps)."""

    conditions = {}

    def lookups(self, request, model_admin):
        return [(value, label) for value, (label, _) in self.conditions.items()]

    def queryset(self, request, queryset):
        chosen = self.conditions.get(self.value())
        return queryset.filter(chosen[1]) if chosen else queryset


class GrassrootsListFilter(admin.SimpleListFilter):
    """Records of one TCCS and everything below it; subclasses say how a record reaches it."""

    title = "tổ chức cơ sở đảng"
    parameter_name = "tccs"

    def lookups(self, request, model_admin):
        organisations = visible(Organisation.objects.grassroots(), request.user)
        rows = list(organisations.order_by("name", "code").values_list("pk", "name", "code"))
        names = Counter(name for _, name, _ in rows)
        # Two TCCS may share a name (an office's sheet imported beside the Khối's own): each is then
        # named with its code, as on the import form.
        return [(str(pk), f"{name} ({code})" if names[name] > 1 else name) for pk, name, code in rows]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        organisation = visible(Organisation.objects.filter(pk=self.value()), request.user).first()
        if organisation is None:
            return queryset.none()
        return self.within(queryset, organisation)

    def within(self, queryset, organisation):
        return queryset.filter(organisation__path__startswith=organisation.path)


class RatingAdminMixin:
    """Rating admins: the category select offers only the rating's year's categories on a change
    form, and every scheme's (grouped, with its years) when adding; the model checks the pair."""

    @admin.display(description="xếp loại", ordering="level")
    def category_label(self, rating):
        return rating.get_category_display()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        subject = self.model.subject
        choices = (
            rating_schemes.category_choices(subject, obj.year)
            if obj
            else rating_schemes.all_category_choices(subject)
        )
        form.base_fields["category"] = forms.ChoiceField(
            choices=[("", "---------"), *choices], label="Xếp loại"
        )
        return form


# --- organisations a new record may be placed in -----------------------------------------------
OPEN_PARAM = "dang-hoat-dong"  # the autocomplete's flag: only organisations open today


def open_organisations(queryset, keep=None):
    """`queryset` narrowed to the organisations open today (founded, not dissolved or merged): a new
    record is placed in today's tree. `keep` (the organisation an existing record already holds,
    even ended since) stays, so that record still shows and saves it."""
    open_today = queryset.active_on(timezone.localdate())
    return open_today | queryset.filter(pk=keep) if keep is not None else open_today


class OpenOrganisationSelect(AutocompleteSelect):
    """The admin's organisation autocomplete asked for organisations open today only (`OPEN_PARAM`,
    read by `partyblock.admin_site.PlacedAutocompleteJsonView`)."""

    def get_url(self):
        return f"{super().get_url()}?{OPEN_PARAM}=1"


def _open_form(form_class, names):
    class OpenOrganisationsForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name in names:
                if name in self.fields:
                    field = self.fields[name]
                    field.queryset = open_organisations(
                        field.queryset, getattr(self.instance, f"{name}_id", None)
                    )

    OpenOrganisationsForm.__name__ = form_class.__name__
    return OpenOrganisationsForm


class OpenOrganisationsMixin:
    """A ModelAdmin or inline whose `open_organisation_fields` (foreign keys to an organisation)
    place a record in today's tree (a user's TCCS, a candidate's chi bộ, a new organisation's
    parent): their chooser offers only organisations open today, and the form accepts only those or
    the one the record already holds (`open_organisations`). Dated records of the past (events,
    ratings, inspections) keep every organisation: one ended since was open on their day."""

    open_organisation_fields = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.open_organisation_fields and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs.setdefault(
                "widget", OpenOrganisationSelect(db_field, self.admin_site, using=kwargs.get("using"))
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        return _open_form(super().get_form(request, obj, **kwargs), self.open_organisation_fields)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _open_form(formset.form, self.open_organisation_fields)
        return formset


class NameSearchMixin:
    """A list searched by name (`members.queries.name_words`): a term `search_too_short` is not run
    (finds nothing) and the search box says why (`templates/admin/search_form.html`)."""

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        short = changelist.query.strip() and search_too_short(changelist.query)
        changelist.search_too_short = SEARCH_TOO_SHORT if short else ""
        return changelist


class NationalIdSearchHelpMixin(NameSearchMixin):
    """A list whose search finds members by CCCD says so only to users who may search by it
    (`partyblock.accounts.access.may_look_up`); others read `search_help_text_masked`."""

    search_help_text_masked = None

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if self.search_help_text_masked and not may_look_up(request.user, Member, "national_id"):
            changelist.search_help_text = self.search_help_text_masked
        return changelist


class MemberSearchMixin(NationalIdSearchHelpMixin):
    """Accent-insensitive search on the member's name, card or ID (the member list's rule,
    `partyblock.accounts.access.member_search`), or any of `also_searched` (icontains)."""

    also_searched = ()

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if search_too_short(term):
            return queryset.none(), False
        found = member_search(term, request.user, prefix="member__")
        for field in self.also_searched:
            found |= Q(**{f"{field}__icontains": term})
        return queryset.filter(found), False


class ReadOnlyFormSet(BaseInlineFormSet):
    """Lists rows and takes no input: posted data is ignored, so the page it sits on saves whether
    or not the browser (or a test) sends this formset's management fields."""

    def __init__(self, data=None, files=None, **kwargs):
        super().__init__(None, None, **kwargs)

    def is_valid(self):
        return True

    def save(self, commit=True):
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        return []
