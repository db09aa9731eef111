"""Browser test of the 客户管理 (CRM) pages against a real server.

Starts `hotline serve` (HOTLINE_BIN, default .build/debug/hotline; set
HOTLINE_PUBLIC_DIR to serve the web app from the source tree) with a fresh
data directory, drives Debian's Chromium and saves screenshots as
test-output/crm-*.png.

Scenario: the admin adds a searchable, listed text field on 客户字段配置,
creates a customer with a value for it, finds the customer by that field,
exports it, moves another customer to the public pool and claims it back,
records a follow-up and an overdue appointment (the reminder bell picks it
up), then imports a small .xlsx on 资料管理 and opens the data package's rows.
"""
import datetime
import json
import os
import re
import urllib.request
import zipfile
from xml.sax.saxutils import escape

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import OUT, Server, hotline_binary
from ui import Api, assert_no_sideways_scroll, login, screenshot

ADMIN_PASSWORD = "Admin-Pass-123"

CRM_MENU = ["客户列表", "公共池资料", "跟进记录", "预约登记", "标记客户", "黑名单", "资料管理"]


@pytest.fixture(scope="module")
def server():
    if not os.path.exists(hotline_binary()):
        pytest.fail(f"hotline binary not found at {hotline_binary()} (set HOTLINE_BIN)")
    srv = Server(args=["--admin-password", ADMIN_PASSWORD])
    base = srv.wait_ready()
    yield {"base": base, "server": srv}
    if srv.proc.poll() is None:
        srv.stop()


def xlsx(rows):
    """A minimal .xlsx (SpreadsheetML) with one sheet of inline strings."""
    def col(i):
        name = ""
        i += 1
        while i:
            i, r = divmod(i - 1, 26)
            name = chr(65 + r) + name
        return name

    sheet_rows = []
    for r, values in enumerate(rows, start=1):
        cells = "".join(f'<c r="{col(c)}{r}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>' for c, v in enumerate(values))
        sheet_rows.append(f'<row r="{r}">{cells}</row>')
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '</Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '</Relationships>'),
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + "".join(sheet_rows) + '</sheetData></worksheet>'),
    }
    path = OUT / "crm-import.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return path


def shot(page, name, keep_toasts=False):
    screenshot(page, f"crm-{name}", keep_toasts)




def rows(page, table):
    return page.locator(f'[data-testid="{table}"] [data-testid="row"]')


def row(page, table, text):
    return rows(page, table).filter(has_text=text)


def column(page, table, col):
    cells = page.locator(f'[data-testid="{table}"] [data-testid="row"] td[data-col="{col}"]')
    return [t.strip() for t in cells.all_inner_texts()]


