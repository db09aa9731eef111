"""Call transfer through Hotline's B2BUA, with sipp phones and Python RTP endpoints.

Extensions: 2401 is A (the caller, the transferee), 2402 is B (the callee,
the transferor; up to two phones), 2403 is C (the transfer target), 2404 is
never registered, 2405 is D (a stranger to the calls). B and C register once
from fixed ports (register_ok.xml), where each test's sipp phone then runs.

Blind transfer (RFC 3515): B sends REFER in its dialog with
`Refer-To: <sip:2403@server>`; the server answers 202, reports progress to B
in NOTIFYs (message/sipfrag), calls C itself, plays ringback to A while C
rings, joins A and C when C answers and hangs B up. A keeps its one dialog:
its sipp scenario (call_uac_auth_wait_bye.xml) fails on any request but the
final BYE, so "A gets no re-INVITE" is checked by sipp itself.

Attended transfer (RFC 3891): B's second call (to C) is named in the
Refer-To's Replaces; C's media is moved by a re-INVITE, A gets nothing.

How audio is judged: every phone's SDP names an rtp.Endpoint that talks a
tone of its own (A 1000 Hz, B 600 Hz, C 1400 Hz, each with its own SSRC) to
the server's port for its leg and records what it hears. The relay keeps the
sender's SSRC, so "A hears C" is: packets at A's endpoint with C's SSRC that
decode to 1400 Hz, after C answered. The server's own sounds (ringback, music
on hold) come with SSRCs of their own; ringback is 450 Hz. SIP events are
placed on the packets' clock by the timestamps in sipp's message logs.
"""
import os
import re
import time

import pytest

import callkit
import rtp
import transferkit as tk
from conftest import OUT, Server
from test_sip_calls import api, free_rtp_range

ADMIN = "Admin-Pass-123"
SECRET = "Secret-Ext-Pass-1"
A, B, C, GONE, D = "2401", "2402", "2403", "2404", "2405"
FREQ = {A: 1000, B: 600, C: 1400}
SSRC = {A: 0xA0A0A001, B: 0xB0B0B002, C: 0xC0C0C003}
RINGBACK = 450


@pytest.fixture(scope="module")
def pbx(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("transfer"))
    lo, hi = free_rtp_range(100)
    server = Server(args=["--admin-password", ADMIN, "--rtp-ports", f"{lo}-{hi}", "--sip-qualify-seconds", "0"], sip="127.0.0.1:0")
    try:
        base = server.wait_ready()
        _, body = api(base, "/api/v1/auth/login", "POST", {"username": "admin", "password": ADMIN})
        token = body["token"]
        for number in (A, B, C, GONE, D):
            status, created = api(base, "/api/v1/extensions", "POST",
                                  {"number": number, "password": SECRET, "maxContacts": 2, "recording": False}, token)
            assert status == 201, created
        host, port = server.sip.rsplit(":", 1)
        phones = tk.phone_ports((A, B, C, D))
        for number in (B, C):
            rc, run = callkit.register(folder, server.sip, number, SECRET, phones[number], name=f"register-{number}")
            assert rc == 0, run.report()
        yield {"server": server, "base": base, "token": token, "host": host, "port": int(port), "target": server.sip,
               "phones": phones, "rtp": (lo, hi)}
    finally:
        code = server.stop()
        with open(OUT / "test_call_transfer-server.log", "w") as f:
            f.write("\n".join(server.lines + server.stderr_lines) + "\n")
    assert code == 0


# ---------------------------------------------------------------- phones

def media_port(pbx):
    """A port pair for sipp's own media sockets (-mp: it binds the port and the port + 2) that is not the SIP port
    of a phone of ours, which is free between tests but must stay free for the next sipp phone."""
    for _ in range(50):
        port = callkit.udp_port(pair=True)
        if not any(0 <= phone - port <= 3 for phone in pbx["phones"].values()):
            return port
    raise RuntimeError("no media port")


def caller(pbx, folder, endpoint, number=A, callee=B, scenario="call_uac_auth_wait_bye.xml", name="A", extra=(), timeout=30):
    return callkit.caller(folder, pbx["target"], scenario, [(number, SECRET, callee)], auth_uri=f"{callee}@{pbx['target']}",
                          name=name, timeout=timeout, media_port=media_port(pbx), extra=("-key", "rtp_port", str(endpoint.port), *extra))


def callee(pbx, folder, scenario, number, endpoint, delay_ms=0, name=None, extra=(), port=None, timeout=30):
    # callkit.callee picks its own -mp; the later -mp here wins (sipp reads its arguments in order)
    return callkit.callee(folder, scenario, port or pbx["phones"][number], endpoint.port, delay_ms=delay_ms, name=name or number,
                          timeout=timeout, extra=("-mp", str(media_port(pbx)), "-key", "server", pbx["target"], *extra))


def with_pauses(folder, scenario, *ms):
    """A copy of scenarios/<scenario> whose fixed pauses (in order) last `ms` instead."""
    with open(os.path.join(callkit.SCENARIOS, scenario)) as f:
        text = f.read()
    values = iter(ms)
    text = re.sub(r'<pause milliseconds="\d+"/>', lambda m: f'<pause milliseconds="{next(values)}"/>', text, count=len(ms))
    path = os.path.join(folder, scenario)
    with open(path, "w") as f:
        f.write(text)
    return path


