"""Hold and unhold (re-INVITE with a=sendonly, then a=sendrecv) pass across the
B2BUA to the other phone, and each side gets the right answer (RFC 3264 §8.4)."""
import re
import tempfile
import time

import callkit
import rtp
from test_call_recording import SECRET, api, start


def invites(log_messages, direction, start_line):
    return [text for d, text in log_messages if d == direction and rtp.first_line(text).startswith(start_line)]


def test_hold_and_unhold_pass_across_with_answers_in_both_directions():
    folder = tempfile.mkdtemp(prefix="hotline-hold-")
    server, base, token = start()
    try:
        for number in ("2301", "2302"):
            status, body = api(base, "/api/v1/extensions", token, "POST", {"number": number, "password": SECRET, "maxContacts": 2})
            assert status == 201, body
        port = callkit.udp_port()
        code, run = callkit.register(folder, server.sip, "2302", SECRET, port)
        assert code == 0, run.report()
        media = rtp.Endpoint()
        callee = callkit.callee(folder, "call_uas_hold.xml", port, rtp_port=media.port)
        time.sleep(0.3)
        caller = callkit.caller(folder, server.sip, "call_uac_auth_hold.xml", [("2301", SECRET, "2302")], hold_ms=0)
        assert caller.wait() == 0, caller.report()
        assert callee.wait() == 0, callee.report()
        media.close()

        # The callee got the call and then our two re-INVITEs, with the caller's directions.
        got = invites(callee.messages(), "received", "INVITE")
        assert len(got) == 3, callee.report()
        assert "a=sendrecv" in got[0] and "a=sendonly" in got[1] and "a=sendrecv" in got[2], callee.report()
        # Same server port for the callee's leg throughout; our o= version goes up with each change.
        ports = [rtp.sdp_media(text)[1] for text in got]
        assert len(set(ports)) == 1, ports
        versions = [int(re.search(r"^o=\S+ \S+ (\d+)", text, re.M).group(1)) for text in got]
        assert versions == sorted(versions) and len(set(versions)) == 3, versions

        # The caller's re-INVITEs were answered with the callee's answer directions.
        answers = [text for d, text in caller.messages() if d == "received" and rtp.first_line(text).startswith("SIP/2.0 200")
                   and re.search(r"^CSeq:\s*[34] INVITE", text, re.M)]
        assert len(answers) == 2, caller.report()
        assert "a=recvonly" in answers[0] and "a=sendrecv" in answers[1], caller.report()

        call = callkit.wait_until(lambda: next((c for c in api(base, "/api/v1/calls", token)[1]["items"] if c["endedAt"]), None), 10)
        assert call["disposition"] == "answered" and call["hangupBy"] == "caller", call
    finally:
        assert server.stop() == 0


def test_a_caller_asking_for_session_timers_gets_them_in_the_answer():
    folder = tempfile.mkdtemp(prefix="hotline-timer-")
    with open(callkit.SCENARIOS + "/call_uac_auth_nomedia.xml") as f:
        text = f.read()
    # RFC 4028: the caller supports timers and asks for a 120 s session.
    text = text.replace("      User-Agent: sipp\n", "      User-Agent: sipp\n      Supported: timer\n      Session-Expires: 120\n")
    scenario = folder + "/call_uac_timer.xml"
    with open(scenario, "w") as f:
        f.write(text)
    server, base, token = start()
    try:
        for number in ("2311", "2312"):
            status, body = api(base, "/api/v1/extensions", token, "POST", {"number": number, "password": SECRET, "maxContacts": 2})
            assert status == 201, body
        port = callkit.udp_port()
        code, run = callkit.register(folder, server.sip, "2312", SECRET, port)
        assert code == 0, run.report()
        with rtp.Endpoint() as media:
            callee = callkit.callee(folder, "call_uas_answer.xml", port, rtp_port=media.port)
            time.sleep(0.3)
            caller = callkit.caller(folder, server.sip, scenario, [("2311", SECRET, "2312")], hold_ms=500)
            assert caller.wait() == 0, caller.report()
            assert callee.wait() == 0, callee.report()
        ok = caller.received("SIP/2.0 200")
        assert re.search(r"^Session-Expires:\s*120;refresher=uac", ok, re.M | re.I), ok
        assert re.search(r"^Require:\s*timer", ok, re.M | re.I), ok
        # The callee's INVITE offers timers too (Supported), so it may refresh its side.
        assert re.search(r"^Supported:.*timer", callee.received("INVITE"), re.M | re.I)
    finally:
        assert server.stop() == 0
