import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import make_organisation
from units.models import Organisation, OrganisationKind, Term
from units.queries import organisations_as_of

Kind = OrganisationKind
TCCS_KINDS = (Kind.DANG_BO_CO_SO, Kind.CHI_BO_CO_SO)


def clean_errors(organisation):
    with pytest.raises(ValidationError) as excinfo:
        organisation.full_clean()
    return excinfo.value.message_dict


def unsaved(code, kind, parent, founded_on=datetime.date(2010, 1, 1)):
    return Organisation(code=code, name=f"Tổ chức {code}", kind=kind, parent=parent, founded_on=founded_on)


def codes(organisations):
    return [organisation.code for organisation in organisations]


# Parent rules


@pytest.mark.parametrize("kind", TCCS_KINDS)
def test_grassroots_organisation_sits_under_the_root(bloc, kind):
    organisation = make_organisation("TCCS", kind, bloc)

    assert organisation.parent == bloc
    assert organisation.is_grassroots


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (Kind.DANG_BO_CO_SO, "Đảng bộ cơ sở phải trực thuộc một tổ chức."),
        (Kind.CHI_BO_CO_SO, "Chi bộ cơ sở phải trực thuộc một tổ chức."),
        (Kind.DANG_BO_BO_PHAN, "Đảng bộ bộ phận phải trực thuộc một tổ chức."),
        (Kind.CHI_BO_TRUC_THUOC, "Chi bộ trực thuộc phải trực thuộc một tổ chức."),
    ],
)
def test_organisation_below_the_root_needs_a_parent(bloc, kind, message):
    assert clean_errors(unsaved("X", kind, None)) == {"parent": [message]}


def test_grassroots_organisation_cannot_sit_under_another_grassroots_organisation(tree):
    errors = clean_errors(unsaved("X", Kind.DANG_BO_CO_SO, tree["dbcs"]))

    assert errors == {
        "parent": ["Đảng bộ cơ sở chỉ trực thuộc đảng bộ Khối, không trực thuộc đảng bộ cơ sở."]
    }


def test_chi_bo_co_so_cannot_sit_under_a_dang_bo_bo_phan(tree):
    dbbp = make_organisation("SOA-BP", Kind.DANG_BO_BO_PHAN, tree["dbcs"])

    errors = clean_errors(unsaved("X", Kind.CHI_BO_CO_SO, dbbp))

    assert errors == {
        "parent": ["Chi bộ cơ sở chỉ trực thuộc đảng bộ Khối, không trực thuộc đảng bộ bộ phận."]
    }


def test_root_has_no_parent(tree):
    organisation = Organisation(code="KHOI2", name="Khối khác", kind=Kind.BLOC, parent=tree["dbcs"])

    errors = clean_errors(organisation)

    assert errors["parent"] == ["Đảng bộ Khối là gốc của cây tổ chức, không trực thuộc tổ chức nào."]


def test_there_is_only_one_root(bloc):
    organisation = Organisation(code="KHOI2", name="Khối thứ hai", kind=Kind.BLOC)

    assert clean_errors(organisation) == {"__all__": ["Chỉ có một Đảng bộ Khối (gốc của cây tổ chức)."]}


def test_chi_bo_truc_thuoc_sits_under_a_dang_bo_co_so(tree):
    chi_bo = make_organisation("SOA-X", Kind.CHI_BO_TRUC_THUOC, tree["dbcs"])

    assert chi_bo.parent == tree["dbcs"]
    assert chi_bo.grassroots_ancestor() == tree["dbcs"]


def test_chi_bo_truc_thuoc_sits_under_a_dang_bo_bo_phan(tree):
    dbbp = make_organisation("SOA-BP", Kind.DANG_BO_BO_PHAN, tree["dbcs"])

    chi_bo = make_organisation("SOA-BP-1", Kind.CHI_BO_TRUC_THUOC, dbbp)

    assert chi_bo.parent == dbbp
    assert chi_bo.grassroots_ancestor() == tree["dbcs"]


def test_chi_bo_truc_thuoc_cannot_sit_under_the_root(bloc):
    errors = clean_errors(unsaved("X", Kind.CHI_BO_TRUC_THUOC, bloc))

    assert errors == {
        "parent": [
            "Chi bộ trực thuộc chỉ trực thuộc đảng bộ cơ sở hoặc đảng bộ bộ phận, không trực thuộc đảng bộ Khối."
        ]
    }