class Voices:
    """One endpoint and one talker per phone; talkers start once the phone knows the server's address."""

    def __init__(self, cleanup, *numbers):
        self.endpoints = {n: rtp.Endpoint() for n in numbers}
        self.talkers = {n: tk.Talker(self.endpoints[n], FREQ.get(n, 800), SSRC.get(n, 0xD0D0D000 + i)) for i, n in enumerate(numbers)}
        cleanup.append(self.close)

    def __getitem__(self, number):
        return self.endpoints[number]

    def talk_to_server_in_invite(self, number, sipp, index=0, timeout=15):
        """Talks to the server's address in the INVITE (index: 0 the first, 1 a re-INVITE) the phone received."""
        invite = tk.wait_for(sipp, "received", lambda t: tk.is_request(t, "INVITE"), count=index + 1, timeout=timeout)[index][1]
        self.talkers[number].to(tk.sdp_port(invite), tk.sdp_codec(invite))
        return invite

    def talk_to_server_in_answer(self, number, sipp, timeout=15):
        ok = tk.wait_for(sipp, "received", lambda t: tk.is_response(t, 200, "INVITE") and rtp.sdp_media(t), timeout=timeout)[-1][1]
        self.talkers[number].to(tk.sdp_port(ok), tk.sdp_codec(ok))
        return ok

    def heard(self, number):
        return self.endpoints[number].received()

    def close(self):
        for t in self.talkers.values():
            t.stop()
        for e in self.endpoints.values():
            e.close()


def finish(*runs):
    codes = [r.wait() for r in runs]
    for run, code in zip(runs, codes):
        assert code == 0, run.report()


def first(sipp, direction, match):
    found = tk.find(sipp, direction, match)
    assert found, f"no such message {direction} by {os.path.basename(sipp.log)}:\n" + sipp.report()
    return found[0]


def notifies(sipp):
    return [text for _, text in tk.find(sipp, "received", lambda t: tk.is_request(t, "NOTIFY"))]


def sipfrag(notify):
    return notify.split("\n\n", 1)[1].strip() if "\n\n" in notify else ""


def check_notifies(sipp, expected_statuses):
    """The NOTIFYs of the transfer (RFC 3515 §2.4.4-5): their sipfrag status lines in order, the last one terminating."""
    got = notifies(sipp)
    lines = [sipfrag(n).split("\n")[0] for n in got]
    assert [line.split(" ")[1] if line.startswith("SIP/2.0 ") else line for line in lines] == [str(s) for s in expected_statuses], \
        (lines, sipp.report())
    for i, n in enumerate(got):
        assert (rtp.header(n, "Event") or "").split(";")[0].strip().lower() == "refer", n
        assert (rtp.header(n, "Content-Type") or "").replace(" ", "").lower() == "message/sipfrag;version=2.0", n
        state = (rtp.header(n, "Subscription-State") or "").replace(" ", "").lower()
        if i == len(got) - 1:
            assert state.startswith("terminated") and "reason=noresource" in state, n
        else:
            assert state.startswith("active"), n
    return lines


def call_ids(pbx):
    _, body = api(pbx["base"], "/api/v1/calls?pageSize=100", token=pbx["token"])
    return {c["id"] for c in body["items"]}


def new_cdrs(pbx, before, count=1, timeout=10):
    def ended():
        _, body = api(pbx["base"], "/api/v1/calls?pageSize=100", token=pbx["token"])
        fresh = [c for c in body["items"] if c["id"] not in before]
        return fresh if len(fresh) >= count and all(c["endedAt"] for c in fresh) else None
    fresh = callkit.wait_until(ended, timeout, step=0.2)
    assert fresh and len(fresh) == count, fresh
    return sorted(fresh, key=lambda c: c["id"])


def check_legs(cdr, expected):
    """expected: [(number, role)] in the order the legs joined; each answered, each ended, in time order."""
    legs = cdr.get("legs")
    assert [(leg["number"], leg["role"]) for leg in legs or []] == expected, cdr
    for leg in legs:
        assert leg.get("answeredAt") and leg.get("endedAt") and leg["answeredAt"] <= leg["endedAt"], f"leg {leg} of {cdr}"
        assert cdr["startedAt"] <= leg["answeredAt"] and leg["endedAt"] <= cdr["endedAt"], f"leg {leg} of {cdr}"


def assert_tone(packets, freq, minimum, what, **kw):
    got = tk.tone_packets(packets, freq, **kw)
    assert len(got) >= minimum, f"{what}: {len(got)} packets of {freq} Hz (wanted {minimum}); heard: " + \
        tk.describe(packets, kw.get("after"), kw.get("before"))
    return got


