"""Calls between extensions through Hotline's B2BUA, against sipp callers and callees.

Extensions 2001 (the caller), 2002 (answers), 2003 (busy), 2004 (never
registered), 2005 (records its calls) and 2006 (two phones). Each callee is
registered by one sipp run (register_ok.xml) from a port where a second
sipp run then answers (a sipp that sent REGISTER cannot take calls).

How the tests know media crossed, both ways:
- caller → callee: the caller plays /usr/share/sip-tester/g711a.pcap; the
  callee's SDP names a Python endpoint (rtp.Endpoint), which must receive
  those very payloads (PCMA on both legs: nothing to transcode), or, for the
  PCMU caller, A-law packets that decode to the caller's 1 kHz tone.
- callee → caller: the endpoint streams its own 400 Hz tone to the address
  the server put in the INVITE's SDP; the caller runs with -rtp_echo, so its
  sipp sends back whatever reaches its media port. The endpoint must get its
  own tone back (through the caller, so through both legs twice), and the
  caller's own counter (a screen dump on SIGUSR2: "N Total echo RTP pckts")
  must show the packets arrived at the caller.
"""
import json
import os
import random
import socket
import time
import urllib.request
import wave
import io

import pytest

import callkit
import rtp
from conftest import OUT, Server

ADMIN = "Admin-Pass-123"
SECRET = "Secret-Ext-Pass-1"
G711A = "/usr/share/sip-tester/g711a.pcap"
RTP_PORTS = 100


def api(base, path, method="GET", body=None, token=None, raw=False):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            data = resp.read()
            return resp.status, data if raw else (json.loads(data) if data else None)
    except urllib.error.HTTPError as err:
        data = err.read()
        return err.code, data if raw else (json.loads(data) if data else None)


def free_rtp_range(count):
    """A run of `count` free UDP ports (even start) for --rtp-ports."""
    for _ in range(50):
        lo = random.randrange(20000, 30000 - count, 2)
        socks = []
        try:
            for p in range(lo, lo + count):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return lo, lo + count - 1
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free RTP port range")


@pytest.fixture(scope="module")
def pbx(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("calls"))
    lo, hi = free_rtp_range(RTP_PORTS)
    # Qualify off: the callee sipp runs answer OPTIONS (-aa) but are not running between tests.
    server = Server(args=["--admin-password", ADMIN, "--rtp-ports", f"{lo}-{hi}", "--sip-qualify-seconds", "0"], sip="127.0.0.1:0")
    base = server.wait_ready()
    _, body = api(base, "/api/v1/auth/login", "POST", {"username": "admin", "password": ADMIN})
    token = body["token"]
    for number, contacts, recording in (("2001", 1, False), ("2002", 1, False), ("2003", 1, False), ("2004", 1, False),
                                        ("2005", 1, True), ("2006", 2, False)):
        status, created = api(base, "/api/v1/extensions", "POST",
                              {"number": number, "password": SECRET, "maxContacts": contacts, "recording": recording}, token)
        assert status == 201, created
    host, port = server.sip.rsplit(":", 1)
    target = f"{host}:{port}"
    phones = {n: callkit.udp_port() for n in ("2001", "2002", "2003", "2005")}
    phones["2006a"], phones["2006b"] = callkit.udp_port(), callkit.udp_port()
    for name, local in phones.items():
        rc, run = callkit.register(folder, target, name[:4], SECRET, local, name=f"register-{name}")
        assert rc == 0, run.report()
    _, listing = api(base, "/api/v1/extensions?pageSize=50", token=token)
    registered = {e["number"]: len(e["contacts"]) for e in listing["items"]}
    assert registered["2002"] == 1 and registered["2006"] == 2 and registered["2004"] == 0, registered
    yield {"server": server, "base": base, "token": token, "host": host, "port": int(port), "target": target,
           "phones": phones, "folder": folder, "rtp": (lo, hi)}
    code = server.stop()
    with open(OUT / "test_sip_calls-server.log", "w") as f:  # the server's own account of the calls
        f.write("\n".join(server.lines + server.stderr_lines) + "\n")
    assert code == 0


