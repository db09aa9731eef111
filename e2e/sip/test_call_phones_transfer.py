"""Hold and blind transfer from a real phone: baresip's ctrl_tcp `hold`, `resume` and `transfer`.

Like test_call_phones.py (whose namespace, server and baresip helpers this
module reuses), the module runs in a private network namespace. 2001 is
baresip (auto-answer, plays a 1 kHz tone); 2002 is a sipp caller whose media
is an rtp.Endpoint talking 400 Hz; 2003 is a sipp transfer target whose
endpoint talks 1400 Hz.

Audio during a hold is judged at the party that is not renegotiated (the
sipp caller), as TESTING.md advises: baresip's own dump stops when its
stream is re-negotiated.
"""
import os
import time

import pytest

import callkit
import rtp
import transferkit as tk
from conftest import OUT, Server
from test_call_phones import (ADMIN, BARESIP_SIP, HOST, RTP_PORTS, SECRET, TARGET, Baresip, api, call_ids, make_tone,
                              new_cdr, private_network, wait_registered)

PHONE, CALLER, TARGET_EXT = "2001", "2002", "2003"
CALLER_PORT, TARGET_PORT = 25100, 25110
CALLER_SSRC, TARGET_SSRC = 0x22220002, 0x33330003


@pytest.fixture(scope="module")
def pbx(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("phones-transfer"))
    with private_network():
        server = Server(args=["--admin-password", ADMIN, "--rtp-ports", "%d-%d" % RTP_PORTS, "--sip-qualify-seconds", "0"], sip=TARGET)
        try:
            base = server.wait_ready()
            _, body = api(base, "/api/v1/auth/login", "POST", {"username": "admin", "password": ADMIN})
            token = body["token"]
            for number in (PHONE, CALLER, TARGET_EXT):
                status, created = api(base, "/api/v1/extensions", "POST",
                                      {"number": number, "password": SECRET, "maxContacts": 1, "recording": False}, token)
                assert status == 201, created
            rc, run = callkit.register(folder, TARGET, TARGET_EXT, SECRET, TARGET_PORT)
            assert rc == 0, run.report()
            yield {"server": server, "base": base, "token": token}
        finally:
            code = server.stop()
            with open(OUT / "test_call_phones_transfer-server.log", "w") as f:
                f.write("\n".join(server.lines + server.stderr_lines) + "\n")
        assert code == 0, server.stderr_lines[-30:]


def start_phone(pbx, folder, cleanup):
    phone = Baresip(folder, PHONE, make_tone(os.path.join(folder, "tone1k.wav"), 1000, 40), answer_auto=True)
    cleanup.append(phone.stop)
    wait_registered(pbx, PHONE, "baresip", BARESIP_SIP)
    return phone


def call_the_phone(folder, cleanup, endpoint):
    """2002 calls baresip and talks 400 Hz from `endpoint` once answered; returns the sipp run and its talker."""
    caller = callkit.caller(folder, TARGET, "call_uac_auth_wait_bye.xml", [(CALLER, SECRET, PHONE)], auth_uri=f"{PHONE}@{TARGET}",
                            local_port=CALLER_PORT, name="caller", timeout=40, extra=("-key", "rtp_port", str(endpoint.port)))
    cleanup.append(caller.kill)
    ok = tk.wait_for(caller, "received", lambda t: tk.is_response(t, 200, "INVITE") and rtp.sdp_media(t), timeout=10)[0][1]
    talker = tk.Talker(endpoint, 400, CALLER_SSRC).to(tk.sdp_port(ok), tk.sdp_codec(ok))
    cleanup.append(talker.stop)
    return caller, talker