def assert_ringback(packets, after, before, minimum=35):
    """Ringback from the server (not B's or C's SSRC): a pure 450 Hz tone, 1 s on in each 5 s, so >= 35 packets
    of a ringing that lasts 2 s."""
    got = tk.pure_tone_packets(packets, RINGBACK, after=after, before=before, not_ssrc=(SSRC[B], SSRC[C]))
    assert len(got) >= minimum, f"{len(got)} packets of pure {RINGBACK} Hz while C rang; heard: " + tk.describe(packets, after, before)
    return got


# ---------------------------------------------------------------- blind transfer

def start_blind_transfer(pbx, folder, cleanup, v, b_scenario, target, b_delay_ms):
    """A calls B, whose phone answers and after `b_delay_ms` REFERs the call to `target` (scenario `b_scenario`);
    A's and B's voices start once each knows where to send. Start C's phone, if any, before. Returns (a, b)."""
    b = callee(pbx, folder, b_scenario, B, v[B], delay_ms=b_delay_ms, extra=("-key", "target", target))
    cleanup.append(b.kill)
    time.sleep(0.2)
    a = caller(pbx, folder, v[A])
    cleanup.append(a.kill)
    v.talk_to_server_in_invite(B, b)
    v.talk_to_server_in_answer(A, a)
    return a, b


def test_blind_transfer_joins_a_with_c_after_ringback(pbx, folder, cleanup):
    """A calls B; after 1.5 s B transfers blind to C; C rings 2 s (A hears ringback), answers, talks 2 s, hangs up."""
    before = call_ids(pbx)
    v = Voices(cleanup, A, B, C)
    c = callee(pbx, folder, "call_uas_ring_answer_hangup.xml", C, v[C], delay_ms=2000)
    cleanup.append(c.kill)
    a, b = start_blind_transfer(pbx, folder, cleanup, v, "refer_blind.xml", C, b_delay_ms=1500)
    c_invite = v.talk_to_server_in_invite(C, c)
    finish(a, b, c)

    # Signalling: 202, NOTIFY 100 / 180 / 200 to B, B hung up by the server; C called by the server as A's call.
    t_refer, _ = first(b, "sent", lambda t: tk.is_request(t, "REFER"))
    accepted = first(b, "received", lambda t: tk.is_response(t, 202, "REFER"))[1]
    assert rtp.first_line(accepted) == "SIP/2.0 202 Accepted", accepted
    assert check_notifies(b, [100, 180, 200]) == ["SIP/2.0 100 Trying", "SIP/2.0 180 Ringing", "SIP/2.0 200 OK"]
    t_b_bye, _ = first(b, "received", lambda t: tk.is_request(t, "BYE"))
    assert "<sip:2401@" in (rtp.header(c_invite, "From") or ""), c_invite
    t_c_ring, _ = first(c, "received", lambda t: tk.is_request(t, "INVITE"))
    t_c_answer, _ = first(c, "sent", lambda t: tk.is_response(t, 200, "INVITE"))
    t_a_bye, _ = first(a, "received", lambda t: tk.is_request(t, "BYE"))
    assert t_refer < t_c_ring < t_c_answer < t_b_bye + 0.5 and t_c_answer < t_a_bye

    heard_a, heard_c, heard_b = v.heard(A), v.heard(C), v.heard(B)
    # Before the REFER A and B talked.
    assert_tone(heard_a, FREQ[B], 60, "A hearing B before the transfer", ssrc=SSRC[B], before=t_refer)
    assert_tone(heard_b, FREQ[A], 60, "B hearing A before the transfer", ssrc=SSRC[A], before=t_refer)
    # While C rang A heard ringback: 450 Hz from the server (1 s on in the 2 s of ringing).
    assert_ringback(heard_a, after=t_c_ring, before=t_c_answer)
    # After C answered: A hears C and C hears A (C talks 2 s before it hangs up).
    assert_tone(heard_a, FREQ[C], 75, "A hearing C after the transfer", ssrc=SSRC[C], after=t_c_answer, before=t_a_bye)
    assert_tone(heard_c, FREQ[A], 75, "C hearing A after the transfer", ssrc=SSRC[A], after=t_c_answer)
    late = tk.window(heard_a, after=t_c_answer + 0.3, ssrc=SSRC[B])
    assert not late, f"A still heard B after C answered: {len(late)} packets"

    [cdr] = new_cdrs(pbx, before)
    assert (cdr["from"], cdr["to"], cdr["disposition"]) == (A, B, "answered"), cdr
    assert cdr["transferredTo"] == C, cdr
    check_legs(cdr, [(A, "caller"), (B, "callee"), (C, "transfer")])


