"""A recording that runs out of disk ends cleanly with a logged reason, and the
call goes on to its normal end. The server runs in a private mount namespace
whose recordings folder is a 48 KiB tmpfs (a 3 s stereo call needs ~96 KiB)."""
import os
import stat
import tempfile
import time
import wave
import io

import callkit
import conftest
from test_call_recording import ADMIN, SECRET, api, place_call, tone_scenario


def test_a_full_disk_stops_the_recording_not_the_call(monkeypatch):
    folder = tempfile.mkdtemp(prefix="hotline-full-")
    data = tempfile.mkdtemp(prefix="hotline-full-data-")
    os.makedirs(os.path.join(data, "recordings"))
    wrapper = os.path.join(folder, "hotline-small-disk")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\n"
                "# The server in its own mount namespace, with a tiny recordings folder.\n"
                f"exec unshare -m sh -c 'mount -t tmpfs -o size=48k tmpfs \"$0\" && exec \"$@\"' {data}/recordings "
                f"{conftest.hotline_binary()} \"$@\"\n")
    os.chmod(wrapper, os.stat(wrapper).st_mode | stat.S_IEXEC)
    monkeypatch.setenv("HOTLINE_BIN", wrapper)
    server = conftest.Server(data=data, args=["--admin-password", ADMIN, "--rtp-ports", "33000-33100", "--sip-qualify-seconds", "0"])
    base = server.wait_ready()
    _, body = api(base, "/api/v1/auth/login", method="POST", body={"username": "admin", "password": ADMIN})
    token = body["token"]
    try:
        for number in ("2601", "2602"):
            status, body = api(base, "/api/v1/extensions", token, "POST",
                               {"number": number, "password": SECRET, "maxContacts": 2, "recording": True})
            assert status == 201, body
        caller, callee, media = place_call(folder, server, ("2601", "2602"), 3000, tone_scenario(folder, 1000, 3.5))
        assert caller.wait() == 0, caller.report()
        assert callee.wait() == 0, callee.report()
        media.close()
        call = callkit.wait_until(lambda: next((c for c in api(base, "/api/v1/calls", token)[1]["items"] if c["endedAt"]), None), 10)
        # The call itself was not touched: answered, ended by the caller after its 3 s.
        assert call["disposition"] == "answered" and call["hangupBy"] == "caller", call
        assert abs(call["talkSeconds"] - 3) <= 1, call
        assert callkit.wait_until(lambda: any("recording stopped" in l and "No space left" in l for l in server.stderr_lines), 5), \
            server.stderr_lines[-15:]
        # What was written before the disk filled is still a readable WAV.
        status, wav = api(base, call["recordingUrl"], token, raw=True)
        assert status == 200, status
        with wave.open(io.BytesIO(wav)) as w:
            assert w.getnchannels() == 2 and 0 < w.getnframes() < 3 * 8000
    finally:
        assert server.stop() == 0
