"""build.py import and export: directorates' spreadsheets in, offices files out, and back; real files throughout."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, require
from openpyxl import Workbook, load_workbook

from site_builder.cli import main

FIXTURES = ROOT / "tests" / "fixtures" / "spreadsheets"
RASHT = Path("provinces/gilan/offices/rasht.yaml")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the sample content that an import may change."""
    copy = tmp_path / "content"
    shutil.copytree(ROOT / "content", copy)
    return copy


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*.yaml"))}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def check(content: Path) -> int:
    return main(["check", "--content", str(content), "--today", "1405/09/01", "--jobs", "1"])


def export(capsys, content: Path, target: Path, *extra: str) -> Path:
    code, _, err = run(capsys, "export", "--province", "gilan", str(target), "--content", str(content), *extra)
    assert code == 0, err
    return target


def columns(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1]}


def row_of(sheet, code: str) -> int:
    return next(cell.row for cell in sheet["A"] if cell.value == code)


def test_export_writes_a_right_to_left_sheet_per_county_with_text_cells(capsys, content, tmp_path):
    book = load_workbook(export(capsys, content, tmp_path / "gilan.xlsx"))
    assert "رشت" in book.sheetnames and "لاهیجان" in book.sheetnames
    sheet = book["رشت"]
    assert sheet.sheet_view.rightToLeft
    heads = columns(sheet)
    assert list(heads)[:3] == ["کد دفتر", "نوع دفتر", "وضعیت"]
    row = row_of(sheet, "13101001")
    phone = sheet.cell(row, heads["تلفن"])
    issued = sheet.cell(row, heads["تاریخ صدور"])
    assert (phone.value, phone.data_type, phone.number_format) == ("013-33980236", "s", "@")
    assert (issued.value, issued.data_type) == ("1400/11/19", "s")
    assert sheet.cell(row, heads["نوع دفتر"]).value == "شهری"
    assert "کد ملی" not in heads  # private fields stay out unless asked for


def test_export_then_import_changes_nothing(capsys, content, tmp_path):
    workbook = export(capsys, content, tmp_path / "gilan.xlsx")
    before = snapshot(content)
    code, out, err = run(capsys, "import", str(workbook), "--province", "gilan", "--content", str(content))
    assert code == 0, err
    assert out.startswith("no changes: 77 offices")
    assert snapshot(content) == before


def test_include_private_exports_the_private_fields_and_says_so(capsys, content, tmp_path):
    target = tmp_path / "private.xlsx"
    code, _, err = run(
        capsys, "export", "--province", "gilan", str(target), "--content", str(content), "--include-private"
    )
    assert code == 0 and "includes the private fields" in err
    sheet = load_workbook(target)["رشت"]
    heads = columns(sheet)
    assert sheet.cell(row_of(sheet, "13101001"), heads["کد ملی"]).value == "1601346301"
    before = snapshot(content)
    assert run(capsys, "import", str(target), "--province", "gilan", "--content", str(content))[0] == 0
    assert snapshot(content) == before


def test_a_change_touches_only_its_line_and_keeps_comments_services_and_private(capsys, content, tmp_path):
    target = export(capsys, content, tmp_path / "gilan.xlsx")
    book = load_workbook(target)
    sheet = book["رشت"]
    heads = columns(sheet)
    row = row_of(sheet, "13101001")
    sheet.cell(row, heads["تلفن"]).value = 1333980299  # a number: Excel dropped the leading 0
    sheet.cell(row, heads["تاریخ انقضا"]).value = datetime.datetime(2027, 2, 7)  # an Excel date: 1405/11/18
    sheet.cell(row, heads["نشانی"]).value = "خیابان حاجي‌آباد، نبش کوچه یاس، پلاک ۵۸"  # Arabic ي, Persian digits
    book.save(target)
    before = (ROOT / "content" / RASHT).read_text(encoding="utf-8").splitlines()

    code, out, err = run(capsys, "import", str(target), "--province", "gilan", "--content", str(content))

    assert code == 0, err
    assert "13101001 (rasht): changed\n  phone: 013-33980236 → 013-33980299\n" in out
    assert "expires" not in out  # the serial is the same day the file holds
    assert "address" not in out  # the same address once ي and the digits are read as check reads them
    after = (content / RASHT).read_text(encoding="utf-8").splitlines()
    assert [(a, b) for a, b in zip(before, after) if a != b] == [('  phone: "013-33980236"', '  phone: "013-33980299"')]
    assert len(before) == len(after)
    assert check(content) == 0


