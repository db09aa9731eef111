"""The registrar against real SIP peers we did not write (sipp, sipsak), on loopback."""
import json
import os
import random
import re
import socket
import subprocess
import time
import urllib.request

import pytest

from conftest import Server

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(HERE, "scenarios")
SECRET = "Secret-Ext-Pass-1"


def api(base, path, method="GET", body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        raw = err.read()
        return err.code, json.loads(raw) if raw else None


@pytest.fixture(scope="module")
def pbx():
    server = Server(args=["--admin-password", "Admin-Pass-123", "--sip-block-after", "3", "--sip-block-seconds", "120"], sip="127.0.0.1:0")
    base = server.wait_ready()
    _, body = api(base, "/api/v1/auth/login", "POST", {"username": "admin", "password": "Admin-Pass-123"})
    token = body["token"]
    for number, limit in (("1001", 3), ("1002", 2), ("1003", 3), ("1004", 3)):
        status, created = api(base, "/api/v1/extensions", "POST", {"number": number, "password": SECRET, "maxContacts": limit}, token)
        assert status == 201, created
    host, port = server.sip.rsplit(":", 1)
    yield {"server": server, "base": base, "token": token, "sip": (host, int(port))}
    assert server.stop() == 0


def sipp(pbx, scenario, user, password=SECRET, local_ip="127.0.0.1", transport="u1"):
    host, port = pbx["sip"]
    cmd = ["sipp", f"{host}:{port}", "-sf", os.path.join(SCENARIOS, scenario), "-s", user, "-au", user, "-ap", password,
           "-m", "1", "-i", local_ip, "-p", "0", "-t", transport, "-timeout", "15", "-timeout_error", "-max_recv_loops", "100"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=40, stdin=subprocess.DEVNULL)
    return result.returncode


def contacts(pbx, number):
    _, body = api(pbx["base"], f"/api/v1/extensions?q={number}", token=pbx["token"])
    row = next(r for r in body["items"] if r["number"] == number)
    return row["registered"], row["contacts"]


def test_sipsak_options_is_answered(pbx):
    host, port = pbx["sip"]
    out = subprocess.run(["sipsak", "-H", "127.0.0.1", "-s", f"sip:probe@{host}:{port}", "-vv"],
                         capture_output=True, text=True, timeout=20)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "SIP/2.0 200 OK" in out.stdout
    assert re.search(r"Allow: .*REGISTER", out.stdout) and re.search(r"Allow: .*INVITE", out.stdout)


def test_sipsak_registers_with_digest(pbx):
    host, port = pbx["sip"]
    out = subprocess.run(["sipsak", "-U", "-C", "sip:1004@127.0.0.1:5999", "-a", SECRET, "-u", "1004", "-x", "300",
                          "-s", f"sip:1004@{host}:{port}", "-H", "127.0.0.1", "-i", "-vv"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "authorizing" in out.stdout, "sipsak answered a digest challenge"
    assert "completed successful" in out.stdout
    registered, found = contacts(pbx, "1004")
    assert registered
    assert any(c["uri"] == "sip:1004@127.0.0.1:5999" and c["userAgent"].startswith("sipsak") for c in found)


def test_sipp_registers_over_udp_and_tcp_with_the_right_password(pbx):
    assert sipp(pbx, "register_ok.xml", "1001") == 0
    registered, found = contacts(pbx, "1001")
    assert registered and len(found) == 1
    assert found[0]["transport"] == "udp"
    assert found[0]["source"].startswith("127.0.0.1:")
    assert sipp(pbx, "register_ok.xml", "1003", transport="t1") == 0
    _, found = contacts(pbx, "1003")
    assert [c["transport"] for c in found] == ["tcp"]


def test_a_wrong_password_is_refused(pbx):
    assert sipp(pbx, "register_forbidden.xml", "1001", password="Wrong-Secret-9", local_ip="127.0.0.2") == 0


def test_several_contacts_then_unregistration(pbx):
    assert sipp(pbx, "register_contacts.xml", "1002", local_ip="127.0.0.3") == 0
    registered, found = contacts(pbx, "1002")
    assert not registered and found == []


def test_the_registrar_refuses_more_contacts_than_the_limit(pbx):
    assert sipp(pbx, "register_too_many.xml", "1002", local_ip="127.0.0.4") == 0
    _, found = contacts(pbx, "1002")
    assert found == []


def test_repeated_failures_block_the_address_and_an_admin_can_lift_it(pbx):
    for _ in range(3):
        assert sipp(pbx, "register_forbidden.xml", "1003", password="Guess-Guess-1", local_ip="127.0.0.66") == 0
    # Blocked: refused at once, even with the right password, while other addresses still work.
    assert sipp(pbx, "register_blocked.xml", "1003", local_ip="127.0.0.66") == 0
    assert sipp(pbx, "register_ok.xml", "1003", local_ip="127.0.0.67") == 0
    status, body = api(pbx["base"], "/api/v1/sip/blocked", token=pbx["token"])
    assert status == 200
    assert [b["address"] for b in body["items"]] == ["127.0.0.66"]
    _, log = api(pbx["base"], "/api/v1/audit-log?q=sip.block", token=pbx["token"])
    assert any(e["action"] == "sip.block" and e["address"] == "127.0.0.66" for e in log["items"])
    status, _ = api(pbx["base"], "/api/v1/sip/blocked/127.0.0.66", "DELETE", token=pbx["token"])
    assert status == 204
    assert sipp(pbx, "register_ok.xml", "1003", local_ip="127.0.0.66") == 0


def options(host, port, source_ip="127.0.0.1", branch="z9hG4bK-probe", body=""):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((source_ip, 0))
    sock.settimeout(3)
    local = sock.getsockname()[1]
    msg = (f"OPTIONS sip:{host}:{port} SIP/2.0\r\nVia: SIP/2.0/UDP {source_ip}:{local};branch={branch};rport\r\n"
           f"Max-Forwards: 70\r\nFrom: <sip:probe@{source_ip}>;tag=p1\r\nTo: <sip:{host}:{port}>\r\n"
           f"Call-ID: {branch}@probe\r\nCSeq: 1 OPTIONS\r\n"
           + (f"Content-Type: text/plain\r\n" if body else "") + f"Content-Length: {len(body)}\r\n\r\n{body}")
    sock.sendto(msg.encode(), (host, port))
    try:
        return sock.recv(65535).decode(errors="replace")
    finally:
        sock.close()


def test_a_datagram_far_larger_than_a_packet_is_read_whole(pbx):
    """RFC 3261 §18.1.1: a message over UDP may be as large as the datagram; one of 30,000 bytes is answered, not
    cut short (a 400 for a truncated body)."""
    host, port = pbx["sip"]
    reply = options(host, port, branch="z9hG4bK-large", body="x" * 30_000)
    assert reply.startswith("SIP/2.0 200"), reply[:200]


def test_random_and_mutated_datagrams_never_take_the_server_down(pbx):
    host, port = pbx["sip"]
    seeds = [open(os.path.join(HERE, "..", "..", "Tests", "SIPTests", "Fixtures", "rfc4475", f), "rb").read()
             for f in sorted(os.listdir(os.path.join(HERE, "..", "..", "Tests", "SIPTests", "Fixtures", "rfc4475"))) if f.endswith(".dat")]
    rng = random.Random(4475)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.9", 0))
    sent = 0
    for i in range(5000):
        if i % 3 == 0:
            data = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 1400)))
        else:
            data = bytearray(rng.choice(seeds))
            for _ in range(rng.randint(1, 12)):
                op = rng.random()
                pos = rng.randrange(len(data)) if data else 0
                if op < 0.4 and data:
                    data[pos] = rng.getrandbits(8)
                elif op < 0.7:
                    data[pos:pos] = bytes(rng.choice([b"\r\n", b":", b";", b"<", b">", b"\"", b"%", b",", b" ", b"\x00", b"SIP/2.0", b"99999999999"]))
                elif data:
                    del data[pos:pos + rng.randint(1, 40)]
            data = bytes(data[:60000])
        sock.sendto(data, (host, port))
        sent += 1
        if i % 200 == 0:
            time.sleep(0.01)  # a bounded, paced load
    sock.close()
    assert sent == 5000
    reply = options(host, port, branch="z9hG4bK-after-fuzz")
    assert reply.startswith("SIP/2.0 200 OK"), reply
    # The server is alive on HTTP too, and still the same process.
    assert pbx["server"].proc.poll() is None
    status, body = api(pbx["base"], "/healthz")
    assert status == 200 and body["status"] == "ok"