def test_blind_transfer_goes_on_when_the_transferor_hangs_up_after_the_202(pbx, folder, cleanup):
    """B sends BYE right after the 202 (as many phones do): C is still called, A hears ringback, then C;
    B's leg ends when B left, and B is free for a new call while A and C talk."""
    before = call_ids(pbx)
    v = Voices(cleanup, A, B, C)
    c = callee(pbx, folder, "call_uas_ring_answer_hangup.xml", C, v[C], delay_ms=2000)
    cleanup.append(c.kill)
    a, b = start_blind_transfer(pbx, folder, cleanup, v, "refer_blind_bye.xml", C, b_delay_ms=1500)
    v.talk_to_server_in_invite(C, c)
    assert b.wait() == 0, b.report()

    # While A and C talk, B is free again: a call from D to B reaches B's phone (which answers busy).
    t_c_answer = tk.wait_for(c, "sent", lambda t: tk.is_response(t, 200, "INVITE"))[0][0]
    b_again = callkit.callee(folder, "call_uas_busy.xml", pbx["phones"][B], name="B-again", timeout=15,
                             extra=("-mp", str(media_port(pbx))))
    cleanup.append(b_again.kill)
    time.sleep(0.2)
    d = callkit.caller(folder, pbx["target"], "call_uac_auth_486.xml", [(D, SECRET, B)], auth_uri=f"{B}@{pbx['target']}",
                       name="D", timeout=15, media_port=media_port(pbx))
    cleanup.append(d.kill)
    assert d.wait() == 0, d.report()
    b_reached = bool(tk.find(b_again, "received", lambda t: tk.is_request(t, "INVITE")))
    b_again.kill()
    finish(a, c)

    t_bye, _ = first(b, "sent", lambda t: tk.is_request(t, "BYE"))
    assert first(b, "received", lambda t: tk.is_response(t, 200, "BYE"))
    t_c_ring, _ = first(c, "received", lambda t: tk.is_request(t, "INVITE"))
    t_a_bye, _ = first(a, "received", lambda t: tk.is_request(t, "BYE"))
    assert t_bye < t_c_ring + 0.5 < t_c_answer, "B hung up while C was being called"
    heard_a, heard_c = v.heard(A), v.heard(C)
    assert_ringback(heard_a, after=t_c_ring, before=t_c_answer)
    assert_tone(heard_a, FREQ[C], 75, "A hearing C", ssrc=SSRC[C], after=t_c_answer, before=t_a_bye)
    assert_tone(heard_c, FREQ[A], 75, "C hearing A", ssrc=SSRC[A], after=t_c_answer)

    cdrs = new_cdrs(pbx, before, count=2)
    [cdr] = [x for x in cdrs if x["from"] == A]
    assert cdr["to"] == B and cdr["disposition"] == "answered" and cdr["transferredTo"] == C, cdr
    check_legs(cdr, [(A, "caller"), (B, "callee"), (C, "transfer")])
    b_leg, c_leg = cdr["legs"][1], cdr["legs"][2]
    [busy] = [x for x in cdrs if x["from"] == D]
    problems = []
    if not b_leg["endedAt"] <= c_leg["answeredAt"]:
        problems.append(f"B's leg should end when B hung up (before C answered at {c_leg['answeredAt']}), "
                        f"not at {b_leg['endedAt']}: {cdr['legs']}")
    if not b_reached or busy["disposition"] != "busy":
        problems.append(f"D's call to B while A and C talked: B's phone got {'an' if b_reached else 'no'} INVITE, CDR "
                        f"{busy['disposition']} ({busy['reason']}); B had hung up its leg of the transferred call, so the server "
                        "must not answer 486 for it")
    assert not problems, "\n".join(problems)


def test_failed_blind_transfer_puts_a_and_b_back_together(pbx, folder, cleanup):
    """C's phone answers 486: B gets NOTIFY 486, A and B talk again (both ways), then B hangs up."""
    before = call_ids(pbx)
    v = Voices(cleanup, A, B, C)
    c = callee(pbx, folder, "call_uas_busy.xml", C, v[C])
    cleanup.append(c.kill)
    a, b = start_blind_transfer(pbx, folder, cleanup, v, "refer_blind_fails.xml", C, b_delay_ms=1500)
    finish(a, b, c)

    lines = check_notifies(b, [100, 486])
    assert lines[1] == "SIP/2.0 486 Busy Here", lines
    t_final = tk.find(b, "received", lambda t: tk.is_request(t, "NOTIFY"))[-1][0]
    t_refer, _ = first(b, "sent", lambda t: tk.is_request(t, "REFER"))
    t_b_bye, _ = first(b, "sent", lambda t: tk.is_request(t, "BYE"))
    first(a, "received", lambda t: tk.is_request(t, "BYE"))
    heard_a, heard_b = v.heard(A), v.heard(B)
    # B talks 2.5 s after the NOTIFY 486: ~125 packets each way.
    assert_tone(heard_a, FREQ[B], 90, "A hearing B again after the failed transfer", ssrc=SSRC[B], after=t_final + 0.3, before=t_b_bye)
    assert_tone(heard_b, FREQ[A], 90, "B hearing A again after the failed transfer", ssrc=SSRC[A], after=t_final + 0.3, before=t_b_bye)
    assert_tone(heard_a, FREQ[B], 50, "A hearing B before the REFER", ssrc=SSRC[B], before=t_refer)

    [cdr] = new_cdrs(pbx, before)
    assert (cdr["from"], cdr["to"], cdr["disposition"], cdr["hangupBy"]) == (A, B, "answered", "callee"), cdr
    assert cdr["transferredTo"] is None, cdr
    legs = {(leg["number"], leg["role"]): leg for leg in cdr["legs"]}
    assert legs[(A, "caller")]["answeredAt"] and legs[(B, "callee")]["answeredAt"], cdr
    assert all(leg.get("answeredAt") is None for leg in cdr["legs"] if leg["number"] == C), cdr
    for leg in cdr["legs"]:
        # The OpenAPI document (GET /api/openapi.json) requires every leg's answeredAt and endedAt, null when unknown.
        assert "answeredAt" in leg and "endedAt" in leg, f"a leg without answeredAt/endedAt: {cdr['legs']}"


