"""资料管理 against the real binary: imports of .xlsx and .csv with their
edge cases, data packages with per-row results, and .xlsx exports that
LibreOffice reads back to the same values."""
import csv
import io
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
import zipfile

import pytest

from conftest import Server

ADMIN_PASSWORD = "Admin-Pass-123"


@pytest.fixture(scope="module")
def app():
    srv = Server(args=["--admin-password", ADMIN_PASSWORD])
    base = srv.wait_ready()
    api = Api(base)
    api.call("POST", "/api/v1/customer-fields", {"key": "company", "label": "公司", "type": "text", "searchable": True})
    api.call("POST", "/api/v1/customer-fields", {"key": "birthday", "label": "生日", "type": "date"})
    api.call("POST", "/api/v1/customer-fields", {"key": "budget", "label": "预算", "type": "number"})
    api.call("POST", "/api/v1/blacklist", {"pattern": "400*"})
    yield api
    srv.stop()


class Api:
    def __init__(self, base):
        self.base = base
        self.token = None
        self.token = self.call("POST", "/api/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD})["token"]

    def request(self, method, path, data=None, headers=None):
        req = urllib.request.Request(self.base + path, method=method, data=data, headers=headers or {})
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=60) as res:
                return res.status, res.headers, res.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers, err.read()

    def call(self, method, path, body=None):
        status, _, raw = self.request(method, path, None if body is None else json.dumps(body).encode(), {"Content-Type": "application/json"})
        assert status < 400, (method, path, status, raw)
        return json.loads(raw) if raw else None

    def upload(self, name, content, dedupe=False):
        boundary = "----hotline" + uuid.uuid4().hex
        parts = [
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"dedupe\"\r\n\r\n{'true' if dedupe else 'false'}\r\n".encode(),
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
            + content + b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
        status, _, raw = self.request("POST", "/api/v1/customers/import", b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        return status, json.loads(raw)

    def finished(self, package):
        for _ in range(600):
            if package["status"] != "running":
                return package
            time.sleep(0.1)
            package = self.call("GET", f"/api/v1/data-packages/{package['id']}")
        raise AssertionError(f"import still running: {package}")

    def rows(self, package_id):
        return self.call("GET", f"/api/v1/data-packages/{package_id}/rows?pageSize=500")["items"]


def sheet_xml(rows):
    """Minimal SpreadsheetML; a cell is text, a number, or ("f", formula, cached)."""
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, row in enumerate(rows, start=1):
        out.append(f'<row r="{r}">')
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if value is None:
                continue
            if isinstance(value, tuple):
                out.append(f'<c r="{ref}"><f>{value[1]}</f><v>{value[2]}</v></c>')
            elif isinstance(value, (int, float)):
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                text = value.replace("&", "&amp;").replace("<", "&lt;")
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def xlsx(rows):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml(rows))
    return buffer.getvalue()


def test_an_xlsx_import_reports_every_row_and_keeps_the_good_ones(app):
    rows = [
        ["姓名", "电话", "公司", "生日", "预算", "Unknown column"],
        ["张三", "13800138000", "华为", 45000, ("f", "1000*2", 2000), "ignored"],
        ["李四", "+86 139-0013-9000", "小米", "2024-02-29", 1.5, None],
        ["王五", "400-800-1234", "推销公司", None, None, None],
        ["赵六", "13800138000", "重复", None, None, None],
        ["", "13700000000", None, None, None, None],
        ["孙七", "13600000000", None, "2023-02-30", None, None],
        ["周八", "not a phone", None, None, None, None],
    ]
    status, package = app.upload("客户.xlsx", xlsx(rows), dedupe=True)
    assert status == 201, package
    package = app.finished(package)
    assert package["status"] == "done", package
    assert (package["total"], package["imported"], package["duplicates"], package["blacklisted"], package["invalid"]) == (7, 2, 1, 1, 3)
    by_row = {r["row"]: r for r in app.rows(package["id"])}
    assert by_row[2]["result"] == "imported" and by_row[3]["result"] == "imported"
    assert by_row[4]["result"] == "blacklisted"
    assert by_row[5]["result"] == "duplicate" and "earlier in the file" in by_row[5]["reason"]
    assert by_row[6]["result"] == "invalid" and "name" in by_row[6]["reason"]
    assert by_row[7]["result"] == "invalid" and "生日" in by_row[7]["reason"]
    assert by_row[8]["result"] == "invalid"
    # Each reason also comes as a catalogue code with its values, for the UI's language.
    assert (by_row[4]["reasonCode"], by_row[4]["reasonArgs"]) == ("blacklisted", {"number": "4008001234"}), by_row[4]
    assert (by_row[5]["reasonCode"], by_row[5]["reasonArgs"]) == ("earlierInFile", {"number": "13800138000"}), by_row[5]
    assert (by_row[6]["reasonCode"], by_row[6]["reasonArgs"]) == ("empty", {"field": "name"}), by_row[6]
    assert (by_row[7]["reasonCode"], by_row[7]["reasonArgs"]) == ("notDate", {"field": "生日"}), by_row[7]
    assert (by_row[8]["reasonCode"], by_row[8]["reasonArgs"]) == ("notPhoneNumber", {"value": "not a phone"}), by_row[8]
    assert by_row[2]["reasonCode"] is None and by_row[2]["reasonArgs"] is None
    zhang = app.call("GET", f"/api/v1/customers/{by_row[2]['customerId']}")
    # Excel's serial day 45000 is 2023-03-15; a formula cell imports its cached value.
    assert zhang["fields"] == {"company": "华为", "birthday": "2023-03-15", "budget": 2000}
    # Importing the same file again with de-duplication finds every number taken.
    again = app.finished(app.upload("客户.xlsx", xlsx(rows[:3]), dedupe=True)[1])
    assert again["duplicates"] == 2 and again["imported"] == 0


def test_a_gbk_csv_imports_and_a_utf8_one_with_a_bom_too(app):
    gbk = "姓名,电话,公司\r\n钱九,13500000001,\"北京,朝阳\"\r\n吴十,13500000002,\"多行\n备注\"\r\n".encode("gbk")
    package = app.finished(app.upload("gbk.csv", gbk)[1])
    assert (package["status"], package["imported"]) == ("done", 2), package
    found = app.call("GET", "/api/v1/customers?phone=13500000001")["items"]
    assert found[0]["name"] == "钱九" and found[0]["fields"]["company"] == "北京,朝阳"
    bom = "\ufeff姓名,电话\n郑十一,13500000003\n".encode("utf-8")
    assert app.finished(app.upload("bom.csv", bom)[1])["imported"] == 1


@pytest.mark.parametrize("name,content,message", [
    ("empty.csv", b"\r\n", "no rows"),
    ("headers.csv", "foo,bar\n1,2\n".encode(), "姓名"),
    ("fake.xlsx", b"this is not a zip file at all", "zip"),
])
def test_a_broken_file_fails_its_package_with_the_reason(app, name, content, message):
    status, package = app.upload(name, content)
    assert status == 201
    package = app.finished(package)
    assert package["status"] == "failed" and message in package["message"], package
    assert package["imported"] == 0


def test_an_oversized_cell_stops_the_import_at_its_row_and_keeps_earlier_rows(app):
    lines = ["姓名,电话"] + [f"批量{i},1330000{i:04d}" for i in range(600)] + ["巨大," + "9" * 1_000_000]
    package = app.finished(app.upload("huge-cell.csv", "\n".join(lines).encode())[1])
    assert package["status"] == "failed", package
    assert "602" in package["message"], package
    assert package["imported"] == 600, "every row before the bad one landed"


def test_uploads_without_a_file_are_refused(app):
    status, body = app.upload("x.csv", b"")
    assert status == 400 and body["error"]["field"] == "file"


def test_the_template_and_an_export_read_back_through_libreoffice(app, tmp_path):
    status, headers, raw = app.request("GET", "/api/v1/customers/template.xlsx")
    assert status == 200 and headers["Content-Type"].startswith("application/vnd.openxmlformats")
    template = tmp_path / "template.xlsx"
    template.write_bytes(raw)
    assert zipfile.is_zipfile(template)

    app.call("POST", "/api/v1/customers", {"name": "导出<&>\"测试\"", "phone": "13100000001", "fields": {"company": "A&B 公司", "birthday": "1999-12-31", "budget": 12.5}})
    status, _, raw = app.request("GET", "/api/v1/customers/export.xlsx?q=13100000001")
    assert status == 200
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(raw)
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    assert soffice, "LibreOffice is installed by scripts/install-test-deps.sh"
    subprocess.run([soffice, "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(exported)],
                   check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
    with open(tmp_path / "export.csv", encoding="utf-8") as f:
        table = list(csv.reader(f))
    header, row = table[0], table[1]
    assert header[:6] == ["姓名", "电话", "其他电话", "公司", "生日", "预算"]
    assert row[:6] == ["导出<&>\"测试\"", "13100000001", "", "A&B 公司", "1999-12-31", "12.5"]
    assert len(table) == 2


def test_marked_numbers_export_as_xlsx(app):
    status, headers, raw = app.request("GET", "/api/v1/marked-customers/export.xlsx?q=138")
    assert status == 200 and raw[:2] == b"PK"
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "号码" in sheet and "标记时间" in sheet


def test_a_backup_holds_customers_transfers_follow_ups_and_appointments(app):
    customer = app.call("POST", "/api/v1/customers", {"name": "备份客户", "phone": "13100000077"})
    app.call("POST", "/api/v1/customers/transfer", {"ids": [customer["id"]], "toUserId": None})
    app.call("POST", "/api/v1/follow-ups", {"customerId": customer["id"], "content": "备份跟进内容"})
    app.call("POST", "/api/v1/appointments", {"customerId": customer["id"], "at": "2031-01-01T00:00:00Z", "note": "备份预约"})
    status, headers, raw = app.request("GET", "/api/v1/customers/backup.zip")
    assert status == 200 and headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(raw)) as bundle:
        assert sorted(bundle.namelist()) == ["appointments.xlsx", "customers.xlsx", "follow-ups.xlsx", "transfers.xlsx"]
        sheets = {}
        for name in bundle.namelist():
            with zipfile.ZipFile(io.BytesIO(bundle.read(name))) as book:
                sheets[name] = book.read("xl/worksheets/sheet1.xml").decode()
    assert "备份客户" in sheets["customers.xlsx"]
    assert "备份跟进内容" in sheets["follow-ups.xlsx"]
    assert "备份预约" in sheets["appointments.xlsx"]
    # The move to the public pool is in the transfer history (转移明细).
    assert "公共池" in sheets["transfers.xlsx"] and f">{customer['id']}<" in sheets["transfers.xlsx"]
