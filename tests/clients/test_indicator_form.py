"""The indicator form filled by a real spreadsheet client (openpyxl, as an office's Excel would save it):
`anttmap template` writes it, openpyxl fills and saves it, `anttmap record import` reads it back. A good
form is recorded and counted; a form with each kind of bad cell is refused with every cell named and
nothing written."""
import datetime
import json
import subprocess

import pytest

from conftest import anttmap_binary
from stores import plain_sql

openpyxl = pytest.importorskip("openpyxl")


def run(store, *args):
    return subprocess.run([anttmap_binary(), "--db", str(store), *args], capture_output=True, text=True)


def json_of(store, *args):
    done = run(store, "--json", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def store(stores, tmp_path):
    return stores.sample_copy(tmp_path / "store.sqlite")


def audit_rows(store):
    return plain_sql(store, "SELECT count(*) FROM audit_log")[0][0]


def form(store, tmp_path, year=2020):
    path = tmp_path / f"bieu-mau-{year}.xlsx"
    made = json_of(store, "template", "--year", str(year), "-o", str(path))
    assert made["sheets"] == 22  # the guide, 20 indicators, the models
    return path


def rows_by_code(sheet):
    return {row[0].value: row for row in sheet.iter_rows(min_row=2) if row[0].value}


def test_a_form_filled_in_a_spreadsheet_is_recorded_and_counted(store, tmp_path):
    path = form(store, tmp_path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Huong_dan" and book["Huong_dan"]["B2"].value == 2020
    sessions = book["propaganda_sessions"]
    assert sessions["A1"].value == "Mã đơn vị"
    assert sessions.data_validations.dataValidation, "the value column keeps its rule"
    communes = [code for code, row in rows_by_code(sessions).items() if row[2].value == "Xã, phường, thị trấn"][:3]
    assert len(communes) == 3
    before = {code: json_of(store, "record", "show", code, "--year", "2020") for code in communes}

    def old(code, indicator):
        for item in before[code]["indicators"]:
            if item["indicator"] == indicator:
                return item["value"]
        return None

    typed = {communes[0]: 11, communes[1]: 22, communes[2]: 33}
    for code, row in rows_by_code(sessions).items():
        if code in typed:
            row[4].value = typed[code]
    grade = book["movement_grade"]
    rows_by_code(grade)[communes[0]][4].value = "Trung bình"  # as chosen in the drop-down list
    pledge = book["pledge_share"]
    rows_by_code(pledge)[communes[1]][4].value = "85,5"  # typed as text, Vietnamese decimal comma
    models = book["mo_hinh_tu_quan"]
    new_row = models.max_row + 1
    models.cell(new_row, 1, communes[2])
    models.cell(new_row, 4, "Tổ hòa giải")
    models.cell(new_row, 5, "Tổ hòa giải thôn Mới — ỹ ữ ẵ ộ")
    models.cell(new_row, 6, datetime.date(2019, 3, 15)).number_format = "dd/mm/yyyy"
    models.cell(new_row, 7, "có")
    filled = tmp_path / "da-dien.xlsx"
    book.save(filled)

    stats_before = json_of(store, "stats", "--year", "2020")["province"]["totals"].get("propaganda_sessions", 0)
    result = json_of(store, "record", "import", str(filled), "--note", "Báo cáo số 5/BC")
    changed_sessions = [code for code in communes if old(code, "propaganda_sessions") != typed[code]]
    assert result["by_indicator"].get("propaganda_sessions", 0) == len(changed_sessions)
    assert result["models_added"] == 1 and result["model_years"] == 1
    assert result["problems"] == []

    after = json_of(store, "record", "show", communes[0], "--year", "2020")
    shown = {item["indicator"]: item for item in after["indicators"]}
    assert shown["propaganda_sessions"]["value"] == 11
    assert shown["movement_grade"]["value"] == "trung_binh"
    assert json_of(store, "record", "show", communes[1], "--year", "2020")["indicators"]
    pledge_after = {item["indicator"]: item for item in
                    json_of(store, "record", "show", communes[1], "--year", "2020")["indicators"]}
    assert pledge_after["pledge_share"]["value"] == 85.5
    # The province's sum moved by exactly what was typed over what was there.
    stats_after = json_of(store, "stats", "--year", "2020")["province"]["totals"]["propaganda_sessions"]
    assert stats_after - stats_before == sum(typed[code] - (old(code, "propaganda_sessions") or 0)
                                             for code in communes)
    # The new model is in the next year's form, founded on the day typed.
    next_form = openpyxl.load_workbook(form(store, tmp_path, 2021))["mo_hinh_tu_quan"]
    added = [row for row in next_form.iter_rows(min_row=2, values_only=True)
             if row[4] == "Tổ hòa giải thôn Mới — ỹ ữ ẵ ộ"]
    assert added and added[0][5] == "15/03/2019" and added[0][2] == communes[2] + "-MH01"


def test_bad_cells_are_each_named_and_nothing_is_written(store, tmp_path):
    path = form(store, tmp_path)
    book = openpyxl.load_workbook(path)
    materials = book["propaganda_materials"]
    materials["E1"] = "Số tờ rơi"  # a header changed
    participants = book["propaganda_participants"]
    participants["E2"] = "nhiều lắm"  # text in a number
    participants["A3"] = "99999"  # an unknown code
    participants["E3"] = 5
    sessions = book["propaganda_sessions"]
    sessions.merge_cells("B4:C4")
    sessions["E5"] = "=SUM(E6:E7)"
    models = book["mo_hinh_tu_quan"]
    row = models.max_row + 1
    models.cell(row, 1, rows_by_code(sessions).popitem()[0])
    models.cell(row, 4, "Tổ hòa giải")
    models.cell(row, 5, "Tổ mới")
    models.cell(row, 6, "30/02/2019")
    bad = tmp_path / "sai.xlsx"
    book.save(bad)

    audit_before = audit_rows(store)
    done = run(store, "--json", "record", "import", str(bad))
    assert done.returncode == 4, done.stderr
    places = {problem["place"]: problem["reason"] for problem in json.loads(done.stdout)["problems"]}
    expected = {
        "sheet 'propaganda_materials', row 1, column E (E1)": "header 'Số tờ rơi'",
        "sheet 'propaganda_participants', row 2, column E (E2)": "text in a number",
        "sheet 'propaganda_participants', row 3, column A (A3)": "unknown unit code '99999'",
        "sheet 'propaganda_sessions', row 4, column B (B4)": "merged cells B4:C4",
        "sheet 'propaganda_sessions', row 5, column E (E5)": "a formula (=SUM(E6:E7))",
        f"sheet 'mo_hinh_tu_quan', row {row}, column F (F{row})": "bad date '30/02/2019'",
    }
    for place, words in expected.items():
        assert place in places, (place, places)
        assert words in places[place], (place, places[place])
    assert len(places) == len(expected), places
    assert audit_rows(store) == audit_before, "nothing was written"
    text = run(store, "record", "import", str(bad))
    assert "nothing was recorded" in text.stderr and "(E5): a formula" in text.stderr