def call_ids(pbx):
    _, body = api(pbx["base"], "/api/v1/calls?pageSize=100", token=pbx["token"])
    return {c["id"] for c in body["items"]}


def new_cdr(pbx, before, timeout=10):
    """The one call record written since `before` (a set of ids), once it has ended."""
    def ended():
        _, body = api(pbx["base"], "/api/v1/calls?pageSize=100", token=pbx["token"])
        fresh = [c for c in body["items"] if c["id"] not in before]
        return fresh if fresh and all(c["endedAt"] for c in fresh) else None
    fresh = callkit.wait_until(ended, timeout, step=0.2)
    assert fresh and len(fresh) == 1, fresh
    return fresh[0]


def place(pbx, folder, scenario, callee_number, **kw):
    """2001 calls callee_number from its registered phone's port."""
    kw.setdefault("timeout", 20 + kw.get("hold_ms", 0) // 1000)
    return callkit.caller(folder, pbx["target"], scenario, [("2001", SECRET, callee_number)],
                          auth_uri=f"{callee_number}@{pbx['target']}", local_port=pbx["phones"]["2001"], **kw)


def answer(pbx, folder, scenario, phone, rtp_port=None, **kw):
    kw.setdefault("timeout", 30)
    return callkit.callee(folder, scenario, pbx["phones"][phone], rtp_port, name=f"callee-{phone}", **kw)


def finish(*runs):
    codes = [r.wait() for r in runs]
    for run, code in zip(runs, codes):
        assert code == 0, run.report()


def in_range(pbx, port):
    lo, hi = pbx["rtp"]
    return lo <= port <= hi


def check_anchored(pbx, caller, callee):
    """The SDP each side got names the server's address and ports from --rtp-ports, and offers G.711 and telephone-event."""
    to_callee = rtp.sdp_media(callee.received("INVITE"))
    to_caller = rtp.sdp_media(caller.received("SIP/2.0 200"))
    assert to_callee and to_caller, (callee.report(), caller.report())
    assert to_callee[0] == pbx["host"] and in_range(pbx, to_callee[1]), to_callee
    assert to_caller[0] == pbx["host"] and in_range(pbx, to_caller[1]), to_caller
    assert to_callee[1] != to_caller[1]
    assert {0, 8, 101} <= set(to_callee[2]), "the server offers PCMU, PCMA and telephone-event"
    return to_caller, to_callee


def stream_when_answered(endpoint, payloads, pt, out):
    """During the call: once the callee has the ACK, stream payloads from the endpoint to the server's
    address for the callee leg (from the INVITE the callee got); then dump the caller's echo counter."""
    def during(caller, callee):
        if not callkit.wait_until(lambda: callee.received("ACK"), 15):
            return
        address, port, _ = rtp.sdp_media(callee.received("INVITE"))
        out["dest"] = (address, port)
        endpoint.send_stream((address, port), payloads, pt).join(timeout=15)
        time.sleep(0.5)  # the echo's round trip
        caller.dump_screen()
    return during


def run_call(pbx, folder, caller_scenario, callee_scenario, phone, number, *, hold_ms=0, ring_ms=0, endpoint=None,
             payloads=None, echo=False, extra_callees=()):
    callee = answer(pbx, folder, callee_scenario, phone, endpoint.port if endpoint else None, delay_ms=ring_ms)
    extra = [answer(pbx, folder, s, p, endpoint.port if endpoint else None, delay_ms=d) for s, p, d in extra_callees]
    caller = place(pbx, folder, caller_scenario, number, hold_ms=hold_ms, echo=echo)
    info = {}
    if endpoint is not None and payloads:
        stream_when_answered(endpoint, payloads, rtp.PCMA, info)(caller, callee)
    finish(caller, callee, *extra)
    info["extra"] = extra
    return caller, callee, info


def check_challenged(caller):
    assert caller.received("SIP/2.0 407"), caller.report()
    challenge = rtp.header(caller.received("SIP/2.0 407"), "Proxy-Authenticate")
    assert challenge and "qop" in challenge and ("MD5" in challenge or "SHA-256" in challenge), challenge
    invites = [m for d, m in caller.messages() if d == "sent" and m.startswith("INVITE")]
    assert not rtp.header(invites[0], "Proxy-Authorization") and callkit.digest_ok(invites[-1], SECRET)


# ---------------------------------------------------------------- the tests

def test_answered_call_relays_audio_both_ways_and_writes_the_cdr(pbx, folder):
    pcap = {p.payload for p in rtp.pcap_packets(G711A)}
    tone = rtp.tone_payloads(400, 2, rtp.PCMA)
    before = call_ids(pbx)
    with rtp.Endpoint() as ep:
        caller, callee, info = run_call(pbx, folder, "call_uac_auth.xml", "call_uas_answer.xml", "2002", "2002",
                                        hold_ms=7200, ring_ms=1000, endpoint=ep, payloads=tone, echo=True)
        got = ep.received()
    check_challenged(caller)
    to_caller, to_callee = check_anchored(pbx, caller, callee)
    assert 8 in to_caller[2], "the caller offered PCMA first and the callee answered PCMA"
    # caller → callee: the pcap's own payloads, from the server's port for this leg (symmetric RTP)
    from_caller = [p for p in got if p.payload in pcap]
    assert len(from_caller) >= 224, f"{len(from_caller)} of 236 g711a packets reached the callee"
    assert {p.pt for p in from_caller} == {rtp.PCMA}
    assert {p.source for p in from_caller} == {(to_callee[0], to_callee[1])}
    # callee → caller: the caller's sipp counted them arriving and echoed them back to the callee
    assert caller.screen_counter() >= 95, caller.report()
    echoed = [p for p in got if p.payload == tone[0]]
    assert len(echoed) >= 95, f"{len(echoed)} of 100 callee packets came back through the caller" + str([(metric(pbx, "hotline_rtp_packets_dropped_total"), metric(pbx, "hotline_rtp_packets_relayed_total"), reused, metric(pbx, "hotline_rtp_pairs_reused_total"))]) + caller.report()[-3000:]
    cdr = new_cdr(pbx, before)
    assert cdr["direction"] == "internal" and "2001" in cdr["from"] and "2002" in cdr["to"], cdr
    assert cdr["disposition"] == "answered" and cdr["hangupBy"] == "caller", cdr
    assert cdr["answeredAt"] and cdr["startedAt"] <= cdr["answeredAt"] <= cdr["endedAt"], cdr
    assert abs(cdr["talkSeconds"] - 7.2) <= 1.0, cdr
    assert 0 <= cdr["ringSeconds"] <= 2, cdr
    assert cdr["recording"] is False


def test_cancel_while_ringing_gives_487_and_a_cancelled_cdr(pbx, folder):
    before = call_ids(pbx)
    caller, callee, _ = run_call(pbx, folder, "call_uac_auth_cancel.xml", "call_uas_ring.xml", "2002", "2002", hold_ms=1500)
    check_challenged(caller)
    assert caller.received("SIP/2.0 487") and callee.received("CANCEL")
    cdr = new_cdr(pbx, before)
    assert cdr["disposition"] == "cancelled" and cdr["answeredAt"] is None and cdr["talkSeconds"] == 0, cdr
    assert 1 <= cdr["ringSeconds"] <= 3, cdr


def test_callee_hangs_up(pbx, folder):
    before = call_ids(pbx)
    caller, callee, _ = run_call(pbx, folder, "call_uac_auth_remote_bye.xml", "call_uas_hangup.xml", "2002", "2002",
                                 ring_ms=2000)
    assert caller.received("BYE")
    cdr = new_cdr(pbx, before)
    assert cdr["disposition"] == "answered" and cdr["hangupBy"] == "callee", cdr
    assert abs(cdr["talkSeconds"] - 2) <= 1, cdr


def test_busy_callee_gives_486(pbx, folder):
    before = call_ids(pbx)
    caller, callee, _ = run_call(pbx, folder, "call_uac_auth_486.xml", "call_uas_busy.xml", "2003", "2003")
    assert callee.received("INVITE")
    cdr = new_cdr(pbx, before)
    assert cdr["disposition"] == "busy" and cdr["answeredAt"] is None, cdr


def test_unregistered_callee_gives_480(pbx, folder):
    before = call_ids(pbx)
    caller = place(pbx, folder, "call_uac_auth_480.xml", "2004")
    finish(caller)
    check_challenged(caller)
    cdr = new_cdr(pbx, before)
    assert cdr["disposition"] == "unavailable", cdr


def test_unknown_number_gives_404(pbx, folder):
    before = call_ids(pbx)
    caller = place(pbx, folder, "call_uac_auth_404.xml", "2999")
    finish(caller)
    check_challenged(caller)
    cdr = new_cdr(pbx, before)
    assert cdr["disposition"] == "not_found", cdr


def test_rfc2833_dtmf_reaches_the_callee(pbx, folder):
    with rtp.Endpoint() as ep:
        # The callee sends audio too (a relay may wait for a leg's first packet before it sends to it).
        caller, callee, _ = run_call(pbx, folder, "call_uac_auth_dtmf.xml", "call_uas_answer.xml", "2002", "2002", endpoint=ep,
                                     payloads=rtp.tone_payloads(400, 2, rtp.PCMA))
        events = [(p.event(), p.marker) for p in ep.received(rtp.TELEPHONE_EVENT)]
        audio = ep.received(rtp.PCMA)
    assert len(audio) >= 50, len(audio)
    assert len(events) >= 3, events
    assert {e[0][0] for e in events} == {1}, "digit 1"
    assert any(e[0][1] for e in events), "the event's end is relayed"


def test_pcmu_caller_and_pcma_callee_are_transcoded(pbx, folder):
    rtp.write_pcap(os.path.join(folder, "tone_pcmu.pcap"), rtp.tone_payloads(1000, 3, rtp.PCMU), rtp.PCMU)
    tone = rtp.tone_payloads(400, 2, rtp.PCMA)
    with rtp.Endpoint() as ep:
        caller, callee, _ = run_call(pbx, folder, "call_uac_auth_pcmu.xml", "call_uas_answer.xml", "2002", "2002",
                                     hold_ms=3500, endpoint=ep, payloads=tone, echo=True)
        got = ep.received()
    to_caller, to_callee = check_anchored(pbx, caller, callee)
    assert [pt for pt in to_caller[2] if pt < 96] == [0], "the caller offered PCMU only"
    assert {p.pt for p in got} == {rtp.PCMA}, {p.pt for p in got}
    heard = [rtp.decode(p.payload, rtp.PCMA) for p in got]
    caller_tone = [s for s in heard if 900 <= rtp.frequency(s) <= 1100 and rtp.rms(s) > 2000]
    own_tone = [s for s in heard if 340 <= rtp.frequency(s) <= 460 and rtp.rms(s) > 2000]
    assert len(caller_tone) >= 140, f"{len(caller_tone)} of 150 PCMU frames arrived as A-law 1 kHz"
    assert len(own_tone) >= 90, f"{len(own_tone)} of 100 A-law frames came back via the PCMU caller"
    assert caller.screen_counter() >= 95


def test_recorded_call_has_a_wav_with_both_sides(pbx, folder):
    before = call_ids(pbx)
    tone = rtp.tone_payloads(400, 3, rtp.PCMA)
    with rtp.Endpoint() as ep:
        run_call(pbx, folder, "call_uac_auth.xml", "call_uas_answer.xml", "2005", "2005", hold_ms=4000, endpoint=ep,
                 payloads=tone)
    cdr = new_cdr(pbx, before)
    assert cdr["disposition"] == "answered" and cdr["recording"] is True, cdr
    status, data = callkit.wait_until(
        lambda: (lambda r: r if r[0] == 200 else None)(api(pbx["base"], f"/api/v1/calls/{cdr['id']}/recording", token=pbx["token"], raw=True)), 10)
    assert status == 200 and data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    with wave.open(io.BytesIO(data)) as w:
        assert w.getframerate() == 8000 and w.getsampwidth() == 2 and w.getnchannels() in (1, 2)
        channels, frames = w.getnchannels(), w.readframes(w.getnframes())
        seconds = w.getnframes() / 8000
    assert abs(seconds - cdr["talkSeconds"]) <= 1.5, (seconds, cdr)
    samples = [int.from_bytes(frames[i:i + 2], "little", signed=True) for i in range(0, len(frames), 2)]
    if channels == 2:
        left, right = samples[0::2], samples[1::2]  # caller left, callee right
        assert rtp.rms(left) > 300, "the caller's g711a speech is on the left"
        middle = right[8000:8000 + 1600]
        assert 340 <= rtp.frequency(middle) <= 460 and rtp.rms(middle) > 2000, "the callee's 400 Hz tone is on the right"
    else:
        assert rtp.rms(samples) > 300


def test_all_contacts_ring_and_the_first_answer_wins(pbx, folder):
    """2006 has two phones: one answers after 1 s, the other rings on and gets a CANCEL."""
    before = call_ids(pbx)
    caller, winner, info = run_call(pbx, folder, "call_uac_auth_nomedia.xml", "call_uas_answer.xml", "2006a", "2006",
                                    hold_ms=1000, ring_ms=1000, extra_callees=[("call_uas_ring.xml", "2006b", 0)])
    [loser] = info["extra"]
    assert winner.received("INVITE") and loser.received("INVITE")
    assert loser.received("CANCEL") and loser.sent("SIP/2.0 487")
    cdr = new_cdr(pbx, before)
    assert cdr["disposition"] == "answered" and cdr["hangupBy"] == "caller", cdr


def metric(pbx, name):
    """An unlabelled sample of /metrics."""
    with urllib.request.urlopen(pbx["base"] + "/metrics", timeout=10) as resp:
        for line in resp.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    raise AssertionError(f"{name} is missing from /metrics")


def test_a_later_call_takes_rested_socket_pairs_and_relays_both_ways(pbx, folder):
    """An ended leg leaves its RTP/RTCP sockets open to rest; once rested, a new leg takes them instead of binding
    its own, and media flows both ways through them as through fresh ones."""
    for _ in range(2):  # one call on each media loop (calls take the loops in turn)
        run_call(pbx, folder, "call_uac_auth.xml", "call_uas_answer.xml", "2002", "2002", hold_ms=300)
    time.sleep(0.8)  # longer than the half second a pair rests before it is handed out again
    assert metric(pbx, "hotline_rtp_pairs_resting") >= 4
    reused = metric(pbx, "hotline_rtp_pairs_reused_total")
    pcap = {p.payload for p in rtp.pcap_packets(G711A)}
    tone = rtp.tone_payloads(400, 2, rtp.PCMA)
    with rtp.Endpoint() as ep:
        caller, callee, _ = run_call(pbx, folder, "call_uac_auth.xml", "call_uas_answer.xml", "2002", "2002",
                                     hold_ms=4000, endpoint=ep, payloads=tone, echo=True)
        got = ep.received()
    assert metric(pbx, "hotline_rtp_pairs_reused_total") >= reused + 2, "both legs took a rested pair"
    _, to_callee = check_anchored(pbx, caller, callee)
    from_caller = [p for p in got if p.payload in pcap]
    # sipp starts the pcap a second or so after the ACK and the BYE cuts it: what arrived must be whole.
    seqs = [p.seq for p in from_caller]
    assert len(seqs) >= 100 and seqs == list(range(seqs[0], seqs[0] + len(seqs))), f"g711a packets at the callee: {seqs}"
    assert {p.source for p in from_caller} == {(to_callee[0], to_callee[1])}
    echoed = [p for p in got if p.payload == tone[0]]
    assert len(echoed) >= 95, f"{len(echoed)} of 100 callee packets came back through the caller"
