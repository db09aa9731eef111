"""The web server bounds every connection in time and number.

Defaults pinned: the first request head must arrive whole within 10 s of
connecting (else `408 Request Timeout`) and be at most 64 KiB (else `431`);
a request body may not pause for more than 30 s; a kept-alive connection
is closed after 60 s between requests; one client address may hold 64
connections (the 65th gets `503` and is closed). SIGTERM still ends the
process with slow clients connected.
"""
import socket
import threading
import time

import pytest

import hardkit


@pytest.fixture(scope="module")
def web():
    server = hardkit.start()
    yield server
    code, elapsed = hardkit.stop_timed(server, 20)
    assert code == 0, f"exit code {code} after {elapsed:.1f}s"


def watch(sock, results, key, limit, opened=None):
    opened = opened or time.monotonic()
    data, closed, _ = hardkit.read_until_closed(sock, limit)
    results[key] = {"closed_after": round(time.monotonic() - opened, 2) if closed else None, "data": data}


def test_slow_silent_oversized_and_excess_connections_are_cut(web):
    results = {}
    threads = []

    def background(target, *args):
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        threads.append(thread)

    # 1. Connects and says nothing.
    silent = hardkit.raw_connect(web, "127.0.0.11")
    background(watch, silent, results, "silent", 25)

    # 2. Sends its request head one byte every 0.4 s (it would need ~25 s).
    slow = hardkit.raw_connect(web, "127.0.0.12")
    slow_opened = time.monotonic()
    slow_head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: drip-drip-drip\r\nAccept: */*\r\n\r\n"

    def drip():
        for byte in slow_head:
            try:
                slow.send(bytes([byte]))
            except OSError:
                return
            time.sleep(0.4)

    background(drip)
    background(watch, slow, results, "slow_head", 30, slow_opened)

    # 3. A request whose body stops after 1 of 100 bytes.
    stalled = hardkit.raw_connect(web, "127.0.0.13")
    stalled.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 100\r\n\r\n{")
    background(watch, stalled, results, "stalled_body", 50)

    # 4. A kept-alive connection idle after one answered request.
    idle = hardkit.raw_connect(web, "127.0.0.14")
    idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    idle.settimeout(5)
    first = idle.recv(65536)
    assert first.startswith(b"HTTP/1.1 200"), first
    background(watch, idle, results, "keepalive_idle", 75)

    # 5. Heads over 64 KiB are refused with 431 — one long header, or many headers.
    oversized = {}
    for label, head in (
        ("one big header", b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n"),
        ("many headers", b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
         + b"".join(b"X-H%05d: %s\r\n" % (i, b"b" * 40) for i in range(1500)) + b"\r\n"),
    ):
        sock = hardkit.raw_connect(web, "127.0.0.15")
        try:
            sock.sendall(head)
        except OSError:
            pass
        data, closed, _ = hardkit.read_until_closed(sock, 5)
        sock.close()
        oversized[label] = (hardkit.status_line(data), closed)
    # A head under the limit (60 KiB) is still served.
    sock = hardkit.raw_connect(web, "127.0.0.15")
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Big: " + b"c" * 60_000 + b"\r\n\r\n")
    under, _, _ = hardkit.read_until_closed(sock, 5)
    sock.close()

    # 6. 64 connections from one address; the 65th is refused with 503 at once; others are served.
    held = []
    try:
        for _ in range(64):
            held.append(hardkit.raw_connect(web, "127.0.0.20"))
        time.sleep(0.3)
        # The 64 are admitted (none closed, none answered).
        for sock in held:
            sock.setblocking(False)
            try:
                got = sock.recv(1)
                assert False, f"an admitted connection got {got!r}"
            except BlockingIOError:
                pass
            sock.setblocking(True)
        excess = hardkit.raw_connect(web, "127.0.0.20")
        excess_data, excess_closed, excess_wait = hardkit.read_until_closed(excess, 5)
        excess.close()
        other = hardkit.healthz(web, source="127.0.0.21")
        # The cap counts connections open now: free one and the next is served.
        held.pop().close()
        time.sleep(0.3)
        after_release = hardkit.healthz(web, source="127.0.0.20")
    finally:
        for sock in held:
            sock.close()

    assert hardkit.status_line(excess_data) == "HTTP/1.1 503 Service Unavailable" and excess_closed and excess_wait < 2, \
        f"the 65th connection from one address got {excess_data!r} closed={excess_closed} after {excess_wait:.1f}s"
    assert other.status == 200, f"another address while 127.0.0.20 was capped: {other}"
    assert after_release.status == 200, f"after one of the 64 closed: {after_release}"
    for label, (line, closed) in oversized.items():
        assert line == "HTTP/1.1 431 Request Header Fields Too Large" and closed, f"{label}: {line!r} closed={closed}"
    assert hardkit.status_line(under) == "HTTP/1.1 200 OK", f"a 60 KiB head got {under[:200]!r}"

    for thread in threads:
        thread.join(80)
    for sock in (silent, slow, stalled, idle):
        sock.close()
    print({k: (v["closed_after"], v["data"][:60]) for k, v in results.items()})

    r = results["silent"]
    assert r["closed_after"] is not None and 8 <= r["closed_after"] <= 13, f"silent connection: {r}"
    assert hardkit.status_line(r["data"]) == "HTTP/1.1 408 Request Timeout", f"silent connection: {r}"
    r = results["slow_head"]
    assert r["closed_after"] is not None and 8 <= r["closed_after"] <= 13, f"a head sent byte by byte: {r}"
    assert hardkit.status_line(r["data"]) == "HTTP/1.1 408 Request Timeout", f"a head sent byte by byte: {r}"
    r = results["stalled_body"]
    assert r["closed_after"] is not None and 27 <= r["closed_after"] <= 36, f"a stalled body: {r}"
    r = results["keepalive_idle"]
    assert r["closed_after"] is not None and 55 <= r["closed_after"] <= 68, f"an idle kept-alive connection: {r}"


def test_refused_and_timed_out_connections_are_counted_in_metrics(web):
    # Runs after the test above: it refused one connection and timed out at least three.
    reply, values = hardkit.metrics(web)
    assert reply.status == 200
    names = sorted(k for k in values if k.startswith("hotline_http_connections"))
    assert "hotline_http_connections_refused_total" in values, f"/metrics has no refused counter; it has {names}"
    assert "hotline_http_connections_timed_out_total" in values, f"/metrics has no timed-out counter; it has {names}"
    assert values["hotline_http_connections_refused_total"] >= 1
    assert values["hotline_http_connections_timed_out_total"] >= 3


def test_after_all_that_health_is_ok_and_sign_in_works(web):
    reply = hardkit.healthz(web)
    assert reply.status == 200 and reply.json["status"] == "ok", reply
    token = hardkit.admin_token(web)
    me = hardkit.call(web, "/api/v1/me", token=token)
    assert me.status == 200 and me.json["username"] == "admin", me


def test_sigterm_ends_the_process_with_slow_clients_connected():
    server = hardkit.start()
    opened = []
    try:
        idle = hardkit.raw_connect(server, "127.0.0.31")
        idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        idle.settimeout(5)
        assert idle.recv(65536).startswith(b"HTTP/1.1 200")
        half_head = hardkit.raw_connect(server, "127.0.0.32")
        half_head.sendall(b"GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthor")
        stalled = hardkit.raw_connect(server, "127.0.0.33")
        stalled.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 100\r\n\r\n{\"user")
        opened = [idle, half_head, stalled]
        time.sleep(0.5)
        code, elapsed = hardkit.stop_timed(server, 15)
        assert code == 0 and elapsed <= 10, \
            f"SIGTERM with slow clients: exit code {code} after {elapsed:.1f}s; stderr {server.stderr_lines[-8:]}"
        # Their connections did not outlive the process.
        for sock in opened:
            _, closed, _ = hardkit.read_until_closed(sock, 2)
            assert closed
    finally:
        for sock in opened:
            sock.close()
        if server.proc.poll() is None:
            server.proc.kill()