def test_dang_bo_bo_phan_sits_only_under_a_dang_bo_co_so(bloc):
    errors = clean_errors(unsaved("X", Kind.DANG_BO_BO_PHAN, bloc))

    assert errors == {
        "parent": ["Đảng bộ bộ phận chỉ trực thuộc đảng bộ cơ sở, không trực thuộc đảng bộ Khối."]
    }


@pytest.mark.parametrize("kind", [Kind.CHI_BO_TRUC_THUOC, Kind.DANG_BO_BO_PHAN])
def test_chi_bo_co_so_has_no_children(tree, kind):
    errors = clean_errors(unsaved("X", kind, tree["cbcs"]))

    assert errors == {"parent": ["Chi bộ cơ sở không có tổ chức trực thuộc."]}


@pytest.mark.parametrize("kind", [Kind.CHI_BO_TRUC_THUOC, Kind.DANG_BO_BO_PHAN])
def test_chi_bo_truc_thuoc_has_no_children(tree, kind):
    errors = clean_errors(unsaved("X", kind, tree["cb1"]))

    assert errors == {"parent": ["Chi bộ trực thuộc không có tổ chức trực thuộc."]}


@pytest.mark.parametrize(
    "founded_on",
    [datetime.date(2020, 3, 1), datetime.date(2021, 1, 1)],
    ids=["on_the_day_it_was_dissolved", "after_it_was_dissolved"],
)
def test_nothing_is_founded_under_an_organisation_from_the_day_it_is_dissolved(tree, founded_on):
    dbcs = tree["dbcs"]
    dbcs.dissolved_on = datetime.date(2020, 3, 1)
    dbcs.save()

    errors = clean_errors(unsaved("X", Kind.CHI_BO_TRUC_THUOC, dbcs, founded_on=founded_on))

    assert errors == {
        "founded_on": [
            "Đảng bộ Sở A đã giải thể ngày 01/03/2020: không thể thành lập tổ chức trực thuộc từ ngày đó."
        ]
    }


def test_child_can_be_founded_the_day_before_its_parent_is_dissolved(tree):
    dbcs = tree["dbcs"]
    dbcs.dissolved_on = datetime.date(2020, 3, 1)
    dbcs.save()

    chi_bo = make_organisation("X", Kind.CHI_BO_TRUC_THUOC, dbcs, founded_on=datetime.date(2020, 2, 29))

    assert chi_bo.founded_on == datetime.date(2020, 2, 29)


def test_child_founded_before_its_parent_joins_the_tree_on_the_parents_founding_with_a_warning(bloc):
    # Issue 15: a chi bộ may be older than the đảng bộ it now belongs to (DOMAIN.md §1).
    dbcs = make_organisation("SOC", Kind.DANG_BO_CO_SO, bloc, founded_on=datetime.date(2015, 6, 1))
    chi_bo = unsaved("X", Kind.CHI_BO_TRUC_THUOC, dbcs, founded_on=datetime.date(2015, 5, 31))

    chi_bo.full_clean()
    chi_bo.save()

    assert chi_bo.placement_warning == (
        "thành lập ngày 31/05/2015, trước Tổ chức SOC (01/06/2015): tính là trực thuộc từ ngày 01/06/2015."
    )
    assert list(chi_bo.placements.values_list("parent_id", "starts_on", "ends_on")) == [
        (dbcs.pk, datetime.date(2015, 6, 1), None)
    ]
    assert chi_bo.place_in_tree(datetime.date(2015, 5, 31)) is None
    assert chi_bo.place_in_tree(datetime.date(2015, 6, 1)) == (
        f"{bloc.path}{dbcs.pk:06d}/{chi_bo.pk:06d}/",
        2,
    )


def test_placement_cannot_start_before_the_parent_was_founded(bloc):
    dbcs = make_organisation("SOC", Kind.DANG_BO_CO_SO, bloc, founded_on=datetime.date(2015, 6, 1))
    chi_bo = unsaved("X", Kind.CHI_BO_TRUC_THUOC, dbcs, founded_on=datetime.date(2001, 1, 1))
    chi_bo.placed_on = datetime.date(2015, 5, 31)

    assert clean_errors(chi_bo) == {
        "placed_on": ["Ngày trực thuộc 31/05/2015 trước ngày thành lập của Tổ chức SOC (01/06/2015)."]
    }


def test_dissolution_must_follow_founding(tree):
    chi_bo = tree["cb1"]
    chi_bo.dissolved_on = chi_bo.founded_on

    assert clean_errors(chi_bo) == {"__all__": ["Ngày giải thể phải sau ngày thành lập."]}


