"""Browser test of the PBX配置 pages (分机设置, SIP安全) against a real server.

Starts `hotline serve` (HOTLINE_BIN, default .build/debug/hotline; set
HOTLINE_PUBLIC_DIR to serve the web app from the source tree) with a fresh
data directory, drives Debian's Chromium and saves screenshots as
test-output/pbx-*.png.
"""
import hashlib
import json
import os
import re
import socket
import threading
import urllib.request
import uuid

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import OUT, Server, hotline_binary
from ui import Api, assert_no_sideways_scroll, login, screenshot

ADMIN_PASSWORD = "Admin-Pass-123"
VIEWER_TEMP_PASSWORD = "Temp-Pass-456"
VIEWER_NEW_PASSWORD = "Viewer-New-Pass-7!"
GOOD_SIP_PASSWORD = "Tr0ub4dor-Horse-9"


@pytest.fixture(scope="module")
def server():
    if not os.path.exists(hotline_binary()):
        pytest.fail(f"hotline binary not found at {hotline_binary()} (set HOTLINE_BIN)")
    srv = Server(args=["--admin-password", ADMIN_PASSWORD])
    base = srv.wait_ready()
    ready = next(line for line in srv.lines if line.startswith("ready "))
    sip = re.search(r"\bsip=(\S+)", ready).group(1)
    yield {"base": base, "sip": sip, "server": srv}
    if srv.proc.poll() is None:
        srv.stop()