def test_failed_blind_transfer_of_a_held_call_plays_music_again(pbx, folder, cleanup):
    """B puts A on hold, then transfers blind to 2404 (never registered): NOTIFY 480, and A hears music on hold again."""
    from test_call_hold import music_rms
    before = call_ids(pbx)
    v = Voices(cleanup, A, B)
    a, b = start_blind_transfer(pbx, folder, cleanup, v, "refer_held_blind_fails.xml", GONE, b_delay_ms=1000)
    finish(a, b)

    lines = check_notifies(b, [100, 480])
    assert lines[1].startswith("SIP/2.0 480"), lines
    hold_ok = first(b, "received", lambda t: tk.is_response(t, 200, "INVITE"))[1]
    assert "a=recvonly" in hold_ok, hold_ok
    t_final = tk.find(b, "received", lambda t: tk.is_request(t, "NOTIFY"))[-1][0]
    t_b_bye, _ = first(b, "sent", lambda t: tk.is_request(t, "BYE"))
    heard_a = v.heard(A)
    after = tk.window(heard_a, after=t_final + 0.3, before=t_b_bye - 0.1)
    music = [p for p in after if p.ssrc not in (SSRC[B],)]
    assert len(music) >= 90, "A heard after the failed transfer: " + tk.describe(heard_a, t_final + 0.3, t_b_bye)
    samples = [s for p in music for s in rtp.decode(p.payload, p.pt)]
    expected = music_rms(pbx["server"].data)
    assert 0.4 * expected < rtp.rms(samples) < 2.5 * expected, (rtp.rms(samples), expected)
    assert len(tk.pure_tone_packets(music, RINGBACK)) < 5, "ringback, not music, after the failure"
    [cdr] = new_cdrs(pbx, before)
    assert cdr["disposition"] == "answered" and cdr["transferredTo"] is None, cdr


def test_failed_blind_transfer_after_the_transferor_left_hangs_up_the_transferee(pbx, folder, cleanup):
    """B hangs up after the 202 and C, after ringing 1 s, is busy: nobody is left for A, who gets a BYE;
    B, still subscribed, gets the NOTIFY 486 that ends the subscription."""
    before = call_ids(pbx)
    v = Voices(cleanup, A, B, C)
    c = callee(pbx, folder, "call_uas_ring_busy.xml", C, v[C], delay_ms=1000)
    cleanup.append(c.kill)
    a, b = start_blind_transfer(pbx, folder, cleanup, v, "refer_blind_bye.xml", C, b_delay_ms=1000)
    finish(a, b, c)
    t_busy, _ = first(c, "sent", lambda t: tk.is_response(t, 486, "INVITE"))
    t_a_bye, _ = first(a, "received", lambda t: tk.is_request(t, "BYE"))
    assert 0 <= t_a_bye - t_busy < 2, (t_busy, t_a_bye)
    assert sipfrag(notifies(b)[-1]).startswith("SIP/2.0 486"), b.report()
    [cdr] = new_cdrs(pbx, before)
    assert cdr["disposition"] == "answered" and cdr["transferredTo"] is None, cdr


# ---------------------------------------------------------------- attended transfer

