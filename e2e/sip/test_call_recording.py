"""Recorded calls: the WAV holds each side's audio on its own channel, the CDR's
times are right, and a call cut short by SIGKILL is closed at the next start
with a playable recording. Real sipp phones, real RTP, the real binary."""
import io
import json
import os
import re
import signal
import tempfile
import time
import urllib.request
import wave

import callkit
import rtp
from conftest import Server

SECRET = "Secret-Ext-Pass-1"
ADMIN = "Admin-Pass-123"


def api(base, path, token=None, method="GET", body=None, raw=False):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            data = resp.read()
            return resp.status, data if raw else (json.loads(data) if data else None)
    except urllib.error.HTTPError as err:
        data = err.read()
        return err.code, data if raw else (json.loads(data) if data else None)


def start(data=None):
    server = Server(data=data, args=["--admin-password", ADMIN, "--rtp-ports", "31000-31200", "--sip-qualify-seconds", "0"])
    base = server.wait_ready()
    _, body = api(base, "/api/v1/auth/login", method="POST", body={"username": "admin", "password": ADMIN})
    return server, base, body["token"]


def tone_scenario(folder, freq, seconds):
    """call_uac_auth.xml playing a PCMA tone instead of sipp's sample pcap."""
    pcap = os.path.join(folder, f"tone{freq}.pcap")
    rtp.write_pcap(pcap, rtp.tone_payloads(freq, seconds, 8), 8)
    with open(os.path.join(callkit.SCENARIOS, "call_uac_auth.xml")) as f:
        text = f.read().replace("/usr/share/sip-tester/g711a.pcap", pcap)
    path = os.path.join(folder, f"call_uac_tone{freq}.xml")
    with open(path, "w") as f:
        f.write(text)
    return path


def channels(wav_bytes):
    with wave.open(io.BytesIO(wav_bytes)) as w:
        assert (w.getnchannels(), w.getframerate(), w.getsampwidth()) == (2, 8000, 2)
        frames = w.readframes(w.getnframes())
    samples = memoryview(frames).cast("h").tolist()
    return samples[0::2], samples[1::2]


def place_call(folder, server, extensions, hold_ms, scenario):
    """Registers the callee (sipp), answers with a Python RTP endpoint as its media that
    sends a 1.5 kHz tone to the server, and starts the caller; returns (caller, callee, media)."""
    caller_no, callee_no = extensions
    port = callkit.udp_port()
    code, run = callkit.register(folder, server.sip, callee_no, SECRET, port)
    assert code == 0, run.report()
    media = rtp.Endpoint()
    callee = callkit.callee(folder, "call_uas_answer.xml", port, rtp_port=media.port, timeout=60)
    time.sleep(0.3)
    caller = callkit.caller(folder, server.sip, scenario, [(caller_no, SECRET, callee_no)], hold_ms=hold_ms, timeout=60)
    invite = callkit.wait_until(lambda: callee.received("INVITE"), 10)
    assert invite, caller.report() + callee.report()
    host, leg_port, _ = rtp.sdp_media(invite)
    media.send_stream((host, leg_port), rtp.tone_payloads(1500, hold_ms / 1000 + 1, 8), 8)
    return caller, callee, media


def test_recording_holds_each_side_on_its_channel_and_the_cdr_times_are_right():
    folder = tempfile.mkdtemp(prefix="hotline-rec-")
    server, base, token = start()
    try:
        for number, recording in (("2101", False), ("2102", True)):
            status, body = api(base, "/api/v1/extensions", token, "POST",
                               {"number": number, "password": SECRET, "maxContacts": 2, "recording": recording})
            assert status == 201, body
        began = time.time()
        caller, callee, media = place_call(folder, server, ("2101", "2102"), 4000, tone_scenario(folder, 1000, 4.5))
        assert caller.wait() == 0, caller.report()
        assert callee.wait() == 0, callee.report()
        finished = time.time()
        # The callee's media endpoint heard the caller's tone through the relay.
        heard = rtp.decode(b"".join(p.payload for p in media.received(8)[25:125]), 8)
        media.close()
        assert len(heard) > 8000 and abs(rtp.frequency(heard) - 1000) < 30, len(heard)

        call = callkit.wait_until(lambda: next((c for c in api(base, "/api/v1/calls", token)[1]["items"] if c["endedAt"]), None), 10)
        assert call["disposition"] == "answered" and call["hangupBy"] == "caller", call
        assert call["from"] == "2101" and call["to"] == "2102" and call["recording"] is True, call
        # Talk time: the caller held the call for 4 s after the ACK.
        assert abs(call["talkSeconds"] - 4) <= 1, call
        assert 0 <= call["ringSeconds"] <= 1, call
        for key in ("startedAt", "answeredAt", "endedAt"):
            assert call[key], call
        assert call["startedAt"] <= call["answeredAt"] <= call["endedAt"], call

        status, wav = api(base, call["recordingUrl"], token, raw=True)
        assert status == 200 and wav[:4] == b"RIFF", status
        left, right = channels(wav)
        assert 3.5 * 8000 <= len(left) <= 6 * 8000, len(left)
        # One second into the call, for two seconds: the caller (left) sent 1 kHz, the callee (right) 1.5 kHz.
        l, r = left[8000:24000], right[8000:24000]
        assert rtp.rms(l) > 2000 and abs(rtp.frequency(l) - 1000) < 30, (rtp.rms(l), rtp.frequency(l))
        assert rtp.rms(r) > 2000 and abs(rtp.frequency(r) - 1500) < 30, (rtp.rms(r), rtp.frequency(r))
        assert began < time.time() and finished - began < 30
    finally:
        assert server.stop() == 0


def test_a_call_cut_by_sigkill_is_closed_at_restart_with_a_playable_recording():
    folder = tempfile.mkdtemp(prefix="hotline-kill-")
    server, base, token = start()
    data = server.data
    caller = callee = media = None
    try:
        for number in ("2201", "2202"):
            status, body = api(base, "/api/v1/extensions", token, "POST",
                               {"number": number, "password": SECRET, "maxContacts": 2, "recording": True})
            assert status == 201, body
        caller, callee, media = place_call(folder, server, ("2201", "2202"), 30000, tone_scenario(folder, 1000, 30))
        answered = callkit.wait_until(
            lambda: next((c for c in api(base, "/api/v1/calls", token)[1]["items"] if c["answeredAt"]), None), 10)
        assert answered and answered["endedAt"] is None and answered["disposition"] is None, answered
        time.sleep(3)
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(timeout=10)
    finally:
        for peer in (caller, callee):
            if peer:
                peer.kill()
        if media:
            media.close()

    server, base, token = start(data)
    try:
        status, body = api(base, "/api/v1/calls", token)
        call = body["items"][0]
        assert call["disposition"] == "interrupted" and call["endedAt"] and call["hangupBy"] == "system", call
        assert call["talkSeconds"] >= 2, call
        status, wav = api(base, call["recordingUrl"], token, raw=True)
        assert status == 200, status
        # The header agrees with the data on disk, and the audio is there.
        declared = int.from_bytes(wav[40:44], "little")
        assert declared == len(wav) - 44 and declared > 2 * 8000 * 4, (declared, len(wav))
        left, _ = channels(wav)
        assert rtp.rms(left[8000:16000]) > 2000
        assert any(re.search(r"interrupted", line) for line in server.stderr_lines), server.stderr_lines[-10:]
    finally:
        assert server.stop() == 0
