"""SIP messages whose answers cannot be sent must never take the server down.

Before the fix one OPTIONS whose Via said port 0 made NIO close the SIP UDP
socket, and the failure took the web server with it (SIGTERM then no longer
ended the process). These tests send such messages, and a seeded burst of
mutated ones, to the real binary and check that SIP, HTTP and shutdown
still work.
"""
import os
import random
import socket
import time

import pytest

import hardkit

# The datagram from the bug report, byte for byte (CRLF line endings).
PORT_ZERO_OPTIONS = (
    b"OPTIONS sip:x SIP/2.0\r\n"
    b"Via: SIP/2.0/UDP 127.0.0.1:0;branch=z9hG4bK1\r\n"
    b"From: <sip:a@b>;tag=1\r\n"
    b"To: <sip:x>\r\n"
    b"Call-ID: 1@b\r\n"
    b"CSeq: 1 OPTIONS\r\n"
    b"Max-Forwards: 70\r\n"
    b"Content-Length: 0\r\n\r\n"
)


@pytest.fixture(scope="module")
def pbx():
    server = hardkit.start()
    yield server
    code, _ = hardkit.stop_timed(server, 20)
    assert code == 0


def assert_web_and_sip_up(server, label):
    reply = hardkit.healthz(server)
    assert reply.status == 200 and reply.json and reply.json.get("status") == "ok", f"{label}: /healthz {reply}"
    answer = hardkit.udp_options(server, branch=f"z9hG4bK-after-{label}")
    assert answer and answer.startswith("SIP/2.0 200 OK"), f"{label}: OPTIONS over UDP got {answer!r}"


def test_port_zero_via_datagram_leaves_web_and_sip_up_and_sigterm_exits_zero():
    server = hardkit.start()
    try:
        hardkit.udp_send(server, PORT_ZERO_OPTIONS)
        time.sleep(0.5)  # let the server try (and fail) to answer it
        assert server.proc.poll() is None, "the process ended"
        assert_web_and_sip_up(server, "port0")
        # A second one, to be sure the socket that answered above is not the last.
        hardkit.udp_send(server, PORT_ZERO_OPTIONS.replace(b"z9hG4bK1", b"z9hG4bK2").replace(b"1@b", b"2@b"))
        time.sleep(0.3)
        assert_web_and_sip_up(server, "port0-again")
        code, elapsed = hardkit.stop_timed(server, 10)
        assert code == 0, f"SIGTERM: exit code {code} after {elapsed:.1f}s; stderr tail {server.stderr_lines[-8:]}"
        assert elapsed < 5, f"SIGTERM took {elapsed:.1f}s"
    finally:
        if server.proc.poll() is None:
            server.proc.kill()


def test_an_unsendable_answer_is_counted_in_metrics(pbx):
    before_reply, before = hardkit.metrics(pbx)
    assert before_reply.status == 200
    hardkit.udp_send(pbx, PORT_ZERO_OPTIONS.replace(b"z9hG4bK1", b"z9hG4bK-m1").replace(b"1@b", b"m1@b"))
    time.sleep(0.5)
    reply, after = hardkit.metrics(pbx)
    assert reply.status == 200
    assert "hotline_sip_sends_dropped_total" in after, (
        "no hotline_sip_sends_dropped_total on /metrics; the SIP/PBX figures present: "
        + str(sorted(k for k in after if k.startswith("hotline_sip") or k.startswith("hotline_http_conn"))))
    assert after["hotline_sip_sends_dropped_total"] >= 1
    assert after["hotline_sip_sends_dropped_total"] > before.get("hotline_sip_sends_dropped_total", 0)


# Via sent-by values that must not hurt: no rport, so the answer is aimed at
# the Via's port (or refused as a bad Via).
INVALID_SENT_BY = ["999.1.1.1:5060", "255.255.255.255:5060", "224.0.0.1:5060", "[::1]:5060", "127.0.0.1:99999", "127.0.0.1"]


def test_invalid_via_sent_by_values_are_harmless(pbx):
    answers = {}
    for index, sent_by in enumerate(INVALID_SENT_BY):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(1.0)
        sock.sendto(hardkit.options_message(sent_by, f"z9hG4bK-bad{index}"), pbx.sip_addr)
        try:
            answers[sent_by] = sock.recv(65535).decode(errors="replace").split("\r\n", 1)[0]
        except socket.timeout:
            answers[sent_by] = None
        sock.close()
        assert pbx.proc.poll() is None, f"the process ended after Via {sent_by}"
        assert_web_and_sip_up(pbx, f"via-{index}")
    print("answers at the source port:", answers)
    # An out-of-range port is not a Via at all: 400 Bad Via, back to the source.
    assert answers["127.0.0.1:99999"] is not None and answers["127.0.0.1:99999"].startswith("SIP/2.0 400"), answers
    assert "Bad Via" in answers["127.0.0.1:99999"], answers


# --- the seeded mutation burst ------------------------------------------------