def test_attended_transfer_with_replaces_joins_a_and_c(pbx, folder, cleanup):
    """A calls B (call 1); B calls C from a second line (call 2); B REFERs A to C with Replaces naming call 2:
    202, NOTIFY 200, BYE on both of B's legs, C moved by a re-INVITE, A untouched; A and C talk both ways."""
    before = call_ids(pbx)
    v = Voices(cleanup, A, B, C, "B2")
    v.talkers["B2"].freq, v.talkers["B2"].ssrc = 800, 0xB2B2B2B2
    c = callee(pbx, folder, "call_uas_moved_hangup.xml", C, v[C], delay_ms=500)
    b1 = callee(pbx, folder, "refer_attended.xml", B, v[B], name="B1", extra=("-key", "target", C))
    cleanup += [c.kill, b1.kill]
    time.sleep(0.2)
    a = caller(pbx, folder, v[A])
    cleanup.append(a.kill)
    invite1 = v.talk_to_server_in_invite(B, b1)
    v.talk_to_server_in_answer(A, a)
    time.sleep(1)  # A and B talk
    b2 = caller(pbx, folder, v["B2"], number=B, callee=C, name="B2")
    cleanup.append(b2.kill)
    v.talk_to_server_in_invite(C, c)
    ok2 = v.talk_to_server_in_answer("B2", b2)
    time.sleep(1)  # B and C talk
    sent2 = [t for _, t in tk.find(b2, "sent", lambda t: tk.is_request(t, "INVITE"))][-1]
    replaces = tk.replaces_value(rtp.header(sent2, "Call-ID"), tk.tag_of(rtp.header(ok2, "To")), tk.tag_of(rtp.header(sent2, "From")),
                                 escaped=True)
    # The trigger: B1 sends its REFER now, naming its own dialog of call 2.
    trigger = tk.SipSocket()
    cleanup.append(trigger.close)
    trigger.send(tk.request("INFO", f"sip:{B}@127.0.0.1:{pbx['phones'][B]}", trigger, call_id=rtp.header(invite1, "Call-ID"),
                            from_=rtp.header(invite1, "From"), to=rtp.header(invite1, "To"), cseq=900,
                            extra=[f"X-Replaces: {replaces}"]), ("127.0.0.1", pbx["phones"][B]))
    v.talk_to_server_in_invite(C, c, index=1)  # C's media moves: it now talks to call 1's port
    finish(a, b1, b2, c)

    refer = first(b1, "sent", lambda t: tk.is_request(t, "REFER"))[1]
    assert "?Replaces=" in rtp.header(refer, "Refer-To"), refer
    assert rtp.first_line(first(b1, "received", lambda t: tk.is_response(t, 202, "REFER"))[1]) == "SIP/2.0 202 Accepted"
    assert check_notifies(b1, [200]) == ["SIP/2.0 200 OK"]
    first(b1, "received", lambda t: tk.is_request(t, "BYE"))
    first(b2, "received", lambda t: tk.is_request(t, "BYE"))
    invites_c = tk.find(c, "received", lambda t: tk.is_request(t, "INVITE"))
    assert len(invites_c) == 2 and rtp.header(invites_c[1][1], "Call-ID") == rtp.header(invites_c[0][1], "Call-ID"), c.report()
    t_moved = invites_c[1][0]
    assert tk.sdp_port(invites_c[1][1]) != tk.sdp_port(invites_c[0][1]), "the re-INVITE names call 1's port for C"
    t_c_bye, _ = first(c, "sent", lambda t: tk.is_request(t, "BYE"))
    heard_a, heard_c = v.heard(A), v.heard(C)
    assert_tone(heard_a, FREQ[B], 40, "A hearing B in call 1", ssrc=SSRC[B], before=t_moved)
    assert_tone(heard_c, 800, 40, "C hearing B's second line in call 2", ssrc=0xB2B2B2B2, before=t_moved)
    assert_tone(heard_a, FREQ[C], 75, "A hearing C after the transfer", ssrc=SSRC[C], after=t_moved + 0.2, before=t_c_bye)
    assert_tone(heard_c, FREQ[A], 75, "C hearing A after the transfer", ssrc=SSRC[A], after=t_moved + 0.2, before=t_c_bye)

    cdrs = new_cdrs(pbx, before, count=2)
    [one] = [x for x in cdrs if x["from"] == A]
    [two] = [x for x in cdrs if x["from"] == B]
    assert two["to"] == C and two["disposition"] == "answered", two
    assert one["to"] == B and one["disposition"] == "answered" and one["transferredTo"] == C, one
    check_legs(one, [(A, "caller"), (B, "callee"), (C, "transfer")])


# ---------------------------------------------------------------- refusals

def test_refer_outside_a_dialog_from_elsewhere_or_naming_no_dialog_of_the_phone_is_refused(pbx, folder, cleanup):
    """During an answered A-B call: a REFER without a To tag or with an unknown Call-ID gets 481; B's dialog from
    127.0.0.2 gets 403; B's dialog with a Replaces that names no dialog gets 403. Nothing happens to the call."""
    before = call_ids(pbx)
    v = Voices(cleanup, A, B)
    b = callee(pbx, folder, "call_uas_hangup.xml", B, v[B], delay_ms=3000)
    cleanup.append(b.kill)
    time.sleep(0.2)
    a = caller(pbx, folder, v[A])
    cleanup.append(a.kill)
    invite = v.talk_to_server_in_invite(B, b)
    v.talk_to_server_in_answer(A, a)
    tk.wait_for(b, "received", lambda t: tk.is_request(t, "ACK"))
    server = (pbx["host"], pbx["port"])
    call_id = rtp.header(invite, "Call-ID")
    server_side = rtp.header(invite, "From")  # the server's identity and tag in B's dialog
    b_side = rtp.header(first(b, "sent", lambda t: tk.is_response(t, 200, "INVITE"))[1], "To")  # B's, with B's tag
    refer_to = [f"Refer-To: <sip:{C}@{pbx['target']}>"]
    uri = f"sip:hotline@{pbx['target']}"
    here, there = tk.SipSocket("127.0.0.1"), tk.SipSocket("127.0.0.2")
    cleanup += [here.close, there.close]

    def ask(sock, cseq, **kw):
        sock.send(tk.request("REFER", uri, sock, cseq=cseq, **kw), server)
        answer = sock.response(f"{cseq} REFER")
        assert answer, f"no answer to REFER {kw}"
        return rtp.first_line(answer)

    no_tag = ask(here, 11, call_id="refer-test-" + os.urandom(4).hex(), from_=f"<sip:{B}@{pbx['target']}>;tag=x1",
                 to=f"<sip:{A}@{pbx['target']}>", extra=refer_to)
    unknown = ask(here, 12, call_id="refer-test-" + os.urandom(4).hex(), from_=f"<sip:{B}@{pbx['target']}>;tag=x2",
                  to=f"<sip:{A}@{pbx['target']}>;tag=nosuchtag", extra=refer_to)
    wrong_tag = ask(here, 13, call_id=call_id, from_=b_side, to=re.sub(r"tag=[^;>\s]+", "tag=nosuchtag", server_side), extra=refer_to)
    spoofed = ask(there, 14, call_id=call_id, from_=b_side, to=server_side, extra=refer_to)
    bogus = tk.replaces_value("no-such-call@nowhere", "t1", "t2", escaped=True)
    no_dialog = ask(here, 15, call_id=call_id, from_=b_side, to=server_side, extra=[f"Refer-To: <sip:{C}@{pbx['target']}?Replaces={bogus}>"])
    finish(a, b)
    assert no_tag.startswith("SIP/2.0 481"), no_tag
    assert unknown.startswith("SIP/2.0 481"), unknown
    assert wrong_tag.startswith("SIP/2.0 481"), wrong_tag
    assert spoofed.startswith("SIP/2.0 403"), spoofed
    assert no_dialog.startswith("SIP/2.0 403"), no_dialog
    assert not notifies(b), "no transfer started: no NOTIFY to B"
    t_bye, _ = first(b, "sent", lambda t: tk.is_request(t, "BYE"))
    assert_tone(v.heard(A), FREQ[B], 120, "A hearing B through the refused REFERs", ssrc=SSRC[B], before=t_bye)
    [cdr] = new_cdrs(pbx, before)
    assert cdr["transferredTo"] is None and [leg["number"] for leg in cdr["legs"]] == [A, B], cdr