def test_registrations_survive_a_restart_until_they_expire(tmp_path):
    data = str(tmp_path / "data")
    server = Server(data=data, args=["--admin-password", "Admin-Pass-123"], sip="127.0.0.1:0")
    base = server.wait_ready()
    _, body = api(base, "/api/v1/auth/login", "POST", {"username": "admin", "password": "Admin-Pass-123"})
    token = body["token"]
    api(base, "/api/v1/extensions", "POST", {"number": "2001", "password": SECRET}, token)
    host, port = server.sip.rsplit(":", 1)
    pbx = {"sip": (host, int(port)), "base": base, "token": token}
    assert sipp(pbx, "register_ok.xml", "2001") == 0
    assert server.stop() == 0

    again = Server(data=data, sip="127.0.0.1:0")
    base = again.wait_ready()
    _, body = api(base, "/api/v1/auth/login", "POST", {"username": "admin", "password": "Admin-Pass-123"})
    _, listing = api(base, "/api/v1/extensions", token=body["token"])
    row = listing["items"][0]
    # The binding is back with its expiry; sipp has exited, so qualify may
    # already have marked it unreachable ("registered" means reachable).
    assert len(row["contacts"]) == 1, row
    assert row["contacts"][0]["userAgent"] == "sipp"
    assert row["contacts"][0]["expiresAt"] > time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    assert again.stop() == 0