def test_dry_run_reports_added_changed_and_missing_and_writes_nothing(capsys, content, tmp_path):
    target = export(capsys, content, tmp_path / "gilan.xlsx")
    book = load_workbook(target)
    sheet = book["رشت"]
    heads = columns(sheet)
    sheet.cell(row_of(sheet, "13101002"), heads["وضعیت"]).value = "غیرفعال"
    sheet.delete_rows(row_of(sheet, "13101003"))
    new = {"کد دفتر": "13101777", "نوع دفتر": "شهری", "وضعیت": "در انتظار صدور پروانه", "شهر": "رشت"}
    sheet.append([new.get(head) for head in heads])
    book.save(target)
    before = snapshot(content)

    code, out, err = run(capsys, "import", str(target), "--province", "gilan", "--content", str(content), "--dry-run")

    assert code == 0, err
    assert "13101002 (rasht): changed\n  status: active → inactive\n" in out
    assert "13101777 (rasht): added\n" in out
    assert "13101003 (rasht): missing from the sheet, kept (--remove-missing removes it)\n" in out
    assert "1 added, 1 changed, 0 removed, 1 missing from the sheet, 75 unchanged" in out
    assert "nothing was written" in err
    assert snapshot(content) == before


def test_import_twice_changes_nothing_the_second_time_and_remove_missing_removes(capsys, content, tmp_path):
    target = export(capsys, content, tmp_path / "gilan.xlsx")
    book = load_workbook(target)
    sheet = book["رشت"]
    sheet.delete_rows(row_of(sheet, "13101003"))
    heads = columns(sheet)
    sheet.cell(row_of(sheet, "13101004"), heads["نام دفتر"]).value = "دفتر پیشخوان نیکان"
    book.save(target)
    argv = ["import", str(target), "--province", "gilan", "--content", str(content)]
    assert run(capsys, *argv)[0] == 0
    once = snapshot(content)
    code, out, _ = run(capsys, *argv)
    assert code == 0 and "no changes" in out and "13101003 (rasht): missing from the sheet, kept" in out
    assert snapshot(content) == once

    code, out, _ = run(capsys, *argv, "--remove-missing")
    assert code == 0 and "13101003 (rasht): missing from the sheet, removed" in out
    text = (content / RASHT).read_text(encoding="utf-8")
    assert "13101003" not in text and "13101004" in text and "\n\n\n" not in text
    assert text.startswith("# yaml-language-server")  # the file's comments stay
    assert check(content) == 0
    assert "no changes" in run(capsys, *argv, "--remove-missing")[1]


