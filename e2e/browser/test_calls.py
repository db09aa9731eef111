"""Browser test of 通话记录 (call records) against a real server.

There is no call engine yet, so the test writes three call rows straight
into the running server's SQLite file (WAL lets it beside the server) and
a short WAV into DATA/recordings, the way the engine will. Then, in
Debian's Chromium: the list shows them newest first, the number search
narrows it, the play button plays the recording in the page (the audio
element learns its duration and can seek through the Range route), the
filtered list exports as .xlsx and the selected calls' recordings download
as one .zip. Screenshots: test-output/calls-*.png.
"""
import datetime
import io
import math
import os
import sqlite3
import struct
import wave
import zipfile

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import OUT, Server, hotline_binary
from ui import assert_no_sideways_scroll, login, screenshot

ADMIN_PASSWORD = "Admin-Pass-123"


@pytest.fixture(scope="module")
def server():
    if not os.path.exists(hotline_binary()):
        pytest.fail(f"hotline binary not found at {hotline_binary()} (set HOTLINE_BIN)")
    srv = Server(args=["--admin-password", ADMIN_PASSWORD])
    base = srv.wait_ready()
    yield {"base": base, "data": srv.data}
    if srv.proc.poll() is None:
        srv.stop()


def tone_wav(seconds=2.0, rate=8000):
    """A 440 Hz tone as 16-bit mono PCM WAV bytes."""
    frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate))) for i in range(int(seconds * rate)))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return buffer.getvalue()


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def seed_calls(data):
    """Three finished calls from the last hour; the inbound one is recorded."""
    rel = "2026/03/05/inbound-1.wav"
    path = os.path.join(data, "recordings", rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(tone_wav())
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    rows = [
        # sip_call_id, direction, from, to, from_ext, to_ext, started, answered, ended, ring, talk, disposition, hangup, reason, recording
        ("in-1@test", "inbound", "13800138000", "1001", None, "1001", now - datetime.timedelta(minutes=50), 4, 95, "answered", "caller", None, rel),
        ("out-1@test", "outbound", "1001", "13900139000", "1001", None, now - datetime.timedelta(minutes=30), None, 12, "busy", None, "486 Busy Here", None),
        ("int-1@test", "internal", "1002", "1001", "1002", "1001", now - datetime.timedelta(minutes=10), None, 21, "no_answer", None, None, None),
    ]
    db = sqlite3.connect(os.path.join(data, "hotline.sqlite"), timeout=10)
    with db:
        for sip, direction, frm, to, fext, text, started, ring, end, disp, hang, reason, rec in rows:
            answered = started + datetime.timedelta(seconds=ring) if ring is not None else None
            ended = started + datetime.timedelta(seconds=end)
            db.execute(
                """INSERT INTO calls (sip_call_id, direction, from_number, to_number, from_extension, to_extension, started_at,
                       answered_at, ended_at, ring_seconds, talk_seconds, disposition, hangup_by, reason, recording)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (sip, direction, frm, to, fext, text, stamp(started), answered and stamp(answered), stamp(ended),
                 ring if ring is not None else end, end - ring if ring is not None else 0, disp, hang, reason, rec),
            )
    db.close()


def rows(page):
    return page.locator('[data-testid="calls-table"] [data-testid="row"]')


def test_call_records_page(server):
    base = server["base"]
    seed_calls(server["data"])
    errors = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"])
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_default_timeout(10000)

        # (1) the 话务管理 group leads to 通话记录: newest first, every column filled in
        page.goto(base + "/")
        login(page, "admin", ADMIN_PASSWORD)
        group = page.get_by_test_id("nav-group-calls")
        expect(group).to_contain_text("话务管理")
        group.get_by_test_id("nav-calls.records").click()
        expect(page.get_by_test_id("breadcrumb")).to_contain_text("通话记录")
        expect(rows(page)).to_have_count(3)
        first = rows(page).nth(0)
        expect(first.locator('td[data-col="direction"]')).to_have_text("内部")
        expect(first.locator('td[data-col="disposition"]')).to_have_text("无人接听")
        inbound = rows(page).nth(2)
        expect(inbound.locator('td[data-col="from"]')).to_have_text("13800138000")
        expect(inbound.locator('td[data-col="talkSeconds"]')).to_have_text("1 分 31 秒")
        expect(inbound.locator('td[data-col="hangupBy"]')).to_have_text("主叫挂机")
        expect(rows(page).get_by_test_id("call-play")).to_have_count(1)
        assert_no_sideways_scroll(page, "call records")
        cramped = page.evaluate("""() => [...document.querySelectorAll('.search-item')]
            .filter((i) => i.querySelector('.input').getBoundingClientRect().right > i.getBoundingClientRect().right + 1)
            .map((i) => i.textContent)""")
        assert not cramped, f"search fields overflow their place: {cramped}"
        screenshot(page, "calls-list")

        # (2) the number search narrows the list
        page.get_by_test_id("search-number").fill("0013800")
        page.get_by_test_id("search-number").press("Enter")
        expect(rows(page)).to_have_count(1)
        expect(rows(page).first).to_contain_text("13800138000")

        # (3) play: the audio element loads the recording and can seek (byte ranges)
        rows(page).first.get_by_test_id("call-play").click()
        expect(page.get_by_test_id("call-player")).to_be_visible()
        expect(page.get_by_test_id("call-player")).to_contain_text("13800138000 → 1001")
        page.wait_for_function("() => { const a = document.querySelector('[data-testid=call-audio]'); return a && a.duration > 0; }")
        duration = page.evaluate("document.querySelector('[data-testid=call-audio]').duration")
        assert 1.9 < duration < 2.1, duration
        page.evaluate("document.querySelector('[data-testid=call-audio]').currentTime = 1.5")
        page.wait_for_function("() => { const a = document.querySelector('[data-testid=call-audio]'); return a.seekable.length > 0 && a.currentTime >= 1.4 && !a.error; }")
        expect(page.get_by_test_id("player-error")).to_be_hidden()
        screenshot(page, "calls-playing")

        # (4) export of the filtered list: an .xlsx (a zip) with that call only
        with page.expect_download() as dl:
            page.get_by_test_id("calls-export").click()
        assert "/api/v1/calls/export.xlsx?number=0013800" in dl.value.url, dl.value.url
        saved = OUT / "calls-export.xlsx"
        dl.value.save_as(str(saved))
        assert zipfile.is_zipfile(saved)
        with zipfile.ZipFile(saved) as z:
            sheet = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
        assert "13800138000" in sheet and "13900139000" not in sheet

        # (5) select every call → their recordings as one .zip (only the recorded one is in it)
        page.get_by_test_id("search-reset").click()
        expect(rows(page)).to_have_count(3)
        page.get_by_test_id("select-all").check()
        with page.expect_download() as dl:
            page.get_by_test_id("bulk-recordings").click()
        saved = OUT / "calls-recordings.zip"
        dl.value.save_as(str(saved))
        with zipfile.ZipFile(saved) as z:
            names = z.namelist()
        assert len(names) == 1 and names[0].endswith("_13800138000_1001.wav"), names
        screenshot(page, "calls-selected")

        assert not errors, errors
        browser.close()
