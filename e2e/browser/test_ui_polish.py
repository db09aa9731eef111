"""Browser tests of reported UI problems, each in both interface languages.

Chromium runs with an English (en-US) browser locale throughout, the way
many agents' machines are set up, while the interface is switched to
Chinese where that matters: that is what made native <input type=date>
show mm/dd/yyyy on Chinese pages.

- a clean console: no request that is expected to fail (no 401 from GET /me
  on the login page, no 404 for an absent logo on every load) and no console
  errors across login → pages → logout → login again;
- date filters and date fields read YYYY-MM-DD (24-hour times) whatever the
  browser's locale, can be typed in common spellings and picked from a
  calendar with the keyboard;
- search placeholders fit their boxes at 1366×768 (the whole hint is the
  box's tooltip);
- 资料管理: the wording says GBK .csv files import too (and one does), and a
  package's imported rows link to the customer that was made;
- appointment reminders come once per appointment, in the bottom-right
  corner clear of the page titles, and can be dismissed.

Screenshots: test-output/polish-*.png.
"""
import datetime
import json
import os
import re
import urllib.error
import urllib.request
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import OUT, Server, hotline_binary
from ui import Api, assert_no_sideways_scroll, login, screenshot
from test_calls import seed_calls

ADMIN_PASSWORD = "Admin-Pass-123"
TZ = "Asia/Shanghai"
LANGS = ["zh-CN", "en"]


@pytest.fixture(scope="module")
def server():
    if not os.path.exists(hotline_binary()):
        pytest.fail(f"hotline binary not found at {hotline_binary()} (set HOTLINE_BIN)")
    srv = Server(args=["--admin-password", ADMIN_PASSWORD])
    base = srv.wait_ready()
    api = Api(base, "admin", ADMIN_PASSWORD)
    yield {"base": base, "data": srv.data, "api": api, "server": srv}
    if srv.proc.poll() is None:
        srv.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--lang=en-US"])
        yield b
        b.close()


class Watch:
    """Failed responses, console errors and page errors of one page, by phase."""

    def __init__(self, page):
        self.failed, self.console, self.errors, self.requests = [], [], [], []
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.request.method} {r.url}"))
        page.on("console", lambda m: m.type == "error" and self.console.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(f"{r.method} {r.url}"))

    def reset(self):
        for items in (self.failed, self.console, self.errors, self.requests):
            items.clear()


