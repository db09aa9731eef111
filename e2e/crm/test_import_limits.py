"""Imports against files built to hurt: an .xlsx whose 1 MB of zip unpacks to
1 GiB of sheet XML used to be extracted to disk whole (a 64 MiB upload could
write ~65 GB). Now the sheet streams from the archive and inflation stops at
100× the compressed size; imports run one per user at a time.
"""
import io
import shutil
import subprocess
import threading
import time
import zipfile

import pytest

from conftest import Server
from test_import_export import ADMIN_PASSWORD, Api, sheet_xml, xlsx


@pytest.fixture(scope="module")
def app():
    srv = Server(args=["--admin-password", ADMIN_PASSWORD])
    api = Api(srv.wait_ready())
    yield api
    srv.stop()


def bomb(inflated_bytes):
    """A valid workbook whose sheet is one row followed by `inflated_bytes` of spaces."""
    base = io.BytesIO(xlsx([["姓名", "电话"], ["甲", "13800138000"]]))
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item.filename, source.read(item.filename))
        sheet = source.read("xl/worksheets/sheet1.xml").decode()
        head, tail = sheet.split("</sheetData>")
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(head.encode())
            chunk = b" " * (1 << 20)
            for _ in range(inflated_bytes >> 20):
                part.write(chunk)
            part.write(("</sheetData>" + tail).encode())
    return out.getvalue()


def used_bytes(path):
    return shutil.disk_usage(path).used


def test_an_xlsx_that_inflates_a_thousandfold_is_refused_without_filling_the_disk(app):
    content = bomb(1 << 30)
    assert len(content) < 2 << 20, len(content)
    tmp = "/tmp"
    before = used_bytes(tmp)
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], used_bytes(tmp))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    status, package = app.upload("bomb.xlsx", content)
    assert status == 201, package
    package = app.finished(package)
    done.set()
    sampler.join()
    assert package["status"] == "failed", package
    assert "times its size" in package["message"], package
    grew = peak[0] - before
    # The upload itself (~1 MB) is kept while it imports; the sheet never touches the disk.
    assert grew < 64 << 20, f"temporary disk grew by {grew >> 20} MiB during the import"


def test_one_import_per_user_at_a_time(app):
    rows = [["姓名", "电话"]] + [[f"客户{i}", f"139{i:08d}"] for i in range(120_000)]
    csv = "\n".join(",".join(row) for row in rows).encode()
    status, first = app.upload("big.csv", csv)
    assert status == 201, first
    assert first["status"] == "running", "the test needs an import still running; make the file bigger"
    status, second = app.upload("small.csv", "姓名,电话\n乙,13700137000\n".encode())
    assert status == 429, second
    assert second["error"]["code"] == "import_busy"
    finished = app.finished(first)
    assert finished["imported"] == 120_000, finished
    status, third = app.upload("small.csv", "姓名,电话\n乙,13700137000\n".encode())
    assert status == 201, third