def test_refer_before_the_call_is_answered_is_refused(pbx, folder, cleanup):
    """A REFER in the caller's early dialog (B still ringing) gets 403; the caller then cancels."""
    ring = callkit.callee(folder, "call_uas_ring.xml", pbx["phones"][B], name="B", timeout=20, extra=("-mp", str(media_port(pbx))))
    cleanup.append(ring.kill)
    time.sleep(0.2)
    a = callkit.caller(folder, pbx["target"], "call_uac_auth_cancel.xml", [(A, SECRET, B)], auth_uri=f"{B}@{pbx['target']}",
                       name="A", hold_ms=2000, timeout=20, media_port=media_port(pbx))
    cleanup.append(a.kill)
    ringing = tk.wait_for(a, "received", lambda t: tk.is_response(t, 180, "INVITE"))[0][1]
    sock = tk.SipSocket("127.0.0.1")
    cleanup.append(sock.close)
    sock.send(tk.request("REFER", f"sip:{B}@{pbx['target']}", sock, call_id=rtp.header(ringing, "Call-ID"), from_=rtp.header(ringing, "From"),
                         to=rtp.header(ringing, "To"), cseq=5, extra=[f"Refer-To: <sip:{C}@{pbx['target']}>"]), (pbx["host"], pbx["port"]))
    answer = sock.response("5 REFER")
    finish(a, ring)
    assert answer and rtp.first_line(answer).startswith("SIP/2.0 403"), answer


def test_refer_with_replaces_naming_another_phones_call_is_refused(pbx, folder, cleanup):
    """D talks to C; A talks to B. B's REFER whose Replaces names D's dialog (not B's) must get 403 and change nothing,
    although D's phone is on the same host as B's."""
    before = call_ids(pbx)
    v = Voices(cleanup, A, B, C, D)
    c = callee(pbx, folder, "call_uas_hangup.xml", C, v[C], delay_ms=3500)
    b = callee(pbx, folder, "call_uas_hangup.xml", B, v[B], delay_ms=3000)
    cleanup += [c.kill, b.kill]
    time.sleep(0.2)
    d = caller(pbx, folder, v[D], number=D, callee=C, name="D")
    a = caller(pbx, folder, v[A])
    cleanup += [d.kill, a.kill]
    invite_b = v.talk_to_server_in_invite(B, b)
    v.talk_to_server_in_invite(C, c)
    v.talk_to_server_in_answer(A, a)
    ok_d = v.talk_to_server_in_answer(D, d)
    sent_d = [t for _, t in tk.find(d, "sent", lambda t: tk.is_request(t, "INVITE"))][-1]
    theirs = tk.replaces_value(rtp.header(sent_d, "Call-ID"), tk.tag_of(rtp.header(ok_d, "To")), tk.tag_of(rtp.header(sent_d, "From")), escaped=True)
    b_side = rtp.header(first(b, "sent", lambda t: tk.is_response(t, 200, "INVITE"))[1], "To")
    sock = tk.SipSocket("127.0.0.1")
    cleanup.append(sock.close)
    sock.send(tk.request("REFER", f"sip:hotline@{pbx['target']}", sock, call_id=rtp.header(invite_b, "Call-ID"), from_=b_side,
                         to=rtp.header(invite_b, "From"), cseq=21, extra=[f"Refer-To: <sip:{C}@{pbx['target']}?Replaces={theirs}>"]),
              (pbx["host"], pbx["port"]))
    answer = sock.response("21 REFER")
    status = answer and rtp.first_line(answer)
    if not (status or "").startswith("SIP/2.0 403"):
        time.sleep(1)  # what the server did next, for the report
        for run in (a, b, c, d):
            run.kill()
        got = {name: [rtp.first_line(t) for _, t in tk.find(run, "received", lambda t: not t.startswith("SIP/2.0"))]
               for name, run in (("A", a), ("B", b), ("C", c), ("D", d))}
        raise AssertionError(f"B's REFER naming D's dialog with C (not B's) was answered {status!r}, not 403; "
                             f"requests the phones then got from the server: {got}")
    finish(a, b, c, d)
    cdrs = new_cdrs(pbx, before, count=2)
    assert all(x["transferredTo"] is None for x in cdrs), cdrs


