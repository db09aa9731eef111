"""Hold and unhold (re-INVITE with a=sendonly, then a=sendrecv): the server
answers the holding phone itself (RFC 3264 §8.4) and plays music on hold to
the other phone, which is not renegotiated; unhold brings its audio back."""
import os
import re
import tempfile
import time
import wave

import callkit
import rtp
from test_call_recording import SECRET, api, start


def invites(log_messages, direction, start_line):
    return [text for d, text in log_messages if d == direction and rtp.first_line(text).startswith(start_line)]


def hold_scenario(folder, talk_ms, hold_ms, after_ms=1500):
    """call_uac_auth_hold.xml with longer phases, its media on a port of ours ([rtp_port])."""
    with open(os.path.join(callkit.SCENARIOS, "call_uac_auth_hold.xml")) as f:
        text = f.read()
    pauses = iter([talk_ms, hold_ms, after_ms])
    text = re.sub(r'<pause milliseconds="300"/>', lambda _: f'<pause milliseconds="{next(pauses)}"/>', text, count=3)
    text = text.replace("[media_port]", "[rtp_port]")
    path = os.path.join(folder, "call_uac_hold_long.xml")
    with open(path, "w") as f:
        f.write(text)
    return path


def wait_for(get, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = get()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def music_rms(data_dir):
    with wave.open(os.path.join(data_dir, "moh", "default.wav")) as w:
        samples = memoryview(w.readframes(w.getnframes())).cast("h").tolist()
    return rtp.rms(samples)


def test_hold_plays_music_to_the_other_phone_and_unhold_brings_its_audio_back():
    folder = tempfile.mkdtemp(prefix="hotline-hold-")
    server, base, token = start()
    try:
        for number in ("2301", "2302"):
            status, body = api(base, "/api/v1/extensions", token, "POST", {"number": number, "password": SECRET, "maxContacts": 2})
            assert status == 201, body
        port = callkit.udp_port()
        code, run = callkit.register(folder, server.sip, "2302", SECRET, port)
        assert code == 0, run.report()
        caller_media, callee_media = rtp.Endpoint(), rtp.Endpoint()
        callee = callkit.callee(folder, "call_uas_answer.xml", port, rtp_port=callee_media.port)
        time.sleep(0.3)
        scenario = hold_scenario(folder, talk_ms=1500, hold_ms=2500)
        caller = callkit.caller(folder, server.sip, scenario, [("2301", SECRET, "2302")], hold_ms=1500,
                                extra=("-key", "rtp_port", str(caller_media.port)))
        # Each phone speaks its own tone to the server's port for its leg.
        answer = wait_for(lambda: next((t for d, t in caller.messages() if d == "received" and t.startswith("SIP/2.0 200")
                                        and re.search(r"^CSeq:\s*2 INVITE", t, re.M)), None))
        offer = wait_for(lambda: next(iter(invites(callee.messages(), "received", "INVITE")), None))
        caller_ssrc, callee_ssrc = 0x1111, 0x2222
        caller_media.send_stream(("127.0.0.1", rtp.sdp_media(answer)[1]), rtp.tone_payloads(1000, 6.5, rtp.PCMA), rtp.PCMA, ssrc=caller_ssrc)
        callee_media.send_stream(("127.0.0.1", rtp.sdp_media(offer)[1]), rtp.tone_payloads(600, 6.5, rtp.PCMA), rtp.PCMA, ssrc=callee_ssrc)
        assert caller.wait() == 0, caller.report()
        assert callee.wait() == 0, callee.report()
        caller_media.close()
        callee_media.close()

        # The callee was never renegotiated: one INVITE, no re-INVITE.
        assert len(invites(callee.messages(), "received", "INVITE")) == 1, callee.report()
        # The caller's hold and unhold were answered by the server with the right directions.
        answers = [text for d, text in caller.messages() if d == "received" and rtp.first_line(text).startswith("SIP/2.0 200")
                   and re.search(r"^CSeq:\s*[34] INVITE", text, re.M)]
        assert len(answers) == 2, caller.report()
        assert "a=recvonly" in answers[0] and "a=sendrecv" in answers[1], caller.report()
        versions = [int(re.search(r"^o=\S+ \S+ (\d+)", text, re.M).group(1)) for text in answers]
        assert versions[1] > versions[0], versions

        # The callee heard: the caller's 1 kHz, then music (a stream of its own), then the caller again.
        heard = [p for p in callee_media.received() if p.pt in (rtp.PCMA, rtp.PCMU)]
        music = [p for p in heard if p.ssrc != caller_ssrc]
        voice = [p for p in heard if p.ssrc == caller_ssrc]
        assert len(music) >= 75, f"{len(music)} packets of music in a 2.5 s hold"
        before = [p for p in voice if p.time < music[0].time]
        after = [p for p in voice if p.time > music[-1].time]
        assert len(before) >= 40 and len(after) >= 40, (len(before), len(after))
        for part in (before, after):
            samples = [s for p in part[5:-5] for s in rtp.decode(p.payload, p.pt)]
            assert abs(rtp.frequency(samples) - 1000) < 30, rtp.frequency(samples)
        music_samples = [s for p in music[10:] for s in rtp.decode(p.payload, p.pt)]
        expected = music_rms(server.data)
        assert 0.4 * expected < rtp.rms(music_samples) < 2.5 * expected, (rtp.rms(music_samples), expected)
        assert abs(rtp.frequency(music_samples) - 1000) > 100, "the music is not the caller's tone"
        # The holding caller was sent nothing while it held.
        caller_heard = caller_media.received()
        during = [p for p in caller_heard if music[0].time + 0.2 < p.time < music[-1].time - 0.2]
        assert not during, f"{len(during)} packets to the holding phone"

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