def base_messages(sip_host, sip_port, source, local_port, transport):
    via = f"SIP/2.0/{transport} {source}:{local_port};branch=z9hG4bK-{{b}};rport"
    sdp = (
        "v=0\r\no=- 1 1 IN IP4 127.0.0.9\r\ns=-\r\nc=IN IP4 127.0.0.9\r\nt=0 0\r\n"
        "m=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
        "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n"
    )
    common = [
        "Max-Forwards: 70",
        "From: <sip:1001@{h}>;tag=f{b}",
        "To: <sip:{to}@{h}>",
        "Call-ID: c{b}@fuzz",
        "User-Agent: hardening-fuzz",
    ]
    invite = (["INVITE sip:1002@{h}:{p} SIP/2.0", "Via: " + via] + common
              + ["CSeq: 1 INVITE", "Contact: <sip:1001@{s}:{lp};transport={tl}>", "Content-Type: application/sdp",
                 f"Content-Length: {len(sdp)}"], sdp)
    register = (["REGISTER sip:{h}:{p} SIP/2.0", "Via: " + via] + common
                + ["CSeq: 1 REGISTER", "Contact: <sip:1001@{s}:{lp};transport={tl}>;expires=60", "Expires: 60",
                   "Authorization: Digest username=\"1001\", realm=\"hotline\", nonce=\"abc\", uri=\"sip:{h}\", response=\"00\"",
                   "Content-Length: 0"], "")
    options = (["OPTIONS sip:{h}:{p} SIP/2.0", "Via: " + via] + common
               + ["CSeq: 1 OPTIONS", "Accept: application/sdp", "Content-Length: 0"], "")
    fill = dict(h=sip_host, p=sip_port, s=source, lp=local_port, tl=transport.lower(), to="1002")
    return [([line.replace("{h}", fill["h"]).replace("{p}", str(fill["p"])).replace("{s}", fill["s"])
              .replace("{lp}", str(fill["lp"])).replace("{tl}", fill["tl"]).replace("{to}", fill["to"]) for line in lines], body)
            for lines, body in (invite, register, options)]


def mutate(rng, template, own_port, max_size):
    lines, body = template
    lines = list(lines)
    branch = f"{rng.getrandbits(40):x}"
    lines = [line.replace("{b}", branch) for line in lines]
    # Header-level mutations first.
    for _ in range(rng.randint(0, 3)):
        op = rng.random()
        if op < 0.2 and len(lines) > 1:  # drop a header
            del lines[rng.randrange(1, len(lines))]
        elif op < 0.4 and len(lines) > 1:  # duplicate a header
            lines.insert(rng.randrange(1, len(lines) + 1), lines[rng.randrange(1, len(lines))])
        elif op < 0.55:  # absurd Content-Length
            value = rng.choice(["-1", "99999999999999999999", "4294967296", "70000", "1e3", "", "0x10", " 5", "12abc"])
            lines = [l for l in lines if not l.lower().startswith("content-length")] + [f"Content-Length: {value}"]
        elif op < 0.7:  # a huge header value (kept under the UDP datagram limit for UDP)
            size = rng.choice([1000, 8000, 30000, 60000, 70000])
            lines.insert(rng.randrange(1, len(lines) + 1), "X-Big: " + "a" * min(size, max_size - 2000))
        elif op < 0.85:  # a Via sent-by nobody can be answered at
            sent_by = rng.choice(["127.0.0.1:0", "255.255.255.255:5060", "0.0.0.0:5060", "224.0.0.1:5060", "[::1]:5060",
                                  "127.0.0.1:99999", "127.0.0.1", f"127.0.0.1:{own_port}", "999.1.1.1:5060", "[ff02::1]:0",
                                  "host.invalid:0", "127.0.0.1:65535"])
            rport = rng.choice(["", ";rport", ";rport=0", ";rport=99999"])
            lines = [l for l in lines if not l.startswith("Via:")]
            lines.insert(1, f"Via: SIP/2.0/{rng.choice(['UDP', 'TCP', 'TLS', 'XYZ'])} {sent_by};branch=z9hG4bK{branch}{rport}")
        else:  # a garbage start line
            lines[0] = rng.choice(["", "SIP/2.0 200", "INVITE", "INVITE sip: SIP/2.0", "GET / HTTP/1.1", "\x00\x00\x00",
                                   "OPTIONS sip:x SIP/3.0", "SIP/2.0 999999 X", "REGISTER <sip:x> SIP/2.0", "ñ∂ sip:x SIP/2.0"])
    data = bytearray(("\r\n".join(lines) + "\r\n\r\n" + body).encode())
    # Byte-level mutations.
    for _ in range(rng.randint(0, 6)):
        op = rng.random()
        pos = rng.randrange(len(data)) if data else 0
        if op < 0.3 and data:
            data[pos] = rng.getrandbits(8)
        elif op < 0.55:
            data[pos:pos] = rng.choice([b"\x00", b"\r\n", b"\r\n\r\n", b":", b";", b",", b"<", b">", b"\"", b"%", b" ",
                                        b"\xff\xfe", b"SIP/2.0", b"99999999999", b"\r\nContent-Length: 10\r\n"])
        elif op < 0.8 and data:
            del data[pos:pos + rng.randint(1, 40)]
        elif data:
            del data[rng.randrange(len(data)):]  # truncate
    return bytes(data[:max_size])


