"""The live event WebSocket (/api/v1/events): a due appointment reaches its
owner as `appointment.due`, and only its owner; no session, no upgrade."""
import base64
import json
import os
import socket
import struct
import time
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest

from conftest import Server

ADMIN_PASSWORD = "Admin-Pass-123"


class WebSocket:
    """The smallest RFC 6455 client a test needs: handshake, read text frames."""

    def __init__(self, base, token):
        host, port = base.replace("http://", "").split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        self.sock.sendall((f"GET /api/v1/events HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{auth}\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            head += chunk
        self.status = int(head.split(b" ")[1]) if head else 0
        self.buffer = head.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in head else b""

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def next_text(self, timeout):
        self.sock.settimeout(timeout)
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(length)
            if first & 0x0F == 1:
                return json.loads(payload)

    def close(self):
        self.sock.close()


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
    event = mine.next_text(timeout=20)
    assert event["type"] == "appointment.due"
    assert event["data"]["id"] == booked["id"] and event["data"]["customerName"] == "回电客户" and event["data"]["note"] == "报价"
    assert time.monotonic() - started < 15
    # Announced once: nothing more arrives for it.
    with pytest.raises(socket.timeout):
        mine.next_text(timeout=7)
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