def new_page(browser, lang, **extra):
    """A fresh browser profile (English browser locale) showing the interface in LANG."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US", timezone_id=TZ, **extra)
    ctx.add_init_script(f"if (!localStorage.getItem('hotline.lang')) localStorage.setItem('hotline.lang', {json.dumps(lang)})")
    page = ctx.new_page()
    page.set_default_timeout(15000)
    inflight = set()
    page.on("request", lambda r: inflight.add(r))
    page.on("response", lambda r: inflight.discard(r.request))
    page.on("requestfinished", lambda r: inflight.discard(r))
    page.on("requestfailed", lambda r: inflight.discard(r))
    page.inflight = inflight
    return ctx, page


def settle(page, quiet_ms=400, timeout_ms=15000):
    """Waits until no request has been in flight for QUIET_MS (the app keeps a WebSocket open,
    so Playwright's "networkidle" never comes once signed in)."""
    quiet = 0
    waited = 0
    while quiet < quiet_ms:
        page.wait_for_timeout(100)
        waited += 100
        quiet = quiet + 100 if not page.inflight else 0
        assert waited < timeout_ms, f"requests still in flight: {[r.url for r in page.inflight]}"


def sign_in(page, base):
    if "login" not in page.url:
        page.goto(base + "/")
    login(page, "admin", ADMIN_PASSWORD)
    expect(page.get_by_test_id("layout")).to_be_visible()


def sign_out(page):
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("menu-logout").click()
    expect(page.get_by_test_id("login-page")).to_be_visible()


def open_page(page, nav, ready):
    page.get_by_test_id(f"nav-{nav}").click()
    expect(page.get_by_test_id(ready).first).to_be_visible()
    settle(page)


def rows(page, table):
    return page.locator(f'[data-testid="{table}"] [data-testid="row"]')


def server_tells_logo(base):
    with urllib.request.urlopen(base + "/healthz", timeout=10) as res:
        return "logo" in json.loads(res.read().decode())


def unexpected(failed, base):
    """Failed requests, less the one logo check a new browser makes after its first sign-in
    while the server does not say whether there is a logo (see test_clean_console)."""
    if server_tells_logo(base):
        return list(failed)
    probes = [f for f in failed if re.match(r"404 GET .*/api/v1/logo\b", f)]
    return [f for f in failed if f not in probes[:1]]


# ---------------------------------------------------------------- 6. a clean console

PAGES = [
    ("calls.records", "calls-table"),
    ("crm.customers", "customers-table"),
    ("crm.appointments", "appointments-table"),
    ("crm.data", "packages-table"),
    ("org.departments", "layout"),
    ("system.audit", "layout"),
    ("pbx.extensions", "layout"),
]


@pytest.mark.parametrize("lang", LANGS)
def test_clean_console(server, browser, lang):
    """login → home → pages → logout → login again: no 4xx/5xx, no console errors.

    The one exception: without a word from the server about the logo (see
    /healthz `logo`), a browser that has never seen this server checks once,
    right after its first sign-in, whether there is a logo; that check may be
    a 404. Page loads never ask for an absent logo, and the login page never
    asks GET /me without a sign of a session.
    """
    base = server["base"]
    ctx, page = new_page(browser, lang)
    watch = Watch(page)

    # (1) the login page of a browser that never signed in: no /me, no logo
    page.goto(base + "/")
    expect(page.get_by_test_id("login-page")).to_be_visible()
    settle(page)
    asked = [r for r in watch.requests if "/api/v1/me" in r or "/api/v1/logo" in r]
    assert not asked, f"the login page asked {asked}"
    assert not watch.failed and not watch.console, (watch.failed, watch.console)

    # (2) sign in, walk through pages, sign out
    sign_in(page, base)
    settle(page)
    for nav, ready in PAGES:
        open_page(page, nav, ready)
    page.reload()  # a page load while signed in: GET /me is asked (and answers 200)
    expect(page.get_by_test_id("layout")).to_be_visible()
    settle(page)
    assert any("/api/v1/me" in r for r in watch.requests)
    sign_out(page)
    settle(page)
    probe = [f for f in watch.failed if re.match(r"404 GET .*/api/v1/logo\b", f)]
    others = [f for f in watch.failed if f not in probe]
    assert not others, f"requests that failed: {others}"
    if server_tells_logo(base):
        assert not probe, probe
    else:
        assert len(probe) <= 1, f"the absent logo was asked for more than once: {probe}"
    console = [c for c in watch.console if not (probe and re.search(r"status of 404", c))]
    assert not console, f"console errors: {console}"
    assert not watch.errors, watch.errors

    # (3) the login page after signing out, a reload of it, and a second round: nothing fails at all
    watch.reset()
    page.reload()
    expect(page.get_by_test_id("login-page")).to_be_visible()
    settle(page)
    assert not [r for r in watch.requests if "/api/v1/me" in r], "GET /me on the login page after signing out"
    screenshot(page, f"polish-login-{lang}")
    sign_in(page, base)
    open_page(page, "calls.records", "calls-table")
    open_page(page, "crm.customers", "customers-table")
    sign_out(page)
    settle(page)
    assert not watch.failed, f"requests that failed: {watch.failed}"
    assert not watch.console, f"console errors: {watch.console}"
    assert not watch.errors, watch.errors
    ctx.close()


def test_expired_session_is_forgotten(server, browser):
    """A browser that signed in but whose session ended asks /me once (401), then never again."""
    base = server["base"]
    ctx, page = new_page(browser, "zh-CN")
    sign_in(page, base)
    settle(page)
    # The session ends elsewhere (e.g. an admin, or the 2-hour idle limit): drop the cookie and the tab's token.
    ctx.clear_cookies()
    page.evaluate("sessionStorage.clear()")
    watch = Watch(page)
    page.reload()
    expect(page.get_by_test_id("login-page")).to_be_visible()
    settle(page)
    assert [f for f in watch.failed if "/api/v1/me" in f], "the ended session was not noticed"
    watch.reset()
    page.reload()
    expect(page.get_by_test_id("login-page")).to_be_visible()
    settle(page)
    assert not watch.failed and not watch.console, (watch.failed, watch.console)
    ctx.close()


# ---------------------------------------------------------------- 3. dates

def no_native_dates(page, where):
    native = page.evaluate("""() => [...document.querySelectorAll('input')]
        .filter((i) => ['date', 'datetime-local', 'time', 'month', 'week'].includes(i.type)).map((i) => i.outerHTML)""")
    assert not native, f"native date inputs (they follow the browser's locale) on {where}: {native}"


def test_date_inputs(server, browser):
    """Chinese interface in an en-US Chromium: date filters and fields read YYYY-MM-DD, typed or picked."""
    base = server["base"]
    api = server["api"]
    seed_calls(server["data"])
    api.call("POST", "/api/v1/customer-fields", {"key": "birthday", "label": "生日", "type": "date", "searchable": True, "listed": True})
    today = datetime.datetime.now(ZoneInfo(TZ)).date()
    yesterday, tomorrow = today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)

    for lang in LANGS:
        ctx, page = new_page(browser, lang)
        watch = Watch(page)
        zh = lang == "zh-CN"
        sign_in(page, base)
        open_page(page, "calls.records", "calls-table")
        expect(rows(page, "calls-table")).to_have_count(3)
        no_native_dates(page, f"call records ({lang})")
        start, end = page.get_by_test_id("search-from"), page.get_by_test_id("search-to")
        expect(start).to_have_attribute("placeholder", "年-月-日" if zh else "YYYY-MM-DD")

        # typed in another common spelling: tidied to YYYY-MM-DD
        start.fill(f"{tomorrow.year}/{tomorrow.month}/{tomorrow.day}")
        start.press("Tab")
        expect(start).to_have_value(tomorrow.isoformat())
        # not a date: said at the field, nothing is searched
        end.fill(f"{today.year}-02-30")
        before = len([r for r in watch.requests if "/api/v1/calls?" in r])
        page.get_by_test_id("search-submit").click()
        page.wait_for_timeout(400)
        assert len([r for r in watch.requests if "/api/v1/calls?" in r]) == before, "an invalid date was searched"
        expect(page.get_by_test_id("search-to-error")).to_be_visible()
        expect(page.get_by_test_id("search-to-error")).to_contain_text("2026-03-05")
        expect(end).to_have_attribute("aria-invalid", "true")
        screenshot(page, f"polish-date-invalid-{lang}")

        # the calendar with the keyboard: ↓ opens it on today, ← goes to yesterday, Enter picks and searches
        end.fill("")
        start.fill("")
        start.press("Tab")
        start.focus()
        start.press("ArrowDown")
        cal = page.get_by_test_id("calendar")
        expect(cal).to_be_visible()
        month = f"{today.year}年{today.month}月" if zh else today.strftime("%B %Y")
        expect(cal.get_by_test_id("calendar-title")).to_have_text(month)
        focused = page.evaluate("document.activeElement.dataset.date")
        assert focused == today.isoformat(), focused
        weekdays = cal.locator("th").all_inner_texts()
        assert weekdays[0] == ("一" if zh else "Sun"), weekdays
        screenshot(page, f"polish-calendar-{lang}", keep_toasts=True)
        page.keyboard.press("PageDown")
        nxt = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        expect(cal.get_by_test_id("calendar-title")).to_have_text(f"{nxt.year}年{nxt.month}月" if zh else nxt.strftime("%B %Y"))
        page.keyboard.press("PageUp")
        page.keyboard.press("ArrowLeft")
        assert page.evaluate("document.activeElement.dataset.date") == yesterday.isoformat()
        page.keyboard.press("Enter")
        expect(cal).to_have_count(0)
        expect(start).to_have_value(yesterday.isoformat())
        expect(start).to_be_focused()
        # Esc closes the calendar and leaves the value alone
        end.fill("")
        end.press("ArrowDown")
        expect(cal).to_be_visible()
        page.keyboard.press("Escape")
        expect(cal).to_have_count(0)
        expect(end).to_have_value("")
        # Enter in the box searches: yesterday … today has the three calls, from tomorrow none
        end.fill(today.isoformat())
        with page.expect_request(re.compile(r"/api/v1/calls\?.*to=")) as req:
            end.press("Enter")
        assert "from=" in req.value.url, req.value.url
        expect(rows(page, "calls-table")).to_have_count(3)
        expect(page.get_by_test_id("search-to-error")).to_be_hidden()
        # a range the wrong way round is said at its end, not sent
        start.fill(tomorrow.isoformat())
        before = len([r for r in watch.requests if "/api/v1/calls?" in r])
        start.press("Enter")
        expect(page.get_by_test_id("search-to-error")).to_have_text("不能早于开始日期" if zh else 'Must be on or after "From date"')
        assert len([r for r in watch.requests if "/api/v1/calls?" in r]) == before, "a reversed range was searched"
        screenshot(page, f"polish-date-range-{lang}")
        end.fill("")
        end.press("Enter")
        expect(rows(page, "calls-table")).to_have_count(0)
        expect(page.get_by_test_id("empty-state")).to_be_visible()
        assert_no_sideways_scroll(page, f"call records ({lang})")
        screenshot(page, f"polish-calls-dates-{lang}")

        # a searchable date field of the customers is searched the same way
        open_page(page, "crm.customers", "customers-table")
        no_native_dates(page, f"customers ({lang})")
        expect(page.get_by_test_id("search-f.birthday")).to_have_attribute("placeholder", "年-月-日" if zh else "YYYY-MM-DD")

        # forms: a customer's date field and an appointment's date and 24-hour time
        name = f"日期测试{lang}"
        page.get_by_test_id("customer-create").click()
        d = page.get_by_test_id("customer-dialog")
        no_native_dates(page, f"the customer form ({lang})")
        d.get_by_test_id("customer-name").fill(name)
        d.get_by_test_id("customer-phone").fill("13500135%03d" % (1 if zh else 2))
        d.get_by_test_id("cf-birthday").fill("1990.1.2")
        d.get_by_test_id("form-submit").click()
        expect(d).to_have_count(0)
        saved = [c for c in api.call("GET", "/api/v1/customers?pageSize=100")["items"] if c["name"] == name][0]
        assert saved["fields"]["birthday"] == "1990-01-02", saved
        page.get_by_test_id("search-f.birthday").fill("1990-01-02")
        page.get_by_test_id("search-f.birthday").press("Enter")
        expect(rows(page, "customers-table")).to_have_count(1 if zh else 2)

        row = rows(page, "customers-table").filter(has_text=name)
        row.get_by_test_id("customer-appointment").click()
        d = page.get_by_test_id("appointment-dialog")
        no_native_dates(page, f"the appointment form ({lang})")
        at = d.get_by_test_id("appointment-at")
        time = d.get_by_test_id("appointment-at-time")
        at.fill("")
        time.fill("")
        d.get_by_test_id("form-submit").click()
        expect(d.locator('.form-item[data-field="at"] .form-error')).not_to_be_empty()
        at.fill(f"{tomorrow.year}/{tomorrow.month}/{tomorrow.day}")
        time.fill("930")
        time.press("Tab")
        expect(at).to_have_value(tomorrow.isoformat())
        expect(time).to_have_value("09:30")
        screenshot(page, f"polish-appointment-form-{lang}", keep_toasts=True)
        d.get_by_test_id("form-submit").click()
        expect(d).to_have_count(0)
        appt = [a for a in api.call("GET", "/api/v1/appointments?pageSize=100")["items"] if a["customerName"] == name][0]
        local = datetime.datetime.combine(tomorrow, datetime.time(9, 30), ZoneInfo(TZ))
        assert appt["at"].startswith(local.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M")), appt
        api.call("DELETE", f"/api/v1/appointments/{appt['id']}")

        # the follow-up form's "next time" too
        row.get_by_test_id("customer-follow-ups").click()
        page.get_by_test_id("follow-up-add").click()
        d = page.get_by_test_id("follow-up-dialog")
        no_native_dates(page, f"the follow-up form ({lang})")
        expect(d.get_by_test_id("follow-up-next")).to_have_attribute("placeholder", "年-月-日" if zh else "YYYY-MM-DD")
        expect(d.get_by_test_id("follow-up-next-time")).to_have_attribute("placeholder", "时:分" if zh else "HH:MM")
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        expect(page.get_by_test_id("follow-ups-drawer")).to_have_count(0)
        assert not unexpected(watch.failed, base), watch.failed
        assert not watch.errors, watch.errors
        ctx.close()


# ---------------------------------------------------------------- 2. placeholders that fit

FITS = """() => {
    const canvas = document.createElement('canvas').getContext('2d');
    return [...document.querySelectorAll('input[placeholder]')].filter((i) => i.offsetParent !== null && i.placeholder).map((i) => {
        const cs = getComputedStyle(i);
        canvas.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
        const room = i.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        return { id: i.dataset.testid || i.id, text: i.placeholder, need: Math.ceil(canvas.measureText(i.placeholder).width), room, title: i.title };
    }).filter((x) => x.need > x.room);
}"""

LIST_PAGES = [
    "calls.records", "crm.customers", "crm.pool", "crm.followUps", "crm.appointments", "crm.marked", "crm.blacklist",
    "crm.data", "org.users", "org.roles", "settings.customerFields", "settings.followUpStatuses", "system.audit",
    "pbx.extensions", "pbx.sipSecurity",
]


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_fit(server, browser, lang):
    base = server["base"]
    ctx, page = new_page(browser, lang)
    sign_in(page, base)
    clipped = {}
    for nav in LIST_PAGES:
        page.get_by_test_id(f"nav-{nav}").click()
        expect(page.locator(".search-form").first).to_be_visible()
        settle(page)
        bad = page.evaluate(FITS)
        if bad:
            clipped[nav] = bad
        titled = page.evaluate("""() => [...document.querySelectorAll('.search-form input[placeholder]')]
            .filter((i) => i.placeholder && !i.title).map((i) => i.dataset.testid)""")
        assert not titled, f"search boxes without their hint as a tooltip on {nav}: {titled}"
    assert not clipped, f"placeholders cut short at 1366×768 ({lang}): {clipped}"
    # The reported ones: the whole hint is there as the tooltip.
    page.get_by_test_id("nav-calls.records").click()
    number = page.get_by_test_id("search-number")
    expect(number).to_have_attribute("title", "主叫或被叫号码，输入部分号码也能找到" if lang == "zh-CN" else "Caller or callee number; part of a number finds it too")
    screenshot(page, f"polish-calls-search-{lang}")
    page.get_by_test_id("nav-crm.customers").click()
    expect(page.get_by_test_id("search-q")).to_have_attribute("title", re.compile("可搜索的客户字段" if lang == "zh-CN" else "searchable customer fields"))
    screenshot(page, f"polish-customers-search-{lang}")
    ctx.close()


# ---------------------------------------------------------------- 4 + 5. import wording, GBK, rows link to customers

@pytest.mark.parametrize("lang", LANGS)
def test_import_gbk_and_row_links(server, browser, lang):
    base = server["base"]
    zh = lang == "zh-CN"
    ctx, page = new_page(browser, lang)
    watch = Watch(page)
    sign_in(page, base)
    open_page(page, "crm.data", "import-card")
    card = page.get_by_test_id("import-card")
    expect(card).to_contain_text("GBK")
    expect(card).to_contain_text("UTF-8")
    screenshot(page, f"polish-data-{lang}")

    # a GBK-encoded .csv (what Excel saves as "CSV" on a Chinese Windows) imports
    name = "王小明" if zh else "赵大海"
    phone = "13600136001" if zh else "13600136002"
    path = OUT / f"polish-gbk-{lang}.csv"
    path.write_bytes(f"姓名,电话\r\n{name},{phone}\r\n".encode("gbk"))
    page.get_by_test_id("import-file").set_input_files(str(path))
    page.get_by_test_id("import-submit").click()
    expect(page.get_by_test_id("import-result")).to_be_visible()
    package = rows(page, "packages-table").filter(has_text=path.name)
    expect(package.get_by_test_id("package-status")).to_have_text("已完成" if zh else "Done", timeout=30000)
    expect(package.locator('td[data-col="imported"]')).to_have_text("1")

    # the imported row links to the customer that was made
    package.get_by_test_id("package-rows").click()
    drawer = page.get_by_test_id("package-dialog")
    line = rows(page, "package-rows-table").first
    link = line.get_by_test_id("row-customer")
    expect(link).to_have_text(name)  # the name is looked up: the row only carries the id
    customer = [c for c in server["api"].call("GET", f"/api/v1/customers?phone={phone}")["items"]][0]
    expect(link).to_have_attribute("href", f"#/crm/customers?id={customer['id']}")
    screenshot(page, f"polish-package-rows-{lang}")
    link.click()
    cardlg = page.get_by_test_id("customer-card")
    expect(cardlg.get_by_test_id("customer-card-name")).to_have_text(name)
    expect(cardlg.get_by_test_id("customer-detail")).to_contain_text(phone)
    expect(cardlg.get_by_test_id("customer-card-edit")).to_be_visible()
    screenshot(page, f"polish-customer-card-{lang}")
    page.keyboard.press("Escape")  # closes the card, the package stays open
    expect(cardlg).to_have_count(0)
    expect(drawer).to_be_visible()
    page.keyboard.press("Escape")
    expect(drawer).to_have_count(0)

    # the link's address opens the same card over the customer list (e.g. in a new tab)
    page.goto(f"{base}/#/crm/customers?id={customer['id']}")
    expect(page.get_by_test_id("customer-card").get_by_test_id("customer-card-name")).to_have_text(name)
    expect(rows(page, "customers-table").first).to_be_visible()
    page.keyboard.press("Escape")
    assert not unexpected(watch.failed, base), watch.failed
    assert not watch.errors, watch.errors
    ctx.close()


# ---------------------------------------------------------------- 1. appointment reminders

def overlaps(a, b):
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"] or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def assert_clear_of_titles(page, card, where):
    page.wait_for_timeout(300)  # the card slides in
    box = card.bounding_box()
    stack = page.get_by_test_id("reminder-stack").bounding_box()
    vw, vh = 1366, 768
    assert stack["x"] + stack["width"] >= vw - 40 and stack["y"] + stack["height"] >= vh - 40, f"not in the bottom-right corner on {where}: {stack}"
    assert stack["x"] <= box["x"] and box["y"] + box["height"] <= stack["y"] + stack["height"] + 1, (box, stack)
    titles = page.evaluate("""() => [...document.querySelectorAll('.topbar, .page-header, .page-title, .card-header, .card-title, .table-toolbar-left, .dialog-header')]
        .filter((e) => e.offsetParent !== null).map((e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height, what: e.className }; })""")
    hit = [t for t in titles if t["width"] and overlaps(box, t)]
    assert not hit, f"the reminder covers {hit} on {where}"


def reload_and_wait(page):
    """Reloads and waits until the reminders have read the due appointments."""
    with page.expect_response(re.compile(r"/api/v1/appointments\?due=true")):
        page.reload()
    page.wait_for_timeout(400)


def test_reminders_once_in_a_corner(server, browser):
    base = server["base"]
    api = server["api"]
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=2)
    stamp = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    c1 = api.call("POST", "/api/v1/customers", {"name": "回访甲", "phone": "13700137101"})
    a1 = api.call("POST", "/api/v1/appointments", {"customerId": c1["id"], "at": stamp(past), "note": "报价"})

    ctx, page = new_page(browser, "zh-CN")
    watch = Watch(page)
    page.goto(base + "/")
    with page.expect_response(re.compile(r"/api/v1/appointments\?due=true")):
        sign_in(page, base)
    card = page.get_by_test_id("toast-reminder")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("回访甲")
    expect(card).to_contain_text("预约提醒")
    expect(page.get_by_test_id("reminder-count")).to_have_text("1")
    assert_clear_of_titles(page, card, "home")
    screenshot(page, "polish-reminder-home-zh-CN", keep_toasts=True)
    open_page(page, "crm.customers", "customers-table")
    expect(card).to_have_count(1)  # it stays on the next page until dealt with …
    assert_clear_of_titles(page, card, "customers")
    screenshot(page, "polish-reminder-customers-zh-CN", keep_toasts=True)

    # … and is dismissible
    card.get_by_test_id("reminder-dismiss").click()
    expect(card).to_have_count(0)

    # once per appointment: not again after a reload, nor after signing in again
    reload_and_wait(page)
    expect(page.get_by_test_id("layout")).to_be_visible()
    expect(card).to_have_count(0)
    expect(page.get_by_test_id("reminder-count")).to_have_text("1")  # the bell still counts it
    sign_out(page)
    with page.expect_response(re.compile(r"/api/v1/appointments\?due=true")):
        sign_in(page, base)
    page.wait_for_timeout(400)
    expect(card).to_have_count(0)

    # moved to another time: it is announced anew (once)
    api.call("PUT", f"/api/v1/appointments/{a1['id']}", {"customerId": c1["id"], "at": stamp(past + datetime.timedelta(minutes=30)), "note": "报价"})
    reload_and_wait(page)
    expect(card).to_have_count(1)
    # dealt with (marked done on 预约登记): its card goes away by itself
    open_page(page, "crm.appointments", "appointments-table")
    rows(page, "appointments-table").filter(has_text="回访甲").get_by_test_id("appointment-done").click()
    expect(page.get_by_test_id("reminder-count")).to_be_hidden()
    expect(card).to_have_count(0)

    # in English, two new ones: one card each, stacked, with "Dismiss all"
    page.get_by_test_id("lang-switch").select_option("en")
    expect(page.get_by_test_id("nav-crm.appointments")).to_have_text("Appointments")
    for i, who in enumerate(["Callback A", "Callback B"]):
        c = api.call("POST", "/api/v1/customers", {"name": who, "phone": f"1370013711{i}"})
        api.call("POST", "/api/v1/appointments", {"customerId": c["id"], "at": stamp(past), "note": ""})
    reload_and_wait(page)
    expect(card).to_have_count(2)
    expect(card.first).to_contain_text('Time to call back "Callback A"')
    for i in range(2):
        assert_clear_of_titles(page, card.nth(i), "appointments (en)")
    screenshot(page, "polish-reminder-appointments-en", keep_toasts=True)
    page.get_by_test_id("reminder-dismiss-all").click()
    expect(card).to_have_count(0)
    reload_and_wait(page)
    expect(card).to_have_count(0)
    expect(page.get_by_test_id("reminder-count")).to_have_text("2")

    # many at once: one summary card, not a wall of them. The page is away while
    # they are made, so that the server's 5-second appointment.due push cannot
    # show the first few before the last exists.
    page.goto(base + "/healthz")  # same origin: the page's storage stays readable
    for i in range(4):
        c = api.call("POST", "/api/v1/customers", {"name": f"批量{i}", "phone": f"1370013712{i}"})
        api.call("POST", "/api/v1/appointments", {"customerId": c["id"], "at": stamp(past), "note": ""})
    with page.expect_response(re.compile(r"/api/v1/appointments\?due=true")):
        page.goto(base + "/")
    page.wait_for_timeout(400)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("You have 4 due appointments")
    card.get_by_test_id("reminder-view").click()
    expect(page).to_have_url(re.compile(r"#/crm/appointments\?due=true"))
    expect(card).to_have_count(0)
    assert not watch.errors, watch.errors
    ctx.close()
    assert server["server"].proc.poll() is None


