"""Helpers for the hardening tests: a server with a known admin password, a
tiny HTTP client that can pick its loopback source address, raw SIP
messages over UDP and TCP, and /metrics parsing.

Every test here talks to the real `hotline serve` (HOTLINE_BIN) on
127.0.0.0/8 only. Linux routes the whole of 127.0.0.0/8 to `lo`, so a client
socket bound to 127.0.0.2, 127.0.1.7 … is a different client address to the
server without any setup.
"""
import http.client
import json
import re
import signal
import socket
import subprocess
import time

from conftest import Server, hotline_binary

ADMIN_PASSWORD = "Admin-Pass-123"


def start(args=(), **kwargs):
    """A `hotline serve` on free loopback ports with the admin password set."""
    server = Server(args=["--admin-password", ADMIN_PASSWORD, *args], **kwargs)
    base = server.wait_ready()
    host, port = server.sip.rsplit(":", 1)
    server.base = base
    server.http_addr = (server.http.rsplit(":", 1)[0], int(server.http.rsplit(":", 1)[1]))
    server.sip_addr = (host, int(port))
    return server


def stop_timed(server, timeout):
    """SIGTERM; returns (exit code or None if still running after `timeout`, seconds taken)."""
    started = time.monotonic()
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
    try:
        code = server.proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        code = None
    elapsed = time.monotonic() - started
    if code is None:
        server.proc.kill()
        server.proc.wait(timeout=10)
    return code, elapsed


def run_cli(*args, timeout=60):
    return subprocess.run([hotline_binary(), *args], capture_output=True, text=True, timeout=timeout)


# --- HTTP -------------------------------------------------------------------

class Reply:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        try:
            self.json = json.loads(raw) if raw else None
        except ValueError:
            self.json = None

    @property
    def error_code(self):
        return ((self.json or {}).get("error") or {}).get("code") if isinstance(self.json, dict) else None

    @property
    def error_message(self):
        return ((self.json or {}).get("error") or {}).get("message", "") if isinstance(self.json, dict) else ""

    def __repr__(self):
        return f"<{self.status} {self.raw[:300]!r}>"


def call(server, path, method="GET", body=None, token=None, source="127.0.0.1", timeout=15):
    """One request on a fresh connection from `source` (a loopback address)."""
    host, port = server.http_addr
    conn = http.client.HTTPConnection(host, port, timeout=timeout, source_address=(source, 0))
    headers = {"Connection": "close"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, raw)
    finally:
        conn.close()


def login(server, username, password, source="127.0.0.1"):
    return call(server, "/api/v1/auth/login", "POST", {"username": username, "password": password}, source=source)


def admin_token(server, source="127.0.0.1"):
    reply = login(server, "admin", ADMIN_PASSWORD, source)
    assert reply.status == 200, reply
    return reply.json["token"]


def healthz(server, source="127.0.0.1"):
    return call(server, "/healthz", source=source)


def metrics(server, source="127.0.0.1"):
    """`/metrics` as {name: value} for unlabelled samples (plus the raw reply)."""
    reply = call(server, "/metrics", source=source)
    values = {}
    if reply.status == 200:
        for line in reply.raw.decode(errors="replace").splitlines():
            m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*) (\S+)$", line)
            if m:
                values[m.group(1)] = float(m.group(2))
    return reply, values


def raw_connect(server, source="127.0.0.1", timeout=5):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((source, 0))
    sock.settimeout(timeout)
    sock.connect(server.http_addr)
    return sock


def read_until_closed(sock, limit):
    """Reads until EOF/reset or `limit` seconds; returns (bytes, closed, seconds waited)."""
    started = time.monotonic()
    data = b""
    while True:
        left = limit - (time.monotonic() - started)
        if left <= 0:
            return data, False, time.monotonic() - started
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return data, True, time.monotonic() - started
        if not chunk:
            return data, True, time.monotonic() - started
        data += chunk


def status_line(data):
    return data.split(b"\r\n", 1)[0].decode(errors="replace")


# --- SIP --------------------------------------------------------------------

def options_message(via_sent_by, branch, transport="UDP", rport=False, call_id=None):
    return (
        f"OPTIONS sip:x SIP/2.0\r\n"
        f"Via: SIP/2.0/{transport} {via_sent_by};branch={branch}{';rport' if rport else ''}\r\n"
        f"From: <sip:a@b>;tag=1\r\n"
        f"To: <sip:x>\r\n"
        f"Call-ID: {call_id or branch}@b\r\n"
        f"CSeq: 1 OPTIONS\r\n"
        f"Max-Forwards: 70\r\n"
        f"Content-Length: 0\r\n\r\n"
    ).encode()


def udp_send(server, payload, source="127.0.0.1", wait=0.0):
    """Sends one datagram from a fresh socket; returns the first answer within `wait` s (or None)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind((source, 0))
        sock.sendto(payload, server.sip_addr)
        if wait <= 0:
            return None
        sock.settimeout(wait)
        try:
            return sock.recv(65535).decode(errors="replace")
        except socket.timeout:
            return None
    finally:
        sock.close()


def udp_options(server, source="127.0.0.1", branch="z9hG4bK-ok", wait=3.0):
    """A well-behaved OPTIONS (Via with rport): the answer comes back to our port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind((source, 0))
        sock.settimeout(wait)
        local = sock.getsockname()[1]
        sock.sendto(options_message(f"{source}:{local}", branch, rport=True), server.sip_addr)
        try:
            return sock.recv(65535).decode(errors="replace")
        except socket.timeout:
            return None
    finally:
        sock.close()


def tcp_connect_sip(server, source="127.0.0.1", timeout=5):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((source, 0))
    sock.settimeout(timeout)
    sock.connect(server.sip_addr)
    return sock


def tcp_options_on(sock, branch="z9hG4bK-tcp", wait=3.0):
    """Sends an OPTIONS on an open SIP TCP connection; returns the answer's text or None."""
    local = sock.getsockname()
    sock.sendall(options_message(f"{local[0]}:{local[1]}", branch, transport="TCP"))
    sock.settimeout(wait)
    data = b""
    deadline = time.monotonic() + wait
    while b"\r\n\r\n" not in data and time.monotonic() < deadline:
        try:
            chunk = sock.recv(65535)
        except (socket.timeout, ConnectionResetError):
            break
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace") or None


def tcp_options(server, source="127.0.0.1", branch="z9hG4bK-tcp", wait=3.0):
    sock = tcp_connect_sip(server, source)
    try:
        return tcp_options_on(sock, branch, wait)
    finally:
        sock.close()