def test_merged_organisation_needs_a_merger_date(tree):
    chi_bo = tree["cb1"]
    chi_bo.merged_into = tree["cb2"]

    assert clean_errors(chi_bo) == {"dissolved_on": ["Tổ chức đã sáp nhập phải có ngày sáp nhập."]}


def test_organisation_cannot_merge_into_itself(tree):
    chi_bo = tree["cb1"]
    chi_bo.merged_into = chi_bo
    chi_bo.dissolved_on = datetime.date(2020, 1, 1)

    assert clean_errors(chi_bo) == {"merged_into": ["Tổ chức không thể sáp nhập vào chính nó."]}


def test_clean_normalises_name_and_code(db):
    organisation = Organisation(code="  SO-C ", name="Chi  bo\u0302\u0323 So\u031b\u0309 C ", kind=Kind.BLOC)

    organisation.full_clean()

    assert (organisation.code, organisation.name) == ("SO-C", "Chi bộ Sở C")


# Materialised path


def test_path_and_depth_follow_the_tree(tree):
    dbbp = make_organisation("SOA-BP", Kind.DANG_BO_BO_PHAN, tree["dbcs"])
    chi_bo = make_organisation("SOA-BP-1", Kind.CHI_BO_TRUC_THUOC, dbbp)
    bloc, dbcs = tree["bloc"], tree["dbcs"]

    assert [(o.path, o.depth) for o in (bloc, dbcs, dbbp, chi_bo)] == [
        (f"{bloc.pk:06d}/", 0),
        (f"{bloc.pk:06d}/{dbcs.pk:06d}/", 1),
        (f"{bloc.pk:06d}/{dbcs.pk:06d}/{dbbp.pk:06d}/", 2),
        (f"{bloc.pk:06d}/{dbcs.pk:06d}/{dbbp.pk:06d}/{chi_bo.pk:06d}/", 3),
    ]


def test_stored_path_matches_the_saved_instance(tree):
    chi_bo = tree["cb1"]

    stored = Organisation.objects.get(pk=chi_bo.pk)

    assert (stored.path, stored.depth) == (chi_bo.path, 2)


def test_within_lists_an_organisation_and_everything_below_it(tree):
    dbbp = make_organisation("SOA-BP", Kind.DANG_BO_BO_PHAN, tree["dbcs"])
    make_organisation("SOA-BP-1", Kind.CHI_BO_TRUC_THUOC, dbbp)

    assert codes(Organisation.objects.within(tree["dbcs"])) == [
        "SOA",
        "SOA-VP",
        "SOA-KT",
        "SOA-BP",
        "SOA-BP-1",
    ]
    assert codes(Organisation.objects.within(dbbp, include_self=False)) == ["SOA-BP-1"]


def test_reparenting_moves_the_organisation_and_its_descendants(tree):
    bloc, dbcs = tree["bloc"], tree["dbcs"]
    dbbp = make_organisation("SOA-BP", Kind.DANG_BO_BO_PHAN, dbcs)
    chi_bo = make_organisation("SOA-BP-1", Kind.CHI_BO_TRUC_THUOC, dbbp)
    other = make_organisation("SOD", Kind.DANG_BO_CO_SO, bloc)

    dbbp.parent = other
    dbbp.full_clean()
    dbbp.save()

    dbbp.refresh_from_db()
    chi_bo.refresh_from_db()
    assert [(o.path, o.depth) for o in (dbbp, chi_bo)] == [
        (f"{bloc.pk:06d}/{other.pk:06d}/{dbbp.pk:06d}/", 2),
        (f"{bloc.pk:06d}/{other.pk:06d}/{dbbp.pk:06d}/{chi_bo.pk:06d}/", 3),
    ]
    assert codes(Organisation.objects.within(other)) == ["SOD", "SOA-BP", "SOA-BP-1"]
    assert codes(Organisation.objects.within(dbcs)) == ["SOA", "SOA-VP", "SOA-KT"]


def test_reparenting_changes_the_depth_of_descendants(tree):
    dbcs = tree["dbcs"]
    dbbp = make_organisation("SOA-BP", Kind.DANG_BO_BO_PHAN, dbcs)
    chi_bo = tree["cb1"]

    chi_bo.parent = dbbp
    chi_bo.full_clean()
    chi_bo.save()

    chi_bo.refresh_from_db()
    assert (chi_bo.path, chi_bo.depth) == (f"{dbbp.path}{chi_bo.pk:06d}/", 3)