def test_headers_as_directorates_write_them(capsys, content, tmp_path):
    """A title row, Arabic ي/ك, extra spaces, a ZWNJ or none, a trailing colon, English names and a merged group
    header over its sub-headers; a sheet named after its county, and a new office with numbers for its phone."""
    book = Workbook()
    sheet = book.active
    sheet.title = "لاهيجان"  # Arabic ي: the county لاهیجان
    sheet.append(["فهرست دفاتر پیشخوان شهرستان لاهیجان"])
    sheet.merge_cells("A1:J1")
    sheet.append(["ردیف", "كد  دفتر:", "نوع‌دفتر", "status", "شهر", "کد‌پستی", "تلفن", "پروانه", None, None])
    sheet.append([None, None, None, None, None, None, None, "شماره", "نام دارنده", "تاریخ صدور"])
    sheet.merge_cells("H2:J2")
    sheet.append([])  # a blank row
    sheet.append([1, 13102777, "شهري", "active", "لاهیجان", 4418800000, 1342200000, 1314999991, "زهرا نوری", None])
    sheet.append([])
    book.save(tmp_path / "lahijan.xlsx")
    # Without the license's type and expiry the new office cannot be added: every missing cell is named.
    code, _, err = run(
        capsys, "import", str(tmp_path / "lahijan.xlsx"), "--province", "gilan", "--content", str(content)
    )
    assert code == 1
    assert "lahijan.xlsx:لاهيجان!B5: error: office 13102777 is new, and a new office needs license.issued, " in err
    assert "license.expires, license.holder.type" in err
    for col, head in ((11, "تاریخ انقضا"), (12, "نوع دارنده پروانه")):
        sheet.cell(2, col).value = head
    sheet.cell(5, 10).value = "1404/05/01"
    sheet.cell(5, 11).value = "1409/04/31"
    sheet.cell(5, 12).value = "حقیقی"
    book.save(tmp_path / "lahijan.xlsx")
    code, out, err = run(
        capsys, "import", str(tmp_path / "lahijan.xlsx"), "--province", "gilan", "--content", str(content)
    )
    assert code == 0, err
    assert "13102777 (lahijan): added" in out
    text = (content / "provinces/gilan/offices/lahijan.yaml").read_text(encoding="utf-8")
    assert (
        '- code: 13102777\n  kind: urban\n  status: active\n  city: لاهیجان\n  postal_code: "4418800000"\n'
        '  phone: "013-42200000"\n  license:\n    number: "1314999991"\n    holder: {name: زهرا نوری, type: person}\n'
        "    issued: 1404/05/01\n    expires: 1409/04/31\n"
    ) in text
    assert check(content) == 0


