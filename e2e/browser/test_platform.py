"""Browser test of the Hotline web application against a real server.

Starts `hotline serve` (HOTLINE_BIN, default .build/debug/hotline) on a free
port with a fresh data directory, drives Debian's Chromium through the
platform pages and saves screenshots under test-output/.
"""
import os
import pathlib
import re
import signal
import socket
import subprocess
import tempfile
import threading

import pytest
from playwright.sync_api import expect, sync_playwright

from ui import Api, assert_no_sideways_scroll, login, screenshot

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "test-output"
ADMIN_PASSWORD = "Admin-Pass-123"
AGENT_TEMP_PASSWORD = "Temp-Pass-123"
AGENT_NEW_PASSWORD = "Agent1-New-Pass!"

# A small landscape logo (SVG, sent with its own Content-Type).
LOGO_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" width="240" height="64" viewBox="0 0 240 64">
<rect x="4" y="8" width="48" height="48" rx="12" fill="#e8590c"/>
<path d="M18 20h8v10h8V20h8v26h-8V36h-8v10h-8z" fill="#fff"/>
<text x="64" y="44" font-family="Liberation Sans, Arial, sans-serif" font-size="30" font-weight="700" fill="#1f2937">Acme CC</text>
</svg>"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    binary = os.environ.get("HOTLINE_BIN", str(ROOT / ".build/debug/hotline"))
    if not os.path.exists(binary):
        pytest.fail(f"hotline binary not found at {binary} (set HOTLINE_BIN)")
    OUT.mkdir(exist_ok=True)
    data = tempfile.mkdtemp(prefix="hotline-browser-")
    port = free_port()
    log = open(OUT / "server.log", "w")
    proc = subprocess.Popen(
        [binary, "serve", "--data", data, "--http", f"127.0.0.1:{port}",
         "--sip", "127.0.0.1:0", "--admin-password", ADMIN_PASSWORD],
        stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1,
    )
    ready = threading.Event()
    address = {}

    def pump():
        # Keep draining stdout so the server never blocks on a full pipe.
        for line in proc.stdout:
            log.write(line)
            log.flush()
            if line.startswith("ready ") and not ready.is_set():
                m = re.search(r"\bhttp=(\S+)", line)
                if m:
                    address["http"] = m.group(1)
                ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(90) or "http" not in address:
        proc.kill()
        pytest.fail("server did not print a `ready http=…` line; see test-output/server.log")
    base = f"http://{address['http']}"
    # A user is bound only to an extension that exists: agent1 gets 8001.
    Api(base, "admin", ADMIN_PASSWORD).call("POST", "/api/v1/extensions", {"number": "8001", "name": "张三"})
    yield {"base": base, "proc": proc}
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    log.close()


def shot(page, name, keep_toasts=False):
    screenshot(page, f"{name}", keep_toasts)




def dialog(page, testid):
    d = page.get_by_test_id(testid)
    expect(d).to_be_visible()
    return d


def dept_node(page, name):
    return page.locator(f'[data-testid="dept-node"][data-name="{name}"]')


def add_department(page, parent, name):
    if parent is None:
        page.get_by_test_id("dept-add-root").click()
    else:
        dept_node(page, parent).get_by_test_id("dept-add-child").click()
    d = dialog(page, "dept-dialog")
    d.get_by_test_id("dept-name").fill(name)
    d.get_by_test_id("dept-name").press("Enter")  # Enter submits the form
    expect(d).to_have_count(0)
    expect(dept_node(page, name)).to_be_visible()


def table_column(page, table, col):
    rows = page.locator(f'[data-testid="{table}"] [data-testid="row"] td[data-col="{col}"]')
    return [t.strip() for t in rows.all_inner_texts()]