def reinvites(phone):
    """(offer direction, answer direction) of each re-INVITE baresip sent and the 200 it got, in order."""
    messages = phone.sip_messages()
    sent = [m for d, m in messages if d == "sent" and m.startswith("INVITE ") and rtp.header(m, "To") and "tag=" in rtp.header(m, "To")]
    answers = [m for d, m in messages if d == "received" and m.startswith("SIP/2.0 200") and "INVITE" in (rtp.header(m, "CSeq") or "")]

    def direction(text):
        for d in ("sendonly", "recvonly", "inactive", "sendrecv"):
            if f"a={d}" in text:
                return d
        return "sendrecv"
    out = []
    for offer in sent:
        cseq = rtp.header(offer, "CSeq")
        answer = next((a for a in answers if rtp.header(a, "CSeq") == cseq), None)
        out.append((direction(offer), direction(answer) if answer else None))
    return out


def test_baresip_holds_and_resumes_and_the_other_side_hears_music_then_the_phone_again(pbx, folder, cleanup):
    """2002 calls baresip; after 2 s baresip holds (re-INVITE sendonly, answered recvonly by the server), 2002 hears
    music on hold (not the phone's 1 kHz) for 3 s; baresip resumes and 2002 hears its 1 kHz again; baresip hangs up."""
    from test_call_hold import music_rms
    before = call_ids(pbx)
    phone = start_phone(pbx, folder, cleanup)
    ep = rtp.Endpoint()
    cleanup.append(ep.close)
    caller, _ = call_the_phone(folder, cleanup, ep)
    assert phone.wait_event("CALL_ESTABLISHED", 5), phone.report()
    time.sleep(2)
    t_hold = time.monotonic()
    phone.command("hold")
    assert callkit.wait_until(lambda: reinvites(phone) and reinvites(phone)[0][1], 5), phone.report()
    time.sleep(3)
    t_resume = time.monotonic()
    phone.command("resume")
    assert callkit.wait_until(lambda: len(reinvites(phone)) == 2 and reinvites(phone)[1][1], 5), phone.report()
    time.sleep(2.5)
    t_end = time.monotonic()
    phone.command("hangup")
    assert caller.wait() == 0, caller.report() + phone.report()
    assert phone.wait_event("CALL_CLOSED", 5), phone.report()

    assert reinvites(phone) == [("sendonly", "recvonly"), ("sendrecv", "sendrecv")], (reinvites(phone), phone.report())
    assert not tk.find(caller, "received", lambda t: tk.is_request(t, "INVITE")), "the sipp side is not renegotiated"
    heard = ep.received()
    assert len(tk.tone_packets(heard, 1000, before=t_hold, min_rms=1000)) >= 60, "before hold: " + tk.describe(heard, None, t_hold)
    on_hold = tk.window(heard, after=t_hold + 0.5, before=t_resume)
    assert len(on_hold) >= 100, "during hold: " + tk.describe(heard, t_hold, t_resume)
    assert len(tk.tone_packets(on_hold, 1000, min_rms=1000)) <= 5, "the phone's 1 kHz during its hold: " + tk.describe(heard, t_hold, t_resume)
    samples = [s for p in on_hold for s in rtp.decode(p.payload, p.pt)]
    expected = music_rms(pbx["server"].data)
    assert 0.4 * expected < rtp.rms(samples) < 2.5 * expected, ("music on hold", rtp.rms(samples), expected)
    after = tk.tone_packets(heard, 1000, after=t_resume + 0.5, before=t_end, min_rms=1000)
    assert len(after) >= 60, "after resume: " + tk.describe(heard, t_resume, t_end)
    cdr = new_cdr(pbx, before)
    assert cdr["disposition"] == "answered" and cdr["hangupBy"] == "callee", cdr