def test_seeded_mutation_burst_over_udp_and_tcp_leaves_everything_working():
    seed = int(os.environ.get("HOTLINE_MUTATION_SEED") or random.SystemRandom().randrange(1 << 32))
    print(f"mutation seed: {seed} (replay with HOTLINE_MUTATION_SEED={seed})")
    rng = random.Random(seed)
    server = hardkit.start()
    try:
        host, port = server.sip_addr
        # UDP: a few thousand datagrams from 127.0.0.9, paced a little.
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.9", 0))
        udp.setblocking(False)
        own = udp.getsockname()[1]
        templates = base_messages(host, port, "127.0.0.9", own, "UDP")
        sent_udp = 0
        answered_udp = 0
        for i in range(3000):
            payload = mutate(rng, rng.choice(templates), own, 65000) if rng.random() < 0.9 else \
                bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 1500)))
            if not payload:
                continue
            try:
                udp.sendto(payload, (host, port))
                sent_udp += 1
            except BlockingIOError:
                time.sleep(0.01)
            if i % 100 == 99:
                time.sleep(0.02)
                try:
                    while True:
                        if udp.recv(65535).startswith(b"SIP/2.0 "):
                            answered_udp += 1
                except (BlockingIOError, ConnectionRefusedError):
                    pass
        udp.close()
        print(f"{answered_udp} answers came back over UDP")
        assert sent_udp > 2500
        # Not all noise: a good share of the mutants still parse and get answered.
        assert answered_udp > 100
        assert server.proc.poll() is None, f"the process ended during the UDP burst; stderr {server.stderr_lines[-10:]}"

        # TCP: a few hundred messages over several connections from 127.0.0.10;
        # some connections are closed halfway through a message.
        sent_tcp = 0
        reconnects = 0
        conns = []

        def fresh():
            sock = hardkit.tcp_connect_sip(server, "127.0.0.10")
            sock.settimeout(2)
            return sock

        for _ in range(6):
            conns.append(fresh())
        for i in range(360):
            slot = rng.randrange(len(conns))
            sock = conns[slot]
            local = sock.getsockname()[1]
            payload = mutate(rng, rng.choice(base_messages(host, port, "127.0.0.10", local, "TCP")), local, 72000)
            cut_midway = rng.random() < 0.06
            if cut_midway and len(payload) > 2:
                payload = payload[:rng.randrange(1, len(payload))]
            try:
                sock.sendall(payload)
                sent_tcp += 1
            except OSError:
                pass
            if cut_midway:
                sock.close()
                conns[slot] = fresh()
                reconnects += 1
                continue
            # Read whatever came back; a connection the server closed is replaced.
            sock.setblocking(False)
            try:
                alive = True
                while True:
                    chunk = sock.recv(65535)
                    if not chunk:
                        alive = False
                        break
            except BlockingIOError:
                pass
            except OSError:
                alive = False
            sock.settimeout(2)
            if not alive:
                sock.close()
                conns[slot] = fresh()
                reconnects += 1
            if i % 40 == 39:
                time.sleep(0.02)
        for sock in conns:
            sock.close()
        print(f"sent {sent_udp} UDP datagrams and {sent_tcp} TCP messages ({reconnects} reconnects)")
        assert sent_tcp > 300

        time.sleep(0.5)
        assert server.proc.poll() is None, f"the process ended during the TCP burst; stderr {server.stderr_lines[-10:]}"
        reply = hardkit.healthz(server)
        assert reply.status == 200 and reply.json["status"] == "ok", f"seed {seed}: /healthz {reply}"
        answer = hardkit.udp_options(server, source="127.0.0.1", branch="z9hG4bK-after-burst")
        assert answer and answer.startswith("SIP/2.0 200 OK"), f"seed {seed}: OPTIONS over UDP got {answer!r}"
        answer = hardkit.tcp_options(server, source="127.0.0.1", branch="z9hG4bK-after-burst-tcp")
        assert answer and answer.startswith("SIP/2.0 200 OK"), f"seed {seed}: OPTIONS over TCP got {answer!r}"
        reply, values = hardkit.metrics(server)
        assert reply.status == 200 and "hotline_uptime_seconds" in values, f"seed {seed}: /metrics {reply}"
        code, elapsed = hardkit.stop_timed(server, 15)
        assert code == 0, f"seed {seed}: SIGTERM gave exit code {code} after {elapsed:.1f}s; stderr {server.stderr_lines[-10:]}"
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