# ---------------------------------------------------------------- server rules in the interface language

@pytest.mark.parametrize("lang", LANGS)
def test_a_server_rule_reads_in_the_interface_language(server, browser, lang):
    """Refusals carry the rule as a catalogue key (`reason`); the page words it in its
    language instead of showing the server's English sentence."""
    api = server["api"]
    number = "8" + ("71" if lang == "en" else "72")
    api.call("POST", "/api/v1/extensions", {"number": number, "name": "bound"})
    api.call("POST", "/api/v1/users", {"username": f"bound{lang.replace('-', '')}", "extension": number})
    ctx, page = new_page(browser, lang)
    try:
        page.goto(server["base"] + "/")
        sign_in(page, server["base"])
        open_page(page, "pbx.extensions", "extensions-table")
        row = page.locator('[data-testid="extensions-table"] [data-testid="row"]').filter(has_text=number).first
        row.get_by_test_id("ext-delete").click()
        page.get_by_test_id("confirm-ok").click()
        expected = f"分机 {number} 已绑定用户" if lang == "zh-CN" else f"Extension {number} is bound to user"
        toast = page.locator(".toast", has_text=expected)
        expect(toast).to_be_visible()
        if lang == "zh-CN":
            expect(toast).not_to_contain_text("bind them")
    finally:
        ctx.close()