# ---------------------------------------------------------------- INVITE with Replaces

def replaces_scenario(folder, status):
    """call_uac_auth_486.xml with a Replaces header, expecting `status` instead of 486."""
    with open(os.path.join(callkit.SCENARIOS, "call_uac_auth_486.xml")) as f:
        text = f.read()
    text = text.replace("      User-Agent: sipp\n", "      Replaces: [replaces]\n      User-Agent: sipp\n")
    text = text.replace('<recv response="486"/>', f'<recv response="{status}"/>')
    path = os.path.join(folder, f"call_uac_auth_replaces_{status}.xml")
    with open(path, "w") as f:
        f.write(text)
    return path


def test_invite_with_replaces_from_the_extensions_second_phone_takes_the_call_over(pbx, folder, cleanup):
    """A calls B, B's first phone answers; B's second phone sends INVITE with Replaces naming that dialog: it is
    answered, A now talks with it both ways, the first phone gets BYE. A stranger's (D) Replaces gets 403, an
    unknown dialog 481."""
    before = call_ids(pbx)
    v = Voices(cleanup, A, B, "B2")
    v.talkers["B2"].freq, v.talkers["B2"].ssrc = 800, 0xB2B2B2B2
    b1 = callee(pbx, folder, "call_uas_answer.xml", B, v[B], name="B1")
    cleanup.append(b1.kill)
    time.sleep(0.2)
    a = caller(pbx, folder, v[A])
    cleanup.append(a.kill)
    invite = v.talk_to_server_in_invite(B, b1)
    v.talk_to_server_in_answer(A, a)
    tk.wait_for(b1, "received", lambda t: tk.is_request(t, "ACK"))
    time.sleep(1)
    b1_ok = first(b1, "sent", lambda t: tk.is_response(t, 200, "INVITE"))[1]
    value = tk.replaces_value(rtp.header(invite, "Call-ID"), tk.tag_of(rtp.header(invite, "From")), tk.tag_of(rtp.header(b1_ok, "To")))

    stranger = callkit.caller(folder, pbx["target"], replaces_scenario(folder, 403), [(D, SECRET, A)], auth_uri=f"{A}@{pbx['target']}",
                              name="D", timeout=15, media_port=media_port(pbx), extra=("-key", "replaces", value))
    unknown = callkit.caller(folder, pbx["target"], replaces_scenario(folder, 481), [(B, SECRET, A)], auth_uri=f"{A}@{pbx['target']}",
                             name="B-unknown", timeout=15, media_port=media_port(pbx),
                             extra=("-key", "replaces", tk.replaces_value("no-such-call@nowhere", "t1", "t2")))
    cleanup += [stranger.kill, unknown.kill]
    finish(stranger, unknown)

    b2 = caller(pbx, folder, v["B2"], number=B, callee=A, scenario="call_uac_auth_replaces.xml", name="B2",
                extra=("-key", "replaces", value))
    cleanup.append(b2.kill)
    v.talk_to_server_in_answer("B2", b2)
    finish(a, b1, b2)

    t_b2_ok, _ = first(b2, "received", lambda t: tk.is_response(t, 200, "INVITE"))
    t_b1_bye, _ = first(b1, "received", lambda t: tk.is_request(t, "BYE"))
    t_b2_bye, _ = first(b2, "sent", lambda t: tk.is_request(t, "BYE"))
    assert abs(t_b1_bye - t_b2_ok) < 1, "the replaced phone is hung up when the new one is answered"
    first(a, "received", lambda t: tk.is_request(t, "BYE"))
    heard_a, heard_b2 = v.heard(A), v.heard("B2")
    assert_tone(heard_a, FREQ[B], 40, "A hearing B's first phone", ssrc=SSRC[B], before=t_b2_ok)
    assert_tone(heard_a, 800, 75, "A hearing B's second phone", ssrc=0xB2B2B2B2, after=t_b2_ok, before=t_b2_bye)
    assert_tone(heard_b2, FREQ[A], 75, "B's second phone hearing A", ssrc=SSRC[A], after=t_b2_ok)
    cdrs = new_cdrs(pbx, before, count=1)
    assert cdrs[0]["disposition"] == "answered" and [leg["number"] for leg in cdrs[0]["legs"]] == [A, B, B], cdrs
