"""The live event WebSocket (/api/v1/events): a due appointment reaches its
owner as `appointment.due`, and only its owner; no session, no upgrade."""
import json
import time
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest

from conftest import Server
from eventsocket import WebSocket

ADMIN_PASSWORD = "Admin-Pass-123"


def api(base, method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(req, timeout=10) as res:
        raw = res.read()
        return json.loads(raw) if raw else None


@pytest.fixture(scope="module")
def app():
    srv = Server(args=["--admin-password", ADMIN_PASSWORD])
    base = srv.wait_ready()
    yield base
    srv.stop()


def test_a_due_appointment_reaches_its_owner_over_the_websocket(app):
    admin = api(app, "POST", "/api/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD})["token"]
    # Refused before the upgrade (the upgrade handler answers 400 without saying why).
    assert WebSocket(app, None).status == 400, "no session, no upgrade"
    assert WebSocket(app, "forged").status == 400

    mine = WebSocket(app, admin)
    assert mine.status == 101
    customer = api(app, "POST", "/api/v1/customers", {"name": "回电客户", "phone": "13800000077"}, admin)
    soon = (datetime.now(timezone.utc) + timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    booked = api(app, "POST", "/api/v1/appointments", {"customerId": customer["id"], "at": soon, "note": "报价"}, admin)
    started = time.monotonic()
    event = mine.next_event(timeout=20)
    assert event["type"] == "appointment.due"
    assert event["data"]["id"] == booked["id"] and event["data"]["customerName"] == "回电客户" and event["data"]["note"] == "报价"
    assert time.monotonic() - started < 15
    # Announced once: nothing more arrives for it.
    assert mine.next_event(timeout=7) is None
    mine.close()


def test_an_open_websocket_does_not_hold_up_a_shutdown():
    srv = Server(args=["--admin-password", ADMIN_PASSWORD])
    base = srv.wait_ready()
    token = api(base, "POST", "/api/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD})["token"]
    tab = WebSocket(base, token)
    assert tab.status == 101
    started = time.monotonic()
    assert srv.stop(timeout=20) == 0
    assert time.monotonic() - started < 10
    tab.close()