def test_baresip_transfers_blind_and_the_caller_ends_up_with_the_target(pbx, folder, cleanup):
    """2002 calls baresip; baresip `transfer`s to 2003 (REFER); the server answers 202, NOTIFYs, calls 2003 (rings 2 s:
    2002 hears ringback), joins 2002 and 2003 (audio both ways), and baresip's call ends (BYE one way or the other)."""
    before = call_ids(pbx)
    phone = start_phone(pbx, folder, cleanup)
    ep_caller, ep_target = rtp.Endpoint(), rtp.Endpoint()
    cleanup += [ep_caller.close, ep_target.close]
    target = callkit.callee(folder, "call_uas_ring_answer_hangup.xml", TARGET_PORT, ep_target.port, delay_ms=2000, name="target",
                            timeout=40)
    cleanup.append(target.kill)
    time.sleep(0.2)
    caller, _ = call_the_phone(folder, cleanup, ep_caller)
    assert phone.wait_event("CALL_ESTABLISHED", 5), phone.report()
    time.sleep(1.5)
    phone.command("transfer", f"sip:{TARGET_EXT}@{TARGET}")
    invite = tk.wait_for(target, "received", lambda t: tk.is_request(t, "INVITE"), timeout=10)[0][1]
    talker = tk.Talker(ep_target, 1400, TARGET_SSRC).to(tk.sdp_port(invite), rtp.PCMA)  # it answers PCMA
    cleanup.append(talker.stop)
    assert phone.wait_event("CALL_CLOSED", 10), phone.report()
    assert caller.wait() == 0, caller.report() + phone.report()
    assert target.wait() == 0, target.report()

    messages = phone.sip_messages()
    refer = [m for d, m in messages if d == "sent" and m.startswith("REFER ")]
    assert refer and f"sip:{TARGET_EXT}@" in rtp.header(refer[0], "Refer-To"), phone.report()
    replies = [rtp.first_line(m) for d, m in messages if d == "received" and "REFER" in (rtp.header(m, "CSeq") or "")]
    assert replies and replies[-1].startswith("SIP/2.0 202"), replies
    frags = [m.split("\n\n", 1)[-1].strip().split("\n")[0] for d, m in messages if d == "received" and m.startswith("NOTIFY ")]
    assert frags and frags[0].startswith("SIP/2.0 100") and frags[-1].startswith("SIP/2.0 200"), frags
    bye_sent = any(m.startswith("BYE ") for d, m in messages if d == "sent")
    bye_got = any(m.startswith("BYE ") for d, m in messages if d == "received")
    assert bye_sent or bye_got, phone.report()
    # Nothing the server sent baresip was refused or left unanswered: every BYE it got is answered 200.
    for d, m in messages:
        if d == "received" and m.startswith("BYE "):
            cseq = rtp.header(m, "CSeq")
            assert any(x.startswith("SIP/2.0 200") and rtp.header(x, "CSeq") == cseq for dd, x in messages if dd == "sent"), phone.report()

    t_ring, _ = tk.find(target, "received", lambda t: tk.is_request(t, "INVITE"))[0]
    t_answer, _ = tk.find(target, "sent", lambda t: tk.is_response(t, 200, "INVITE"))[0]
    t_bye, _ = tk.find(target, "sent", lambda t: tk.is_request(t, "BYE"))[0]
    heard_caller, heard_target = ep_caller.received(), ep_target.received()
    ring = tk.pure_tone_packets(heard_caller, 450, after=t_ring, before=t_answer, not_ssrc=(TARGET_SSRC,))
    assert len(ring) >= 35, "ringback while 2003 rang: " + tk.describe(heard_caller, t_ring, t_answer)
    assert len(tk.tone_packets(heard_caller, 1400, ssrc=TARGET_SSRC, after=t_answer, before=t_bye)) >= 75, \
        "2002 hearing 2003: " + tk.describe(heard_caller, t_answer, t_bye)
    assert len(tk.tone_packets(heard_target, 400, ssrc=CALLER_SSRC, after=t_answer)) >= 75, \
        "2003 hearing 2002: " + tk.describe(heard_target, t_answer, None)

    cdr = new_cdr(pbx, before)
    assert (cdr["from"], cdr["to"], cdr["disposition"], cdr["transferredTo"]) == (CALLER, PHONE, "answered", TARGET_EXT), cdr
    assert [(leg["number"], leg["role"]) for leg in cdr["legs"]] == [(CALLER, "caller"), (PHONE, "callee"), (TARGET_EXT, "transfer")], cdr