def test_saving_without_moving_keeps_descendants_paths(tree):
    dbcs = tree["dbcs"]
    before = list(Organisation.objects.values_list("pk", "path", "depth"))

    dbcs.name = "Đảng bộ Sở A (đổi tên)"
    dbcs.save()

    assert list(Organisation.objects.values_list("pk", "path", "depth")) == before


# Counting organisations at a date


@pytest.fixture
def dated_tree(bloc):
    """Three TCCS with known founding and dissolution dates, and one chi bộ trực thuộc."""
    early = make_organisation("EARLY", Kind.DANG_BO_CO_SO, bloc, founded_on=datetime.date(2010, 1, 1))
    make_organisation("LATE", Kind.CHI_BO_CO_SO, bloc, founded_on=datetime.date(2018, 6, 1))
    make_organisation(
        "CLOSED",
        Kind.CHI_BO_CO_SO,
        bloc,
        founded_on=datetime.date(2012, 1, 1),
        dissolved_on=datetime.date(2019, 3, 1),
    )
    make_organisation("EARLY-1", Kind.CHI_BO_TRUC_THUOC, early, founded_on=datetime.date(2010, 1, 1))
    return early


def test_organisations_as_of_includes_those_founded_that_day(dated_tree):
    assert codes(organisations_as_of(datetime.date(2018, 6, 1), TCCS_KINDS)) == ["EARLY", "LATE", "CLOSED"]


def test_organisations_as_of_excludes_those_not_yet_founded(dated_tree):
    assert codes(organisations_as_of(datetime.date(2018, 5, 31), TCCS_KINDS)) == ["EARLY", "CLOSED"]


def test_organisations_as_of_includes_them_the_day_before_dissolution(dated_tree):
    assert codes(organisations_as_of(datetime.date(2019, 2, 28), TCCS_KINDS)) == ["EARLY", "LATE", "CLOSED"]


def test_organisations_as_of_excludes_them_from_the_dissolution_date(dated_tree):
    assert codes(organisations_as_of(datetime.date(2019, 3, 1), TCCS_KINDS)) == ["EARLY", "LATE"]


def test_organisations_as_of_filters_by_kind(dated_tree):
    day = datetime.date(2020, 7, 31)

    assert codes(organisations_as_of(day, [Kind.CHI_BO_CO_SO])) == ["LATE"]
    assert codes(organisations_as_of(day, [Kind.CHI_BO_TRUC_THUOC])) == ["EARLY-1"]


def test_organisations_as_of_within_an_organisation(dated_tree):
    kinds = [Kind.DANG_BO_CO_SO, Kind.CHI_BO_TRUC_THUOC]

    assert codes(organisations_as_of(datetime.date(2020, 7, 31), kinds, within=dated_tree)) == [
        "EARLY",
        "EARLY-1",
    ]


def test_organisation_is_active_from_founding_until_the_day_before_dissolution(tree):
    chi_bo = tree["cb1"]
    chi_bo.dissolved_on = datetime.date(2019, 3, 1)

    assert [
        chi_bo.is_active_on(day)
        for day in (
            datetime.date(1999, 12, 31),
            datetime.date(2000, 1, 1),
            datetime.date(2019, 2, 28),
            datetime.date(2019, 3, 1),
        )
    ] == [False, True, True, False]


# Terms


def test_rated_years_are_those_whose_year_end_falls_in_the_term(db):
    term = Term(
        label="2015-2020",
        congress_ordinal="VIII",
        starts_on=datetime.date(2015, 7, 1),
        ends_on=datetime.date(2020, 7, 31),
    )

    assert term.rated_years == [2015, 2016, 2017, 2018, 2019]


def test_rated_years_include_a_term_ending_on_the_last_day_of_a_year(db):
    term = Term(
        label="2020-2025",
        congress_ordinal="IX",
        starts_on=datetime.date(2020, 8, 1),
        ends_on=datetime.date(2025, 12, 31),
    )

    assert term.rated_years == [2020, 2021, 2022, 2023, 2024, 2025]


def test_term_must_end_after_it_starts(db):
    term = Term(
        label="2015-2020",
        congress_ordinal="VIII",
        starts_on=datetime.date(2015, 7, 1),
        ends_on=datetime.date(2015, 7, 1),
    )

    assert clean_errors(term) == {"__all__": ["Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu."]}


def test_ancestors_are_read_off_the_path_in_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert list(tree["cb1"].ancestors()) == [tree["bloc"], tree["dbcs"]]
    assert list(tree["bloc"].ancestors()) == []
