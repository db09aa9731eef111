"""SIP over TCP: silent and slow connections are closed, one address cannot
take every descriptor, and the refusals are counted.

Limits pinned (defaults): 30 s of silence before a registration or call was
accepted on the connection, 10 s for a message to arrive whole, 128
simultaneous connections per source address.
"""
import hashlib
import re
import socket
import threading
import time

import pytest

import hardkit

SECRET = "Secret-Ext-Pass-1"


@pytest.fixture(scope="module")
def pbx():
    server = hardkit.start()
    token = hardkit.admin_token(server)
    reply = hardkit.call(server, "/api/v1/extensions", "POST", {"number": "3001", "password": SECRET}, token=token)
    assert reply.status == 201, reply
    yield server
    code, elapsed = hardkit.stop_timed(server, 20)
    assert code == 0, f"exit code {code} after {elapsed:.1f}s"


def watch_close(sock, results, key, limit):
    """Records how long after `sock` was opened the server closed it (None: still open after `limit`)."""
    opened = results[key + ".opened"]
    data, closed, _ = hardkit.read_until_closed(sock, limit - (time.monotonic() - opened))
    results[key] = (time.monotonic() - opened) if closed else None
    results[key + ".data"] = data


def read_message(sock, wait=3.0):
    data = b""
    deadline = time.monotonic() + wait
    while b"\r\n\r\n" not in data and time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65535)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace")


def read_response(sock, wait=3.0):
    """The first response on `sock` (from its status line on), past any request the server sends meanwhile: the
    periodic qualify may probe a binding with OPTIONS before the REGISTER that made it has its 200."""
    data = ""
    deadline = time.monotonic() + wait
    while True:
        found = re.search(r"(?:\A|\r\n\r\n)(SIP/2\.0 .*)", data, re.S)
        if found or time.monotonic() >= deadline:
            return found.group(1) if found else data
        data += read_message(sock, max(0.05, deadline - time.monotonic()))


def register_over_tcp(server, sock, number, password):
    """REGISTER with digest on `sock`; returns the final status line."""
    host, port = server.sip_addr
    local_host, local_port = sock.getsockname()

    def message(cseq, authorization=None):
        lines = [
            f"REGISTER sip:{host}:{port} SIP/2.0",
            f"Via: SIP/2.0/TCP {local_host}:{local_port};branch=z9hG4bK-reg{cseq};rport",
            "Max-Forwards: 70",
            f"From: <sip:{number}@{host}>;tag=r1",
            f"To: <sip:{number}@{host}>",
            "Call-ID: reg-tcp@hardening",
            f"CSeq: {cseq} REGISTER",
            f"Contact: <sip:{number}@{local_host}:{local_port};transport=tcp>",
            "Expires: 300",
            "User-Agent: hardening-test",
        ]
        if authorization:
            lines.append("Authorization: " + authorization)
        lines.append("Content-Length: 0")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    sock.sendall(message(1))
    challenge = read_response(sock)
    assert challenge.startswith("SIP/2.0 401"), challenge
    header = next(l for l in challenge.split("\r\n") if l.lower().startswith("www-authenticate:"))
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', header.split(":", 1)[1].strip()[len("Digest"):]))
    algorithm = params.get("algorithm", "MD5").upper()
    h = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}[algorithm]

    def H(s):
        return h(s.encode()).hexdigest()

    uri = f"sip:{host}:{port}"
    ha1 = H(f"{number}:{params['realm']}:{password}")
    ha2 = H(f"REGISTER:{uri}")
    if "qop" in params:
        cnonce, nc = "0a4f113b", "00000001"
        response = H(f"{ha1}:{params['nonce']}:{nc}:{cnonce}:auth:{ha2}")
        auth = (f'Digest username="{number}", realm="{params["realm"]}", nonce="{params["nonce"]}", uri="{uri}", '
                f'response="{response}", algorithm={algorithm}, qop=auth, nc={nc}, cnonce="{cnonce}"')
    else:
        response = H(f"{ha1}:{params['nonce']}:{ha2}")
        auth = (f'Digest username="{number}", realm="{params["realm"]}", nonce="{params["nonce"]}", uri="{uri}", '
                f'response="{response}", algorithm={algorithm}')
    if "opaque" in params:
        auth += f', opaque="{params["opaque"]}"'
    sock.sendall(message(2, auth))
    return read_response(sock).split("\r\n", 1)[0]