def test_crm_pages(server):  # noqa: C901 — one scenario, step by step
    base = server["base"]
    errors = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_default_timeout(15000)

        # (1) admin signs in; the 客户管理 group has every page, and the reminder bell is there
        page.goto(base + "/")
        login(page, "admin", ADMIN_PASSWORD)
        expect(page.get_by_test_id("layout")).to_be_visible()
        group = page.get_by_test_id("nav-group-crm")
        expect(group).to_contain_text("客户管理")
        items = [t.strip() for t in group.locator(".nav-item").all_inner_texts()]
        assert items == CRM_MENU, items
        expect(page.get_by_test_id("reminder-bell")).to_be_visible()
        expect(page.get_by_test_id("reminder-count")).to_be_hidden()

        # (2) 客户字段配置: a text field that is searchable and listed
        page.get_by_test_id("nav-settings.customerFields").click()
        page.get_by_test_id("field-create").click()
        d = page.get_by_test_id("field-dialog")
        d.get_by_test_id("field-key").fill("company")
        d.get_by_test_id("field-label").fill("公司")
        d.get_by_test_id("field-type").select_option("text")
        d.get_by_test_id("field-searchable").check()
        d.get_by_test_id("field-listed").check()
        d.get_by_test_id("form-submit").click()
        expect(page.get_by_test_id("field-dialog")).to_have_count(0)
        expect(row(page, "fields-table", "company")).to_contain_text("公司")

        # (3) 客户列表: empty; the search form and the columns come from the configuration
        page.get_by_test_id("nav-crm.customers").click()
        expect(page.get_by_test_id("breadcrumb")).to_contain_text("客户管理")
        expect(page.get_by_test_id("customers-table")).to_be_visible()
        expect(page.get_by_test_id("empty-state")).to_contain_text("还没有客户")
        expect(page.get_by_test_id("search-f.company")).to_be_visible()
        expect(page.locator('[data-testid="customers-table"] thead')).to_contain_text("公司")
        shot(page, "customers-empty")

        # (4) a customer with a value for the field; the form validates first
        page.get_by_test_id("customer-create").click()
        d = page.get_by_test_id("customer-dialog")
        expect(d.get_by_test_id("fields-section")).to_contain_text("客户资料")
        d.get_by_test_id("form-submit").click()
        expect(d.locator('[data-field="name"] .form-error')).not_to_be_empty()
        expect(d.locator('[data-field="phone"] .form-error')).not_to_be_empty()
        d.get_by_test_id("customer-name").fill("张三")
        d.get_by_test_id("customer-phone").fill("13800138000")
        d.get_by_test_id("customer-phones-add").click()
        d.get_by_test_id("customer-phones-input").fill("010-62345678")
        d.get_by_test_id("cf-company").fill("华为技术")
        shot(page, "customer-form")
        d.get_by_test_id("form-submit").click()
        expect(page.get_by_test_id("customer-dialog")).to_have_count(0)
        expect(rows(page, "customers-table")).to_have_count(1)

        admin = Api(base, "admin", ADMIN_PASSWORD)
        admin.call("POST", "/api/v1/customers", {"name": "李四", "phone": "13900139000", "fields": {"company": "腾讯"}})
        admin.call("POST", "/api/v1/customers", {"name": "王五", "phone": "021-55501234", "fields": {}})
        page.get_by_test_id("table-reload").click()
        expect(rows(page, "customers-table")).to_have_count(3)

        # (5) search by the configured field finds exactly that customer
        page.get_by_test_id("search-f.company").fill("华为")
        page.get_by_test_id("search-submit").click()
        expect(rows(page, "customers-table")).to_have_count(1)
        zhang = row(page, "customers-table", "张三")
        expect(zhang.locator('td[data-col="f.company"]')).to_have_text("华为技术")
        expect(zhang.locator('td[data-col="phone"]')).to_contain_text("13800138000")
        zhang.get_by_test_id("row-expand").click()
        detail = page.get_by_test_id("customer-detail")
        expect(detail).to_contain_text("010-62345678")
        expect(detail).to_contain_text("华为技术")
        shot(page, "customers-search")
        assert_no_sideways_scroll(page, "customers")

        # the keyword searches the field too; reset brings everyone back
        page.get_by_test_id("search-reset").click()
        expect(rows(page, "customers-table")).to_have_count(3)
        page.get_by_test_id("search-q").fill("腾讯")
        page.get_by_test_id("search-q").press("Enter")
        expect(rows(page, "customers-table")).to_have_count(1)
        expect(rows(page, "customers-table")).to_contain_text("李四")
        page.get_by_test_id("search-reset").click()
        expect(rows(page, "customers-table")).to_have_count(3)

        # (6) export the selected customer: a link with ids=, authenticated by the session cookie
        zhang.get_by_test_id("row-select").check()
        with page.expect_download() as dl:
            page.get_by_test_id("bulk-export").click()
        download = dl.value
        assert "/api/v1/customers/export.xlsx?ids=" in download.url, download.url
        saved = OUT / "crm-export.xlsx"
        download.save_as(str(saved))
        assert saved.read_bytes()[:2] == b"PK", "the export is not an .xlsx"
        page.get_by_test_id("bulk-bar").get_by_role("button", name="取消选择").click()

        # (7) 李四 goes to the public pool and is claimed back; the transfer history has both moves
        row(page, "customers-table", "李四").get_by_test_id("row-select").check()
        page.get_by_test_id("bulk-pool").click()
        confirm = page.get_by_test_id("confirm-dialog")
        expect(confirm).to_contain_text("李四")
        page.get_by_test_id("confirm-ok").click()
        expect(row(page, "customers-table", "李四").get_by_test_id("owner-pool")).to_be_visible()
        page.get_by_test_id("nav-crm.pool").click()
        expect(row(page, "pool-table", "李四")).to_be_visible()
        shot(page, "pool")
        assert_no_sideways_scroll(page, "pool")
        row(page, "pool-table", "李四").get_by_test_id("pool-claim").click()
        expect(page.get_by_test_id("toast-success")).to_contain_text("李四")
        expect(row(page, "pool-table", "李四")).to_have_count(0)
        page.get_by_test_id("nav-crm.customers").click()
        li = row(page, "customers-table", "李四")
        expect(li.get_by_test_id("owner")).to_be_visible()
        li.get_by_test_id("row-more").click()
        page.get_by_test_id("customer-transfers").click()
        transfers = page.get_by_test_id("transfers-table")
        expect(transfers.get_by_test_id("transfer")).to_have_count(2)
        expect(transfers).to_contain_text("公共池")
        shot(page, "transfers")
        page.get_by_test_id("alert-ok").click()

        # (8) a follow-up from the row, in the customer's drawer
        zhang = row(page, "customers-table", "张三")
        zhang.get_by_test_id("customer-follow-ups").click()
        drawer = page.get_by_test_id("follow-ups-drawer")
        expect(drawer.get_by_test_id("empty-state")).to_be_visible()
        drawer.get_by_test_id("follow-up-add").click()
        d = page.get_by_test_id("follow-up-dialog")
        expect(d.get_by_test_id("customer-picker")).to_have_value(re.compile("张三"))
        d.get_by_test_id("follow-up-content").fill("客户对方案感兴趣，需要报价单。")
        d.get_by_test_id("form-submit").click()
        expect(page.get_by_test_id("follow-up-dialog")).to_have_count(0)
        expect(drawer.get_by_test_id("follow-up")).to_have_count(1)
        shot(page, "follow-up-drawer")
        page.keyboard.press("Escape")
        expect(page.get_by_test_id("follow-ups-drawer")).to_have_count(0)

        # (9) an appointment that is already due: the list marks it overdue, the bell counts it
        zhang.get_by_test_id("customer-appointment").click()
        d = page.get_by_test_id("appointment-dialog")
        yesterday = (datetime.datetime.now() - datetime.timedelta(days=1)).replace(hour=10, minute=0)
        d.get_by_test_id("appointment-at").fill(yesterday.strftime("%Y-%m-%dT%H:%M"))
        d.get_by_test_id("appointment-note").fill("回访报价")
        d.get_by_test_id("form-submit").click()
        expect(page.get_by_test_id("appointment-dialog")).to_have_count(0)
        expect(page.get_by_test_id("reminder-count")).to_have_text("1")
        expect(page.get_by_test_id("toast-reminder").first).to_contain_text("张三")
        page.get_by_test_id("nav-crm.appointments").click()
        overdue = page.locator('[data-testid="appointments-table"] tr.row-overdue')
        expect(overdue).to_have_count(1)
        expect(overdue.get_by_test_id("appointment-state")).to_have_text("已逾期")
        shot(page, "appointments")
        assert_no_sideways_scroll(page, "appointments")
        overdue.get_by_test_id("appointment-done").click()
        expect(overdue).to_have_count(0)
        expect(page.get_by_test_id("reminder-count")).to_be_hidden()

        # (10) 资料管理: import a small .xlsx, de-duplicated by phone
        page.get_by_test_id("nav-crm.data").click()
        expect(page.get_by_test_id("import-template")).to_have_attribute("href", re.compile("/api/v1/customers/template.xlsx"))
        expect(page.get_by_test_id("packages-table").get_by_test_id("empty-state")).to_be_visible()
        expect(page.get_by_test_id("import-submit")).to_be_disabled()
        shot(page, "data-empty")
        path = xlsx([
            ["name", "phone"],
            ["赵六", "13700137000"],
            ["钱七", "13600136000"],
            ["张三", "+86 138-0013-8000"],  # the same number as 张三, written differently
        ])
        page.get_by_test_id("import-file").set_input_files(str(path))
        expect(page.get_by_test_id("import-file-name")).to_contain_text("crm-import.xlsx")
        expect(page.get_by_test_id("import-dedupe")).to_be_checked()
        page.get_by_test_id("import-submit").click()
        expect(page.get_by_test_id("import-result")).to_be_visible()
        package = rows(page, "packages-table")
        expect(package).to_have_count(1)
        expect(package.get_by_test_id("package-status")).to_have_text("已完成", timeout=30000)
        expect(package.locator('td[data-col="total"]')).to_have_text("3")
        expect(package.locator('td[data-col="imported"]')).to_have_text("2")
        expect(package.locator('td[data-col="duplicates"]')).to_have_text("1")
        expect(page.get_by_test_id("import-result")).to_contain_text("导入完成")
        shot(page, "data")
        assert_no_sideways_scroll(page, "data management")

        # (11) the package's rows: row numbers, results and the reason of the duplicate
        package.get_by_test_id("package-rows").click()
        d = page.get_by_test_id("package-dialog")
        expect(d).to_be_visible()
        lines = rows(page, "package-rows-table")
        expect(lines).to_have_count(3)
        assert column(page, "package-rows-table", "row") == ["2", "3", "4"], column(page, "package-rows-table", "row")
        dup = lines.filter(has=page.locator('td[data-col="row"]', has_text=re.compile(r"^\s*4\s*$")))
        expect(dup.get_by_test_id("row-result")).to_have_text("重复")
        # The reason reads in the interface language (the English text is its tooltip).
        expect(dup.get_by_test_id("row-reason")).to_have_text("号码 13800138000 已属于现有客户")
        expect(dup.get_by_test_id("row-reason")).to_have_attribute("title", "13800138000 belongs to an existing customer")
        expect(dup.locator('td[data-col="values"]')).to_contain_text("张三")
        shot(page, "package")
        d.get_by_test_id("search-result").select_option("duplicate")
        expect(lines).to_have_count(1)
        d.get_by_test_id("search-result").select_option("imported")
        expect(lines).to_have_count(2)
        shot(page, "package-imported")
        page.keyboard.press("Escape")
        expect(page.get_by_test_id("package-dialog")).to_have_count(0)

        # the imported customers are in the list; the duplicate is not
        page.get_by_test_id("nav-crm.customers").click()
        expect(rows(page, "customers-table")).to_have_count(5)
        page.get_by_test_id("search-q").fill("13800138000")
        page.get_by_test_id("search-submit").click()
        expect(rows(page, "customers-table")).to_have_count(1)

        # (12) the remaining pages open and say what to do when empty
        page.get_by_test_id("nav-crm.marked").click()
        expect(page.get_by_test_id("empty-state")).to_contain_text("*83")
        shot(page, "marked")
        page.get_by_test_id("nav-crm.blacklist").click()
        page.get_by_test_id("blacklist-create").click()
        d = page.get_by_test_id("blacklist-dialog")
        d.get_by_test_id("blacklist-pattern").fill("0755*")
        d.get_by_test_id("blacklist-note").fill("骚扰号段")
        d.get_by_test_id("form-submit").click()
        expect(row(page, "blacklist-table", "0755*")).to_contain_text("号段")
        shot(page, "blacklist")
        page.get_by_test_id("nav-crm.followUps").click()
        expect(rows(page, "follow-ups-table")).to_have_count(1)
        shot(page, "follow-ups")

        # (13) English
        page.get_by_test_id("lang-switch").select_option("en")
        expect(page.get_by_test_id("nav-crm.customers")).to_have_text("Customers")
        expect(page.get_by_test_id("nav-crm.data")).to_have_text("Data management")
        page.get_by_test_id("nav-crm.customers").click()
        expect(rows(page, "customers-table")).to_have_count(5)
        shot(page, "customers-en")
        assert_no_sideways_scroll(page, "customers (en)")
        page.get_by_test_id("lang-switch").select_option("zh-CN")

        browser.close()

    assert not errors, f"JavaScript errors: {errors}"
    assert server["server"].stop() == 0