def test_every_problem_at_once_with_its_cell_and_nothing_written(capsys, content, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "رشت"
    sheet.append(["کد دفتر", "نوع دفتر", "وضعیت", "تلفن", "تاریخ صدور", "تاریخ انقضا", "رنگ تابلو"])
    sheet.append(["13101001", "شهری", "فعال", 33980236, "2021/02/08", "1405/11/18", "آبی"])
    sheet.append(["13101002", "شهرک", "فعال", "013-33874624", "1370/01/01", "1408/12/29", None])
    sheet.append(["13101001", "شهری", "فعال", None, None, None, None])
    book.save(tmp_path / "bad.xlsx")
    before = snapshot(content)

    code, _, err = run(capsys, "import", str(tmp_path / "bad.xlsx"), "--province", "gilan", "--content", str(content))

    assert code == 1
    lines = err.splitlines()
    expected = [
        "bad.xlsx:رشت!G1: error: the column 'رنگ تابلو' is not one the import reads",
        "bad.xlsx:رشت!D2: error: phone: '33980236' is not a phone number",
        "bad.xlsx:رشت!E2: error: license.issued: '2021/02/08' looks like a Gregorian date",
        "bad.xlsx:رشت!B3: error: kind: 'شهرک' is not a kind of office",
        "bad.xlsx:رشت!E3: error: license.issued: 1370/01/01 cannot be right",
        "bad.xlsx:رشت!A4: error: office code 13101001 is given twice: also at رشت!A2",
    ]
    for start in expected:
        assert any(start in line for line in lines), (start, err)
    assert lines[-1] == "import failed: 6 errors in the sheet; nothing was written"
    assert snapshot(content) == before


def test_a_csv_file_in_windows_1256_is_read_and_its_problems_are_given_as_row_and_column(capsys, content, tmp_path):
    source = (FIXTURES / "rasht-windows-1256.csv").read_bytes()
    (tmp_path / "bad.csv").write_bytes(source.replace(b"1400/11/19", b"1400/13/19"))
    code, _, err = run(capsys, "import", str(tmp_path / "bad.csv"), "--province", "gilan", "--content", str(content))
    assert code == 1
    assert "bad.csv:2:13: error: license.issued: 1400/13/19: there is no month 13" in err

    code, out, err = run(
        capsys, "import", str(FIXTURES / "rasht-windows-1256.csv"), "--province", "gilan", "--content", str(content)
    )
    assert code == 0, err
    assert "13101001 (rasht): changed\n  phone: 013-33980236 → 013-33980299\n" in out
    assert "13101990 (rasht): added" in out
    # A county column speaks for the counties its rows name: Rasht's other offices are missing, Amlash's are not.
    assert "13101002 (rasht): missing from the sheet, kept" in out and "(amlash)" not in out
    assert "village: سراوان" in (content / RASHT).read_text(encoding="utf-8")
    assert check(content) == 0


@pytest.mark.parametrize(("name", "charset"), [("rasht-utf8.csv", "76"), ("rasht-windows-1256.csv", "38")])
def test_files_libreoffice_made_from_csv(capsys, content, tmp_path, name, charset):
    """LibreOffice turns the CSV's phone and postal code into numbers (the leading 0 lost), as Excel does."""
    soffice = shutil.which("soffice")
    require(soffice is not None, "LibreOffice", "apt-get install --no-install-recommends libreoffice-calc-nogui")
    shutil.copy(FIXTURES / name, tmp_path / name)
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         f"--infilter=CSV:44,34,{charset},1", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(tmp_path / name)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    converted = tmp_path / name.replace(".csv", ".xlsx")
    phone = load_workbook(converted).active["I2"].value
    assert phone == 1333980299  # what the import meets: a number
    code, out, err = run(capsys, "import", str(converted), "--province", "gilan", "--content", str(content))
    assert code == 0, err
    assert "  phone: 013-33980236 → 013-33980299\n" in out and "13101990 (rasht): added" in out
    assert check(content) == 0


def test_usage_errors_exit_2(capsys, content, tmp_path):
    (tmp_path / "list.ods").write_bytes(b"")
    assert run(capsys, "import", str(tmp_path / "list.ods"), "--province", "gilan", "--content", str(content))[0] == 2
    code, _, err = run(
        capsys, "import", str(FIXTURES / "rasht-utf8.csv"), "--province", "tehran", "--content", str(content)
    )
    assert code == 2 and "there is no province 'tehran'" in err
    assert run(capsys, "import", str(FIXTURES / "rasht-utf8.csv"), "--content", str(content))[0] == 2


def test_persian_messages_with_persian_digits(capsys, content, tmp_path):
    workbook = export(capsys, content, tmp_path / "gilan.xlsx")
    code, out, _ = run(
        capsys, "import", str(workbook), "--province", "gilan", "--content", str(content), "--lang", "fa"
    )
    assert code == 0
    assert "۷۷" in out and "77" not in out


def test_docs_list_every_accepted_header():
    from site_builder.spreadsheets import COLUMNS

    docs = (ROOT / "docs" / "content.md").read_text(encoding="utf-8")
    assert [header for column in COLUMNS for header in column.headers if header not in docs] == []


def test_a_result_that_would_fail_check_is_not_written(capsys, content, tmp_path):
    """A code that a Bushehr office has is valid in the sheet, but two offices may not share it: check says so."""
    book = Workbook()
    sheet = book.active
    sheet.append(["کد دفتر", "نوع دفتر", "وضعیت", "شهرستان", "شهر"])
    sheet.append(["17108001", "شهری", "در انتظار صدور پروانه", "آستارا", "آستارا"])
    book.save(tmp_path / "astara.xlsx")
    before = snapshot(content)
    code, _, err = run(
        capsys, "import", str(tmp_path / "astara.xlsx"), "--province", "gilan", "--content", str(content)
    )
    assert code == 1
    assert "astara.yaml:" in err and "error: office code 17108001 is used twice: also at " in err
    assert "do not pass check (above); nothing was written" in err
    assert snapshot(content) == before


def test_an_office_moves_with_its_comments_and_an_unknown_county_is_reported(capsys, content, tmp_path):
    rasht = content / RASHT
    rasht.write_text(
        rasht.read_text(encoding="utf-8").replace("  kind: urban\n", "  kind: urban  # checked 1405/08\n", 1),
        encoding="utf-8",
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["کد دفتر", "شهرستان"])
    sheet.append(["13101001", "صومعه سرا"])  # صومعه‌سرا, written with a space
    sheet.append(["13101002", "تهران"])
    book.save(tmp_path / "move.xlsx")
    code, _, err = run(capsys, "import", str(tmp_path / "move.xlsx"), "--province", "gilan", "--content", str(content))
    assert code == 1 and "move.xlsx:Sheet!B3: error: 'تهران' is not a county of gilan; the counties are " in err

    sheet.delete_rows(3)
    book.save(tmp_path / "move.xlsx")
    code, out, err = run(
        capsys, "import", str(tmp_path / "move.xlsx"), "--province", "gilan", "--content", str(content)
    )
    assert code == 0, err
    assert "13101001 (sowmeh-sara): moved from rasht" in out
    moved = (content / "provinces/gilan/offices/sowmeh-sara.yaml").read_text(encoding="utf-8")
    assert "- code: 13101001\n  kind: urban  # checked 1405/08\n" in moved and 'national_id: "1601346301"' in moved
    assert "13101001" not in rasht.read_text(encoding="utf-8")
    assert check(content) == 0


def test_a_sheet_named_after_no_county_without_a_county_column(capsys, content, tmp_path):
    book = Workbook()
    book.active.title = "فهرست"
    book.active.append(["کد دفتر", "وضعیت"])
    book.active.append(["13101001", "فعال"])
    book.save(tmp_path / "list.xlsx")
    code, _, err = run(capsys, "import", str(tmp_path / "list.xlsx"), "--province", "gilan", "--content", str(content))
    assert code == 1
    assert (
        "list.xlsx:فهرست!A1: error: the sheet 'فهرست' is named after no county of gilan and has no county column" in err
    )


def test_a_row_without_a_readable_code_is_reported_once(capsys, content, tmp_path):
    (tmp_path / "codes.csv").write_text(
        "کد دفتر;شهرستان;تلفن\n13A01;رشت;013-33980236\n;رشت;013-33980236\n", encoding="utf-8"
    )  # separated by semicolons, as Excel saves CSV where the comma is the decimal sign
    code, _, err = run(capsys, "import", str(tmp_path / "codes.csv"), "--province", "gilan", "--content", str(content))
    assert code == 1
    assert [line.split(": error: ")[1] for line in err.splitlines() if ": error: " in line] == [
        "code: '13A01' must contain digits only",
        "this row has no office code (کد دفتر)",
    ]
    assert "codes.csv:2:1: error:" in err and "codes.csv:3:1: error:" in err


def test_remove_missing_removes_the_missing_office_when_another_moves_out_of_its_file(capsys, content, tmp_path):
    target = export(capsys, content, tmp_path / "gilan.xlsx")
    book = load_workbook(target)
    rasht, lahijan = book["رشت"], book["لاهیجان"]
    moving = [cell.value for cell in rasht[row_of(rasht, "13101001")]]
    rasht.delete_rows(row_of(rasht, "13101001"))
    rasht.delete_rows(row_of(rasht, "13101002"))
    lahijan.append(moving)
    book.save(target)
    code, out, err = run(
        capsys, "import", str(target), "--province", "gilan", "--content", str(content), "--remove-missing"
    )
    assert code == 0, err
    assert "13101001 (lahijan): moved from rasht" in out and "13101002 (rasht): missing from the sheet, removed" in out
    text = (content / RASHT).read_text(encoding="utf-8")
    assert "13101001" not in text and "13101002" not in text and "- code: 13101003\n" in text
    assert "- code: 13101001\n" in (content / "provinces/gilan/offices/lahijan.yaml").read_text(encoding="utf-8")
    assert check(content) == 0


def test_a_code_another_province_holds_later_in_the_content_is_not_written(capsys, content, tmp_path):
    """Check reports a code used twice at the later file, here North Khorasan's: the import still refuses."""
    book = Workbook()
    sheet = book.active
    sheet.append(["کد دفتر", "نوع دفتر", "وضعیت", "شهرستان", "شهر"])
    sheet.append(["58101001", "شهری", "در انتظار صدور پروانه", "رشت", "رشت"])
    book.save(tmp_path / "rasht.xlsx")
    before = snapshot(content)
    code, _, err = run(capsys, "import", str(tmp_path / "rasht.xlsx"), "--province", "gilan", "--content", str(content))
    assert code == 1
    assert "north-khorasan/offices/bojnurd.yaml:" in err and "office code 58101001 is used twice" in err
    assert snapshot(content) == before


def test_a_list_of_one_county_with_remove_missing_leaves_the_other_counties_alone(capsys, content, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["کد دفتر", "شهرستان"])
    sheet.append(["13101001", "رشت"])
    book.save(tmp_path / "one.xlsx")
    code, out, err = run(
        capsys,
        "import",
        str(tmp_path / "one.xlsx"),
        "--province",
        "gilan",
        "--content",
        str(content),
        "--remove-missing",
    )
    assert code == 0, err
    assert "(rasht): missing from the sheet, removed" in out and "(lahijan)" not in out
    assert "- code: " in (content / "provinces/gilan/offices/lahijan.yaml").read_text(encoding="utf-8")


def test_export_in_persian_names_the_file_as_it_is(capsys, content, tmp_path):
    code, _, err = run(
        capsys,
        "export",
        "--province",
        "gilan",
        str(tmp_path / "gilan2024.xlsx"),
        "--content",
        str(content),
        "--lang",
        "fa",
    )
    assert code == 0 and str(tmp_path / "gilan2024.xlsx") in err and "۷۷" in err


def test_a_date_problem_in_persian_has_persian_digits_and_the_file_name_as_it_is(capsys, content, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "رشت"
    sheet.append(["کد دفتر", "نوع دفتر", "وضعیت", "تاریخ صدور"])
    sheet.append(["13101002", "شهری", "فعال", "1370/01/01"])
    book.save(tmp_path / "list2024.xlsx")

    code, _, err = run(
        capsys,
        "import",
        str(tmp_path / "list2024.xlsx"),
        "--province",
        "gilan",
        "--content",
        str(content),
        "--lang",
        "fa",
    )

    assert code == 1
    place, message = next(line for line in err.splitlines() if "license.issued" in line).split(": خطا: ")
    assert place.endswith("list2024.xlsx:رشت!D2")  # the place as it is, for the editor to find
    assert message == "license.issued: تاریخ ۱۳۷۰/۰۱/۰۱ درست نیست: تاریخ پروانه میان ۱۳۸۰ و ۱۴۲۵ است"
    assert err.splitlines()[-1] == "ورود انجام نشد: ۱ خطا در برگه؛ چیزی نوشته نشد"


def test_a_utf8_csv_file_with_a_bad_byte_says_where_it_is(capsys, content, tmp_path):
    source = (FIXTURES / "rasht-utf8.csv").read_bytes()
    assert source.count("هادی شفیعی".encode()) == 1
    (tmp_path / "bad.csv").write_bytes(
        source.replace("هادی شفیعی".encode(), "هادی شف".encode() + b"\xe9" + "عی".encode())
    )
    before = snapshot(content)

    code, _, err = run(capsys, "import", str(tmp_path / "bad.csv"), "--province", "gilan", "--content", str(content))

    assert code == 1
    assert "bad.csv:2:11: error: this cell holds the byte 0xE9, which is not UTF-8 as the rest of the file is" in err
    assert "no header row" not in err
    assert snapshot(content) == before


def test_a_file_that_is_no_workbook_cannot_be_read(capsys, content, tmp_path):
    (tmp_path / "list.xlsx").write_text("کد دفتر,نوع دفتر\n", encoding="utf-8")  # a CSV file named .xlsx
    code, _, err = run(capsys, "import", str(tmp_path / "list.xlsx"), "--province", "gilan", "--content", str(content))
    assert code == 1
    assert f"{tmp_path / 'list.xlsx'}: error: cannot read the spreadsheet: File is not a zip file" in err