def test_silent_slow_and_excess_tcp_connections_are_closed_while_others_are_served(pbx):
    results = {}
    watchers = []

    def open_watched(key, source, payload, limit):
        sock = hardkit.tcp_connect_sip(pbx, source)
        results[key + ".opened"] = time.monotonic()
        if payload:
            sock.sendall(payload)
        thread = threading.Thread(target=watch_close, args=(sock, results, key, limit), daemon=True)
        thread.start()
        watchers.append((thread, sock))
        return sock

    # 1. Says nothing at all: closed after ~30 s.
    open_watched("silent", "127.0.0.5", b"", 45)
    # 2. Half a message (a request line and part of a header), then nothing: closed ~10 s after its first byte.
    open_watched("half", "127.0.0.6", b"OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.6:5060;bra", 30)
    # 3. A phone that registered on its connection may stay silent much longer than 30 s.
    registered = hardkit.tcp_connect_sip(pbx, "127.0.0.7")
    results["registered.opened"] = time.monotonic()
    assert register_over_tcp(pbx, registered, "3001", SECRET).startswith("SIP/2.0 200"), "REGISTER over TCP was not accepted"
    thread = threading.Thread(target=watch_close, args=(registered, results, "registered", 37), daemon=True)
    thread.start()
    watchers.append((thread, registered))

    # 4. The per-address cap: 128 connections from 127.0.0.1 are served, the next ones closed at once.
    held = []
    try:
        for index in range(128):
            held.append(hardkit.tcp_connect_sip(pbx, "127.0.0.1"))
        served = sum(1 for index, sock in enumerate(held)
                     if (hardkit.tcp_options_on(sock, f"z9hG4bK-held{index}", wait=3) or "").startswith("SIP/2.0 200"))
        assert served == 128, f"only {served} of 128 connections from 127.0.0.1 were served"
        refused_fast = []
        for index in range(3):
            extra = hardkit.tcp_connect_sip(pbx, "127.0.0.1")
            data, closed, waited = hardkit.read_until_closed(extra, 3)
            refused_fast.append((closed, round(waited, 2), data[:80]))
            extra.close()
        assert all(closed and waited < 2 for closed, waited, _ in refused_fast), \
            f"connections 129-131 from 127.0.0.1 were not closed at once: {refused_fast}"
        # Other loopback addresses are still served while 127.0.0.1 is at its cap.
        for source in ("127.0.0.2", "127.0.0.3"):
            answer = hardkit.tcp_options(pbx, source, branch=f"z9hG4bK-other-{source}")
            assert answer and answer.startswith("SIP/2.0 200"), f"TCP OPTIONS from {source} while 127.0.0.1 is capped: {answer!r}"
        # UDP is not affected either.
        answer = hardkit.udp_options(pbx, "127.0.0.1", branch="z9hG4bK-udp-while-capped")
        assert answer and answer.startswith("SIP/2.0 200"), answer
        # The cap is on simultaneous connections: once one closes, a new one is served.
        held.pop().close()
        time.sleep(0.5)
        again = hardkit.tcp_options(pbx, "127.0.0.1", branch="z9hG4bK-after-release")
        assert again and again.startswith("SIP/2.0 200"), f"after closing one of 128, a new connection got {again!r}"
    finally:
        for sock in held:
            sock.close()

    for thread, _ in watchers:
        thread.join(50)
    for _, sock in watchers:
        sock.close()
    print({k: v for k, v in results.items() if not k.endswith(".opened")})
    assert results["half"] is not None, "a half-sent SIP message kept its TCP connection open for 30 s"
    assert 8 <= results["half"] <= 15, f"half-sent message: closed after {results['half']:.1f}s (expected ~10 s)"
    assert results["silent"] is not None, "a silent SIP TCP connection was still open after 45 s"
    assert 27 <= results["silent"] <= 36, f"silent connection: closed after {results['silent']:.1f}s (expected ~30 s)"
    assert results["registered"] is None, \
        f"a connection with an accepted registration was closed after {results['registered']:.1f}s of silence"


def test_refused_tcp_connections_are_counted_in_metrics(pbx):
    _, before = hardkit.metrics(pbx)
    held = []
    try:
        for _ in range(128):
            held.append(hardkit.tcp_connect_sip(pbx, "127.0.0.20"))
        time.sleep(0.3)
        for _ in range(2):
            extra = hardkit.tcp_connect_sip(pbx, "127.0.0.20")
            _, closed, _ = hardkit.read_until_closed(extra, 3)
            extra.close()
            assert closed, "the 129th connection from 127.0.0.20 was not closed"
    finally:
        for sock in held:
            sock.close()
    reply, after = hardkit.metrics(pbx)
    assert reply.status == 200
    assert "hotline_sip_tcp_refused_total" in after, \
        "no hotline_sip_tcp_refused_total on /metrics; names present: " + str(sorted(after))
    assert after["hotline_sip_tcp_refused_total"] >= before.get("hotline_sip_tcp_refused_total", 0) + 2