def test_platform_ui(server):
    base = server["base"]
    errors = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_default_timeout(15000)

        # (1) admin signs in through the login page (a wrong password first).
        page.goto(base + "/")
        expect(page.get_by_test_id("login-page")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        shot(page, "login")
        login(page, "admin", "wrong-password")
        expect(page.get_by_test_id("login-error")).to_contain_text("用户名或密码错误")
        shot(page, "login-error")
        login(page, "admin", ADMIN_PASSWORD)
        expect(page.get_by_test_id("layout")).to_be_visible()
        expect(page.get_by_test_id("welcome")).to_be_visible()
        expect(page.get_by_test_id("current-user")).to_be_visible()
        expect(page.get_by_test_id("version")).not_to_be_empty()
        for nav in ["org.departments", "org.roles", "org.users", "org.logo", "settings.password",
                    "settings.customerFields", "settings.followUpStatuses", "system.audit"]:
            expect(page.get_by_test_id(f"nav-{nav}")).to_be_visible()
        shot(page, "home")
        assert_no_sideways_scroll(page, "home")

        # (2) department tree 总部 → 销售部 → 一组
        page.get_by_test_id("nav-org.departments").click()
        expect(page.get_by_test_id("dept-tree")).to_be_visible()
        add_department(page, None, "总部")
        add_department(page, "总部", "销售部")
        add_department(page, "销售部", "一组")
        # an empty department can be deleted after a confirmation naming it
        add_department(page, "销售部", "二组")
        dept_node(page, "二组").get_by_test_id("dept-delete").click()
        expect(page.get_by_test_id("confirm-dialog")).to_contain_text("二组")
        page.get_by_test_id("confirm-ok").click()
        expect(dept_node(page, "二组")).to_have_count(0)
        # a non-empty department cannot be deleted: the server's 409 is explained
        dept_node(page, "总部").get_by_test_id("dept-delete").first.click()
        expect(page.get_by_test_id("confirm-dialog")).to_contain_text("总部")
        page.get_by_test_id("confirm-ok").click()
        expect(page.get_by_test_id("toast-error")).to_contain_text("总部")
        shot(page, "departments-not-empty", keep_toasts=True)
        expect(dept_node(page, "总部")).to_be_visible()
        # the move dialog offers no cycle: the department itself and its descendants are disabled
        dept_node(page, "总部").get_by_test_id("dept-move").first.click()
        d = dialog(page, "dept-dialog")
        disabled = d.locator('[data-testid="dept-parent"] option[disabled]').all_inner_texts()
        assert any("一组" in t for t in disabled) and any("总部" in t for t in disabled)
        page.keyboard.press("Escape")  # Esc closes dialogs
        expect(page.get_by_test_id("dept-dialog")).to_have_count(0)
        shot(page, "departments")
        assert_no_sideways_scroll(page, "departments")

        # (3) role 组长 with department scope and two permissions
        page.get_by_test_id("nav-org.roles").click()
        page.get_by_test_id("role-create").click()
        d = dialog(page, "role-dialog")
        d.get_by_test_id("role-name").fill("组长")
        d.get_by_test_id("role-scope").select_option("department")
        d.get_by_test_id("perm-org.users.view").check()
        d.get_by_test_id("perm-org.departments.view").check()
        shot(page, "role-form")
        d.get_by_test_id("form-submit").click()
        expect(page.get_by_test_id("role-dialog")).to_have_count(0)
        row = page.locator('[data-testid="roles-table"] [data-testid="row"]', has_text="组长")
        expect(row).to_be_visible()
        expect(row).to_contain_text("本部门及下级")
        shot(page, "roles")
        assert_no_sideways_scroll(page, "roles")

        # (4) user agent1 in 一组 with that role
        page.get_by_test_id("nav-org.users").click()
        expect(page.get_by_test_id("users-table")).to_be_visible()
        page.get_by_test_id("user-create").click()
        d = dialog(page, "user-dialog")
        d.get_by_test_id("user-username").fill("agent1")
        d.get_by_test_id("user-name").fill("张三")
        team = d.locator('[data-testid="user-department"] option', has_text="一组").get_attribute("value")
        d.get_by_test_id("user-department").select_option(team)
        d.get_by_test_id("user-extension").fill("8001")
        d.get_by_test_id("user-roles").get_by_label("组长").check()
        d.get_by_test_id("user-password").fill(AGENT_TEMP_PASSWORD)
        shot(page, "user-form")
        d.get_by_test_id("form-submit").click()
        expect(page.get_by_test_id("user-dialog")).to_have_count(0)
        agent_password = AGENT_TEMP_PASSWORD
        temp = page.get_by_test_id("temp-password-dialog")
        if temp.count():  # the server generated one instead of taking ours
            agent_password = temp.get_by_test_id("temp-password").input_value()
            page.get_by_test_id("alert-ok").click()
        row = page.locator('[data-testid="users-table"] [data-testid="row"]', has_text="agent1")
        expect(row).to_be_visible()
        expect(row).to_contain_text("一组")
        expect(row).to_contain_text("组长")
        expect(row.get_by_test_id("must-change")).to_be_visible()
        admin_row = page.locator('[data-testid="users-table"] [data-testid="row"]', has_text="admin")
        expect(admin_row.get_by_test_id("user-delete")).to_have_count(0)  # admin cannot be deleted
        expect(row.get_by_test_id("user-delete")).to_have_count(1)
        # a taken username comes back from the server and is shown at the field
        page.get_by_test_id("user-create").click()
        d = dialog(page, "user-dialog")
        d.get_by_test_id("user-username").fill("agent1")
        d.get_by_test_id("user-name").fill("李四")
        d.get_by_test_id("form-submit").click()
        expect(d.locator('[data-field="username"] .form-error')).not_to_be_empty()
        shot(page, "user-form-conflict")
        d.get_by_test_id("form-cancel").click()
        expect(page.get_by_test_id("user-dialog")).to_have_count(0)
        # sorting by a column
        page.get_by_test_id("sort-username").click()
        expect(page.locator('[data-testid="users-table"] th[aria-sort="ascending"]')).to_have_count(1)
        expect(page.locator('[data-testid="users-table"] [data-testid="row"]')).to_have_count(2)
        shot(page, "main-layout")
        shot(page, "users")
        assert_no_sideways_scroll(page, "users")

        # other admin pages: customer fields, follow-up statuses, logo, password, audit
        page.get_by_test_id("nav-settings.customerFields").click()
        expect(page.get_by_test_id("empty-state")).to_be_visible()
        page.get_by_test_id("field-create").click()
        d = dialog(page, "field-dialog")
        d.get_by_test_id("field-key").fill("level")
        d.get_by_test_id("field-label").fill("意向等级")
        d.get_by_test_id("field-type").select_option("single")
        d.get_by_test_id("form-submit").click()  # options missing: client-side validation
        expect(d.locator('[data-field="options"] .form-error')).not_to_be_empty()
        d.get_by_test_id("field-options").fill("A 类\nB 类\nC 类")
        d.get_by_test_id("field-searchable").check()
        shot(page, "customer-field-form")
        d.get_by_test_id("form-submit").click()
        expect(page.get_by_test_id("field-dialog")).to_have_count(0)
        expect(page.locator('[data-testid="fields-table"] [data-testid="row"]', has_text="意向等级")).to_be_visible()
        shot(page, "customer-fields")
        assert_no_sideways_scroll(page, "customer fields")

        page.get_by_test_id("nav-settings.followUpStatuses").click()
        for name, color in [("有意向", "#389e0d"), ("待回访", "#d46b08")]:
            page.get_by_test_id("status-create").click()
            d = dialog(page, "status-dialog")
            d.get_by_test_id("status-name").fill(name)
            d.get_by_test_id("status-color-text").fill(color)
            d.get_by_test_id("form-submit").click()
            expect(page.get_by_test_id("status-dialog")).to_have_count(0)
        expect(page.locator('[data-testid="statuses-table"] [data-testid="row"]')).to_have_count(2)
        shot(page, "follow-up-statuses")

        page.get_by_test_id("nav-org.logo").click()
        expect(page.get_by_test_id("logo-card")).to_be_visible()
        page.get_by_test_id("logo-file").set_input_files(files=[{"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": LOGO_SVG}])
        expect(page.get_by_test_id("brand-logo")).to_be_visible()
        expect(page.get_by_test_id("logo-image")).to_be_visible()
        shot(page, "logo")
        page.get_by_test_id("logo-remove").click()
        page.get_by_test_id("confirm-ok").click()
        expect(page.get_by_test_id("brand-name")).to_have_text("Hotline")

        page.get_by_test_id("nav-settings.password").click()
        expect(page.get_by_test_id("password-form")).to_be_visible()
        shot(page, "password")

        page.get_by_test_id("nav-system.audit").click()
        expect(page.locator('[data-testid="audit-table"] [data-testid="row"]').first).to_be_visible()
        shot(page, "audit-log")
        assert_no_sideways_scroll(page, "audit log")

        # (5) language switch zh-CN ↔ en
        page.get_by_test_id("nav-org.users").click()
        expect(page.get_by_test_id("nav-org.users")).to_have_text("用户管理")
        page.get_by_test_id("lang-switch").select_option("en")
        expect(page.get_by_test_id("nav-org.users")).to_have_text("Users")
        expect(page.get_by_test_id("nav-group-org")).to_contain_text("Organization")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator('[data-testid="users-table"] [data-testid="row"]', has_text="agent1")).to_be_visible()
        shot(page, "main-layout-en")
        assert_no_sideways_scroll(page, "users (en)")
        page.get_by_test_id("lang-switch").select_option("zh-CN")
        expect(page.get_by_test_id("nav-org.users")).to_have_text("用户管理")

        # (7) log out; agent1 signs in, must change the password first
        page.get_by_test_id("user-menu").click()
        page.get_by_test_id("menu-logout").click()
        login(page, "agent1", agent_password)
        expect(page.get_by_test_id("forced-password-page")).to_be_visible()
        expect(page.get_by_test_id("layout")).to_have_count(0)
        page.goto(base + "/#/org/users")  # nothing else is reachable
        expect(page.get_by_test_id("forced-password-page")).to_be_visible()
        page.get_by_test_id("pw-current").fill(agent_password)
        page.get_by_test_id("pw-new").fill(AGENT_NEW_PASSWORD)
        page.get_by_test_id("pw-confirm").fill("something-else")
        page.get_by_test_id("pw-submit").click()
        expect(page.locator('[data-field="confirm"] .form-error')).not_to_be_empty()
        page.get_by_test_id("pw-confirm").fill(AGENT_NEW_PASSWORD)
        shot(page, "forced-password")
        page.get_by_test_id("pw-submit").click()
        expect(page.get_by_test_id("layout")).to_be_visible()

        nav = page.get_by_test_id("nav")
        expect(page.get_by_test_id("nav-org.users")).to_have_text("用户管理")
        expect(page.get_by_test_id("nav-org.departments")).to_have_text("部门管理")
        expect(page.get_by_test_id("nav-settings.password")).to_be_visible()
        for hidden in ["org.roles", "org.logo", "settings.customerFields", "settings.followUpStatuses", "system.audit"]:
            expect(page.get_by_test_id(f"nav-{hidden}")).to_have_count(0)
        expect(page.get_by_test_id("nav-group-system")).to_have_count(0)
        org_items = page.get_by_test_id("nav-group-org").locator(".nav-item").all_inner_texts()
        assert [t.strip() for t in org_items] == ["部门管理", "用户管理"], org_items
        expect(nav).not_to_contain_text("角色管理")
        expect(nav).not_to_contain_text("审计日志")
        expect(page.get_by_test_id("home-scope")).to_have_text("本部门及下级")
        expect(page.get_by_test_id("home-department")).to_have_text("一组")
        shot(page, "agent-home")

        page.get_by_test_id("nav-org.users").click()
        expect(page.locator('[data-testid="users-table"] [data-testid="row"]').first).to_be_visible()
        names = table_column(page, "users-table", "username")
        assert names == ["agent1"], names
        expect(page.get_by_test_id("user-create")).to_have_count(0)  # no create permission
        expect(page.get_by_test_id("user-edit")).to_have_count(0)
        shot(page, "agent-users")

        page.get_by_test_id("nav-org.departments").click()
        expect(dept_node(page, "一组")).to_be_visible()
        expect(dept_node(page, "总部")).to_have_count(0)
        expect(page.get_by_test_id("dept-add-root")).to_have_count(0)
        shot(page, "agent-departments")

        page.goto(base + "/#/org/roles")  # a page outside the permissions
        expect(page.get_by_test_id("forbidden")).to_be_visible()

        browser.close()

    assert not errors, f"JavaScript errors: {errors}"
    proc = server["proc"]
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
