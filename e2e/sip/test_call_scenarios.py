"""The call scenarios and the RTP helpers checked sipp against sipp, without Hotline.

Each authenticating caller scenario (call_uac_auth*.xml) runs against the
callee scenario it is meant for with a 407 challenge put in front
(callkit.with_challenge), so the digest, the ACK of the 407, the CANCEL and
the in-dialog requests are exercised end to end; the callee scenarios also
run as they are against call_uac_noauth.xml and the post-challenge part of
the callers. Media goes to a Python endpoint (rtp.Endpoint) named in the
callee's SDP, which is how e2e/sip/test_sip_calls.py sees both directions.
"""
import os
import time

import pytest

import callkit
import rtp

SECRET = "Secret-Ext-Pass-1"
G711A = "/usr/share/sip-tester/g711a.pcap"


def run_pair(folder, uac, uas, *, challenge=True, status=None, hold_ms=0, callee_delay_ms=0, echo=False, rtp_port=None,
             during=None):
    port = callkit.udp_port()
    scenario = callkit.with_challenge(uas, os.path.join(folder, "challenging-" + uas), status) if challenge else uas
    callee = callkit.callee(folder, scenario, port, rtp_port, delay_ms=callee_delay_ms, timeout=30)
    caller = callkit.caller(folder, f"127.0.0.1:{port}", uac, [("2001", SECRET, "2002")], echo=echo, hold_ms=hold_ms,
                            auth_uri=f"2002@127.0.0.1:{port}", timeout=30)
    if during:
        during(caller, callee)
    rc_caller, rc_callee = caller.wait(), callee.wait()
    assert rc_caller == 0, caller.report()
    assert rc_callee == 0, callee.report()
    return caller, callee


def check_challenge(caller):
    first, challenge, ack = caller.sent("INVITE"), caller.received("SIP/2.0 407"), caller.sent("ACK")
    assert first and challenge and ack
    assert rtp.header(ack, "Via") == rtp.header(first, "Via"), "the ACK of the 407 is on the INVITE's branch"
    invites = [m for d, m in caller.messages() if d == "sent" and m.startswith("INVITE")]
    assert callkit.digest_ok(invites[-1], SECRET), invites[-1]
    params = callkit.digest_params(rtp.header(invites[-1], "Proxy-Authorization"))
    assert params["uri"] == invites[-1].split()[1], "with -auth_uri the digest uri is the Request-URI"


def stream_back(endpoint, payloads, started):
    """During the call: once the callee got the ACK, stream payloads to the media address of the INVITE it received."""
    def during(caller, callee):
        assert callkit.wait_until(lambda: callee.received("ACK"), 10), callee.report()
        address, port, _ = rtp.sdp_media(callee.received("INVITE"))
        started.append(endpoint.send_stream((address, port), payloads, rtp.PCMA))
        started[-1].join(timeout=10)
        # The echoed stream is back by now; sipp writes its echo counter when asked while it runs.
        callkit.wait_until(lambda: len(endpoint.received()) >= 200 + len(payloads) * 0.95, 3)
        caller.dump_screen()
    return during


def test_auth_call_with_g711a_both_ways(folder):
    pcap = {p.payload for p in rtp.pcap_packets(G711A)}
    tone = rtp.tone_payloads(400, 2, rtp.PCMA)
    with rtp.Endpoint() as ep:
        started = []
        caller, callee = run_pair(folder, "call_uac_auth.xml", "call_uas_answer.xml", hold_ms=7200, echo=True,
                                  rtp_port=ep.port, during=stream_back(ep, tone, started))
        got = ep.received()
    check_challenge(caller)
    from_caller = [p for p in got if p.payload in pcap]
    echoed = [p for p in got if p.payload == tone[0]]
    assert len(from_caller) >= 230 and {p.pt for p in from_caller} == {rtp.PCMA}, len(from_caller)
    assert len(echoed) >= 95, len(echoed)
    assert caller.screen_counter() >= 95, caller.report()


def test_dtmf_variant_sends_rfc2833_digit_1(folder):
    with rtp.Endpoint() as ep:
        run_pair(folder, "call_uac_auth_dtmf.xml", "call_uas_answer.xml", rtp_port=ep.port)
        events = [p.event() for p in ep.received(rtp.TELEPHONE_EVENT)]
        audio = ep.received(rtp.PCMA)
    assert len(events) == 10 and {e[0] for e in events} == {1} and events[-1][1], events
    assert len(audio) > 50