class Phone:
    """A minimal SIP phone over UDP: REGISTER with digest authentication; answers OPTIONS probes."""

    def __init__(self, server, number, user_agent):
        host, port = server.rsplit(":", 1)
        self.server = (host.strip("[]"), int(port))
        self.number, self.user_agent = number, user_agent
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.local = self.sock.getsockname()
        self.call_id = uuid.uuid4().hex
        self.cseq = 0
        self.responses = []
        self.cond = threading.Condition()
        self.running = True
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
        while self.running:
            try:
                data, addr = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            text = data.decode(errors="replace")
            if text.startswith("SIP/2.0"):
                with self.cond:
                    self.responses.append(text)
                    self.cond.notify_all()
            elif text.startswith("OPTIONS"):  # the registrar's qualify probe
                keep = [line for line in text.split("\r\n") if re.match(r"(?i)^(via|from|to|call-id|cseq):", line)]
                self.sock.sendto(("SIP/2.0 200 OK\r\n" + "\r\n".join(keep) + "\r\nContent-Length: 0\r\n\r\n").encode(), addr)

    def _send(self, extra=""):
        self.cseq += 1
        (h, p), (sh, sp) = self.local, self.server
        msg = (f"REGISTER sip:{sh}:{sp} SIP/2.0\r\n"
               f"Via: SIP/2.0/UDP {h}:{p};branch=z9hG4bK{uuid.uuid4().hex[:16]};rport\r\n"
               "Max-Forwards: 70\r\n"
               f"From: <sip:{self.number}@{sh}>;tag={uuid.uuid4().hex[:8]}\r\n"
               f"To: <sip:{self.number}@{sh}>\r\n"
               f"Call-ID: {self.call_id}\r\n"
               f"CSeq: {self.cseq} REGISTER\r\n"
               f"Contact: <sip:{self.number}@{h}:{p};transport=udp>\r\n"
               f"Expires: 3600\r\nUser-Agent: {self.user_agent}\r\n{extra}Content-Length: 0\r\n\r\n")
        with self.cond:
            self.responses.clear()
        self.sock.sendto(msg.encode(), self.server)
        with self.cond:
            self.cond.wait_for(lambda: self.responses, timeout=5)
            return self.responses[0].split("\r\n")[0] if self.responses else "no answer"

    def register(self, password):
        """Returns the status line of the final answer."""
        first = self._send()
        if not first.startswith("SIP/2.0 401"):
            return first
        challenge = self._last_challenge()
        realm = re.search(r'realm="([^"]*)"', challenge).group(1)
        nonce = re.search(r'nonce="([^"]*)"', challenge).group(1)
        algorithm = re.search(r"algorithm=([\w-]+)", challenge).group(1)
        hf = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}[algorithm]
        H = lambda text: hf(text.encode()).hexdigest()  # noqa: E731
        uri = f"sip:{self.server[0]}:{self.server[1]}"
        cnonce, nc = uuid.uuid4().hex[:8], "00000001"
        ha1 = H(f"{self.number}:{realm}:{password}")
        response = H(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{H(f'REGISTER:{uri}')}")
        return self._send(f'Authorization: Digest username="{self.number}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
                          f'response="{response}", algorithm={algorithm}, qop=auth, nc={nc}, cnonce="{cnonce}"\r\n')

    def _last_challenge(self):
        with self.cond:
            text = self.responses[0] if self.responses else ""
        found = re.findall(r"(?im)^WWW-Authenticate:\s*Digest (.*)$", text)
        return found[0] if found else None

    def close(self):
        self.running = False
        self.sock.close()


def shot(page, name, keep_toasts=False):
    screenshot(page, f"pbx-{name}", keep_toasts)




def ext_row(page, number):
    return page.locator(f'[data-testid="extensions-table"] [data-testid="row"][data-key]',
                        has=page.locator('td[data-col="number"]', has_text=re.compile(rf"^\s*{number}\s*$")))


def field_error(dialog, name):
    return dialog.locator(f'[data-field="{name}"] .form-error')


def test_pbx_pages(server):  # noqa: C901 — one scenario, step by step
    base = server["base"]
    errors = []
    list_requests = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        ctx.clock.install()  # time flows normally; fast_forward() lets the 10 s refresh fire at once
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: list_requests.append(r.url) if "/api/v1/extensions?" in r.url else None)
        page.set_default_timeout(15000)

        # (1) admin signs in; the PBX配置 group has both pages
        page.goto(base + "/")
        login(page, "admin", ADMIN_PASSWORD)
        expect(page.get_by_test_id("layout")).to_be_visible()
        expect(page.get_by_test_id("nav-group-pbx")).to_contain_text("PBX配置")
        expect(page.get_by_test_id("nav-pbx.extensions")).to_have_text("分机设置")
        expect(page.get_by_test_id("nav-pbx.sipSecurity")).to_have_text("SIP安全")
        expect(page.get_by_test_id("tile-pbx.extensions")).to_be_visible()

        # (2) 分机设置: empty at first
        page.get_by_test_id("nav-pbx.extensions").click()
        expect(page.get_by_test_id("breadcrumb")).to_contain_text("PBX配置")
        expect(page.get_by_test_id("empty-state")).to_contain_text("还没有分机")
        shot(page, "extensions-empty")

        # (3) 1001 without a password: the generated secret is shown once
        page.get_by_test_id("ext-create").click()
        d = page.get_by_test_id("ext-dialog")
        expect(d).to_be_visible()
        expect(d.get_by_test_id("ext-password")).to_have_attribute("placeholder", re.compile("自动生成"))
        expect(d.get_by_test_id("ext-max-contacts")).to_have_value("3")
        expect(d.get_by_test_id("fwd-no-answer-seconds")).to_have_value("20")
        expect(d.get_by_test_id("forwarding-section")).to_contain_text("转移设置")
        d.get_by_test_id("ext-number").fill("1001")
        d.get_by_test_id("ext-name").fill("前台")
        d.get_by_test_id("ext-recording").check(force=True)
        shot(page, "extension-form")
        d.get_by_test_id("form-submit").click()
        expect(page.get_by_test_id("ext-dialog")).to_have_count(0)
        secret_dialog = page.get_by_test_id("sip-password-dialog")
        expect(secret_dialog).to_be_visible()
        expect(secret_dialog).to_contain_text("1001")
        expect(secret_dialog).to_contain_text("只显示这一次")
        expect(secret_dialog.get_by_test_id("copy-password")).to_be_visible()
        secret = secret_dialog.get_by_test_id("temp-password").input_value()
        assert re.fullmatch(r"[A-Za-z0-9]{20}", secret), secret
        shot(page, "sip-password")
        page.get_by_test_id("alert-ok").click()
        expect(page.get_by_test_id("sip-password-dialog")).to_have_count(0)
        expect(ext_row(page, "1001")).to_be_visible()

        # (4) 1002 with a weak password: field errors (client rule, then the server's), then a good one
        page.get_by_test_id("ext-create").click()
        d = page.get_by_test_id("ext-dialog")
        d.get_by_test_id("ext-number").fill("1002")
        d.get_by_test_id("ext-name").fill("销售一组")
        d.get_by_test_id("ext-caller-id").fill("02150001002")
        d.get_by_test_id("ext-password").fill("short")
        d.get_by_test_id("form-submit").click()
        expect(field_error(d, "password")).to_contain_text("10")
        d.get_by_test_id("ext-password").fill("abababababab")  # long enough, but the server finds it guessable
        d.get_by_test_id("form-submit").click()
        expect(field_error(d, "password")).to_contain_text("太容易被猜到")
        expect(d.get_by_test_id("form-error")).to_be_hidden()
        # the show/hide toggle reveals what was typed
        expect(d.get_by_test_id("ext-password")).to_have_attribute("type", "password")
        d.locator('[data-field="password"] .input-suffix-btn').click()
        expect(d.get_by_test_id("ext-password")).to_have_attribute("type", "text")
        shot(page, "extension-form-error")
        d.get_by_test_id("ext-password").fill(GOOD_SIP_PASSWORD)
        d.get_by_test_id("form-submit").click()
        expect(page.get_by_test_id("ext-dialog")).to_have_count(0)
        expect(page.get_by_test_id("sip-password-dialog")).to_have_count(0)  # a chosen password is not echoed
        expect(ext_row(page, "1002")).to_be_visible()

        # a taken number is reported at the number field
        page.get_by_test_id("ext-create").click()
        d = page.get_by_test_id("ext-dialog")
        d.get_by_test_id("ext-number").fill("1001")
        d.get_by_test_id("form-submit").click()
        expect(field_error(d, "number")).to_contain_text("已存在")
        page.keyboard.press("Escape")
        expect(page.get_by_test_id("ext-dialog")).to_have_count(0)

        # (5) edit 1002: name and busy forwarding; the number is fixed, the password is kept
        ext_row(page, "1002").get_by_test_id("ext-edit").click()
        d = page.get_by_test_id("ext-dialog")
        expect(d).to_contain_text("1002")
        expect(d.get_by_test_id("ext-number")).to_be_disabled()
        expect(d.get_by_test_id("ext-password")).to_have_attribute("placeholder", re.compile("保持当前密码"))
        expect(d.get_by_test_id("ext-name")).to_have_value("销售一组")
        d.get_by_test_id("ext-name").fill("销售二组")
        d.get_by_test_id("fwd-busy").fill("1001")
        d.get_by_test_id("fwd-no-answer-seconds").fill("400")  # out of range: shown at the field
        d.get_by_test_id("form-submit").click()
        expect(field_error(d, "forwarding.noAnswerSeconds")).not_to_be_empty()
        d.get_by_test_id("fwd-no-answer").fill("13800138000")
        d.get_by_test_id("fwd-no-answer-seconds").fill("25")
        shot(page, "extension-edit")
        d.get_by_test_id("form-submit").click()
        expect(page.get_by_test_id("ext-dialog")).to_have_count(0)
        row = ext_row(page, "1002")
        expect(row).to_contain_text("销售二组")
        expect(row).to_contain_text("02150001002")

        # both are offline; recording shows as a badge
        for number in ["1001", "1002"]:
            expect(ext_row(page, number).get_by_test_id("reg-state")).to_have_text("未注册")
        expect(ext_row(page, "1001").get_by_test_id("recording")).to_have_text("开启")
        expect(ext_row(page, "1002").get_by_test_id("recording")).to_have_text("关闭")

        # the row expands: no device registered, and the forwarding
        row.get_by_test_id("row-expand").click()
        detail = page.locator('[data-testid="extensions-table"] [data-testid="row-detail"][data-key]:visible')
        expect(detail).to_have_count(1)
        expect(detail.get_by_test_id("contacts-empty")).to_contain_text("1002")
        expect(detail.get_by_test_id("forwarding-summary")).to_contain_text("1001")
        expect(detail.get_by_test_id("forwarding-summary")).to_contain_text("13800138000（25 秒无人接听后）")
        shot(page, "extensions")
        assert_no_sideways_scroll(page, "extensions")

        # a phone registers 1002; the list picks it up on its 10 s refresh,
        # keeping the search, the page and the open row
        page.get_by_test_id("search-q").fill("销售")
        page.get_by_test_id("search-submit").click()
        expect(page.locator('[data-testid="extensions-table"] [data-testid="row"]')).to_have_count(1)
        expect(detail).to_have_count(1)
        phone = Phone(server["sip"], "1002", "Yealink SIP-T46S 66.86.0.15")
        assert phone.register(GOOD_SIP_PASSWORD).startswith("SIP/2.0 200"), "the phone could not register"
        before = len(list_requests)
        page.clock.fast_forward(10_500)
        for _ in range(50):
            if len(list_requests) > before:
                break
            page.wait_for_timeout(100)
        assert len(list_requests) > before, "no refresh after 10 s"
        assert "q=" in list_requests[-1] and "page=1" in list_requests[-1], list_requests[-1]
        row = ext_row(page, "1002")
        expect(row.get_by_test_id("reg-state")).to_have_text(re.compile(r"已注册\s*1"))
        expect(row.locator('td[data-col="devices"]')).to_contain_text("Yealink SIP-T46S")
        expect(row.locator('td[data-col="devices"]')).to_contain_text("127.0.0.1:")
        expect(page.locator('[data-testid="extensions-table"] [data-testid="row"]')).to_have_count(1)
        expect(detail).to_have_count(1)
        contact = detail.get_by_test_id("contact")
        expect(contact).to_have_count(1)
        expect(contact).to_contain_text("sip:1002@127.0.0.1")
        expect(contact).to_contain_text("UDP")
        expect(contact).to_contain_text("Yealink SIP-T46S 66.86.0.15")
        expect(contact).to_contain_text(re.compile(r"\d+分钟后"))  # expires in about an hour, said relatively
        expect(contact).to_contain_text("可达")
        shot(page, "extensions-registered")
        assert_no_sideways_scroll(page, "extensions (registered)")
        page.get_by_test_id("search-reset").click()
        expect(page.locator('[data-testid="extensions-table"] [data-testid="row"]')).to_have_count(2)

        # the server has what the form sent
        admin = Api(base, "admin", ADMIN_PASSWORD)
        items = {e["number"]: e for e in admin.call("GET", "/api/v1/extensions")["items"]}
        assert items["1002"]["forwarding"]["busy"] == "1001"
        assert items["1002"]["forwarding"]["noAnswerSeconds"] == 25
        assert items["1002"]["forwarding"]["noAnswer"] == "13800138000"
        assert items["1002"]["forwarding"]["unconditional"] is None
        assert items["1002"]["registered"] is True
        assert items["1001"]["recording"] is True and items["1001"]["maxContacts"] == 3
        assert "password" not in items["1001"]

        # English
        page.get_by_test_id("lang-switch").select_option("en")
        expect(page.get_by_test_id("nav-pbx.extensions")).to_have_text("Extensions")
        expect(ext_row(page, "1001").get_by_test_id("reg-state")).to_have_text("Offline")
        expect(ext_row(page, "1002").get_by_test_id("reg-state")).to_contain_text("Registered")
        shot(page, "extensions-en")
        assert_no_sideways_scroll(page, "extensions (en)")
        page.get_by_test_id("lang-switch").select_option("zh-CN")
        expect(page.get_by_test_id("nav-pbx.extensions")).to_have_text("分机设置")

        # (6) delete 1001 after a confirmation that names it and its registrations
        ext_row(page, "1001").get_by_test_id("ext-delete").click()
        confirm = page.get_by_test_id("confirm-dialog")
        expect(confirm).to_contain_text("1001")
        expect(confirm).to_contain_text("注册")
        shot(page, "extension-delete")
        page.get_by_test_id("confirm-ok").click()
        expect(ext_row(page, "1001")).to_have_count(0)
        expect(ext_row(page, "1002")).to_be_visible()

        # (7) SIP安全: nothing blocked; the refresh timer of 分机设置 has stopped
        page.get_by_test_id("nav-pbx.sipSecurity").click()
        expect(page.get_by_test_id("sip-blocks-table")).to_be_visible()
        expect(page.get_by_test_id("empty-state")).to_contain_text("没有被封禁的地址")
        before = len(list_requests)
        page.clock.fast_forward(21_000)
        page.wait_for_timeout(500)
        assert len(list_requests) == before, "the extensions list kept refreshing after leaving the page"
        shot(page, "sip-security-empty")
        assert_no_sideways_scroll(page, "sip security")

        # a brute-force attempt from the phone's address gets it blocked; the page shows it on its own
        intruder = Phone(server["sip"], "1002", "friendly-scanner")
        answers = [intruder.register(f"guess-{i}-password") for i in range(11)]
        assert "blocked" in answers[-1], answers
        intruder.close()
        page.clock.fast_forward(15_500)
        blocked = page.locator('[data-testid="sip-blocks-table"] [data-testid="row"]')
        expect(blocked).to_have_count(1)
        expect(blocked).to_contain_text("127.0.0.1")
        expect(blocked.locator('td[data-col="failures"]')).to_have_text("10")
        expect(blocked.get_by_test_id("countdown")).to_have_text(re.compile(r"剩余 \d\d:\d\d"))
        shot(page, "sip-security")
        assert_no_sideways_scroll(page, "sip security (blocked)")
        blocked.get_by_test_id("sip-unblock").click()
        confirm = page.get_by_test_id("confirm-dialog")
        expect(confirm).to_contain_text("127.0.0.1")
        shot(page, "sip-unblock")
        page.get_by_test_id("confirm-ok").click()
        expect(page.get_by_test_id("toast-success")).to_contain_text("127.0.0.1")
        expect(page.get_by_test_id("empty-state")).to_contain_text("没有被封禁的地址")
        assert admin.call("GET", "/api/v1/sip/blocked")["total"] == 0
        assert phone.register(GOOD_SIP_PASSWORD).startswith("SIP/2.0 200")  # the address may register again

        # audit log names the new actions
        page.get_by_test_id("nav-system.audit").click()
        audit = page.get_by_test_id("audit-table")
        for label in ["新增分机", "修改分机", "删除分机", "封禁 SIP 来源地址", "解除 SIP 封禁"]:
            expect(audit).to_contain_text(label)

        # the role form groups the new permissions under PBX配置
        page.get_by_test_id("nav-org.roles").click()
        page.get_by_test_id("role-create").click()
        d = page.get_by_test_id("role-dialog")
        group = d.locator("fieldset.perm-group", has=page.get_by_test_id("perm-group-pbx"))
        expect(group).to_contain_text("PBX配置")
        expect(group).to_contain_text("分机设置")
        expect(group).to_contain_text("SIP安全")
        expect(group).to_contain_text("解除封禁")
        group.scroll_into_view_if_needed()
        shot(page, "role-permissions")
        page.keyboard.press("Escape")

        # (8) a user whose only permission is pbx.extensions.view
        role = admin.call("POST", "/api/v1/roles", {"name": "分机查看", "dataScope": "self", "permissions": ["pbx.extensions.view"]})
        user = admin.call("POST", "/api/v1/users", {"username": "pbxviewer", "name": "王五", "roleIds": [role["id"]],
                                                   "password": VIEWER_TEMP_PASSWORD})
        temp = user.get("temporaryPassword") or VIEWER_TEMP_PASSWORD

        page.get_by_test_id("user-menu").click()
        page.get_by_test_id("menu-logout").click()
        login(page, "pbxviewer", temp)
        expect(page.get_by_test_id("forced-password-page")).to_be_visible()
        page.get_by_test_id("pw-current").fill(temp)
        page.get_by_test_id("pw-new").fill(VIEWER_NEW_PASSWORD)
        page.get_by_test_id("pw-confirm").fill(VIEWER_NEW_PASSWORD)
        page.get_by_test_id("pw-submit").click()
        expect(page.get_by_test_id("layout")).to_be_visible()

        group = page.get_by_test_id("nav-group-pbx")
        expect(group).to_contain_text("PBX配置")
        items = [t.strip() for t in group.locator(".nav-item").all_inner_texts()]
        assert items == ["分机设置"], items
        expect(page.get_by_test_id("nav-pbx.sipSecurity")).to_have_count(0)
        page.get_by_test_id("nav-pbx.extensions").click()
        expect(ext_row(page, "1002")).to_be_visible()
        expect(page.get_by_test_id("ext-create")).to_have_count(0)
        expect(page.get_by_test_id("ext-delete")).to_have_count(0)
        expect(page.get_by_test_id("ext-edit")).to_have_count(0)
        expect(page.get_by_test_id("select-all")).to_have_count(0)
        ext_row(page, "1002").get_by_test_id("row-expand").click()  # viewing the detail needs no more
        expect(page.get_by_test_id("forwarding-summary")).to_contain_text("1001")
        shot(page, "viewer")
        assert_no_sideways_scroll(page, "extensions (viewer)")
        page.goto(base + "/#/pbx/sip-security")
        expect(page.get_by_test_id("forbidden")).to_be_visible()

        phone.close()
        browser.close()

    assert not errors, f"JavaScript errors: {errors}"
    assert server["server"].stop() == 0
