import pytest
from django.core.management import CommandError, call_command

from members.models import Member

from .conftest import xlsx

ROWS = [
    ["Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Chi bộ"],
    ["Phan Văn Hùng", "01/01/1980", "Nam", "01/01/2010", "Chi bộ Văn phòng"],
]


@pytest.mark.django_db
def test_import_sheet_dry_run_then_write(tree, tmp_path, capsys):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx(ROWS))
    call_command("import_sheet", "members", str(path), "--organisation", "SOA", "--dry-run")
    assert "1 to create" in capsys.readouterr().out and Member.objects.count() == 0
    call_command("import_sheet", "members", str(path), "--organisation", "SOA")
    out = capsys.readouterr().out
    assert "1 created, 0 updated, 0 unchanged" in out and Member.objects.count() == 1


@pytest.mark.django_db
def test_import_sheet_exits_non_zero_on_errors(tree, tmp_path, capsys):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx([ROWS[0], ["Phan Văn Hùng", "31/02/1980", "Nam", "01/01/2010", "X"]]))
    with pytest.raises(CommandError, match="2 errors; nothing written"):
        call_command("import_sheet", "members", str(path), "--organisation", "SOA")
    assert "Dòng 2, cột B (Ngày sinh), giá trị “31/02/1980”" in capsys.readouterr().err
    assert Member.objects.count() == 0


@pytest.mark.django_db
def test_import_sheet_names_a_file_it_cannot_open(tree, tmp_path, capsys):
    with pytest.raises(CommandError, match="1 errors; nothing written"):
        call_command("import_sheet", "members", str(tmp_path / "khong-co.xlsx"), "--organisation", "SOA")
    assert "Không mở được tệp" in capsys.readouterr().err