def test_pcmu_variant_offers_and_plays_pcmu_only(folder):
    rtp.write_pcap(os.path.join(folder, "tone_pcmu.pcap"), rtp.tone_payloads(1000, 2, rtp.PCMU), rtp.PCMU)
    with rtp.Endpoint() as ep:
        caller, callee = run_pair(folder, "call_uac_auth_pcmu.xml", "call_uas_answer.xml", hold_ms=2500, rtp_port=ep.port)
        got = ep.received()
    assert rtp.sdp_media(callee.received("INVITE"))[2] == [0, 101]
    assert len(got) >= 95 and {p.pt for p in got} == {rtp.PCMU}
    assert 900 < rtp.frequency(rtp.decode(b"".join(p.payload for p in got[5:50]), rtp.PCMU)) < 1100


def test_cancel_variant(folder):
    caller, callee = run_pair(folder, "call_uac_auth_cancel.xml", "call_uas_ring.xml", hold_ms=300)
    check_challenge(caller)
    invite = [m for d, m in caller.messages() if d == "sent" and m.startswith("INVITE")][-1]
    cancel, ack = caller.sent("CANCEL"), [m for d, m in caller.messages() if d == "sent" and m.startswith("ACK")][-1]
    assert rtp.header(cancel, "Via") == rtp.header(invite, "Via") == rtp.header(ack, "Via")
    assert caller.received("SIP/2.0 487")


@pytest.mark.parametrize("status", [486, 480, 404])
def test_refused_variants(folder, status):
    caller, _ = run_pair(folder, f"call_uac_auth_{status}.xml", "call_uas_busy.xml", status=None if status == 486 else status)
    invite = [m for d, m in caller.messages() if d == "sent" and m.startswith("INVITE")][-1]
    ack = [m for d, m in caller.messages() if d == "sent" and m.startswith("ACK")][-1]
    assert rtp.header(ack, "Via") == rtp.header(invite, "Via")


def test_callee_hangs_up_variant(folder):
    caller, callee = run_pair(folder, "call_uac_auth_remote_bye.xml", "call_uas_hangup.xml", callee_delay_ms=1000)
    bye = callee.sent("BYE")
    assert rtp.header(bye, "To").startswith("<sip:2001@") and ";tag=" in rtp.header(bye, "To")


def test_refused_credentials_fail_the_call_at_once(folder):
    """A second 407 (wrong password) is ACKed on the authenticated INVITE's branch and fails the call, no 32 s timeout."""
    twice = callkit.with_challenge(callkit.with_challenge("call_uas_busy.xml", os.path.join(folder, "once.xml")),
                                   os.path.join(folder, "twice.xml"))
    port = callkit.udp_port()
    callee = callkit.callee(folder, twice, port, timeout=15)
    started = time.monotonic()
    caller = callkit.caller(folder, f"127.0.0.1:{port}", "call_uac_auth.xml", [("2001", SECRET, "2002")], timeout=15)
    assert caller.wait() == 1, caller.report()
    assert time.monotonic() - started < 5
    callee.kill()
    sent = [m for d, m in caller.messages() if d == "sent"]
    assert [rtp.first_line(m).split()[0] for m in sent][:4] == ["INVITE", "ACK", "INVITE", "ACK"], sent
    assert rtp.header(sent[3], "Via") == rtp.header(sent[2], "Via") and "CSeq: 2 ACK" in sent[3]


@pytest.mark.parametrize("uac,uas", [
    ("call_uac_noauth.xml", "call_uas_answer.xml"),
    ("call_uac_auth_cancel.xml", "call_uas_ring.xml"),
    ("call_uac_auth_486.xml", "call_uas_busy.xml"),
    ("call_uac_auth_remote_bye.xml", "call_uas_hangup.xml"),
])
def test_callee_scenarios_as_the_server_sends_them(folder, uac, uas):
    """The B2BUA does not challenge its INVITEs to the callees: the callee scenarios run unchanged."""
    scenario = uac if uac == "call_uac_noauth.xml" else callkit.without_challenge(uac, os.path.join(folder, "plain-" + uac))
    run_pair(folder, scenario, uas, challenge=False, hold_ms=300, callee_delay_ms=300)
