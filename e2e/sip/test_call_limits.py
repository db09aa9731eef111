"""The server ends calls itself: when neither phone sends RTP for the media
timeout, and when an answered call reaches the maximum call length. Both
phones get a BYE and the CDR says who ended it (the system) and why."""
import os
import re
import tempfile
import time

import callkit
import rtp
from conftest import Server
from test_call_recording import ADMIN, SECRET, api


def start(*flags):
    server = Server(args=["--admin-password", ADMIN, "--rtp-ports", "32000-32100", "--sip-qualify-seconds", "0", *flags])
    base = server.wait_ready()
    _, body = api(base, "/api/v1/auth/login", method="POST", body={"username": "admin", "password": ADMIN})
    return server, base, body["token"]


def silent_caller_scenario(folder):
    """call_uac_auth_remote_bye.xml without its pcap: the caller sends no RTP."""
    with open(os.path.join(callkit.SCENARIOS, "call_uac_auth_remote_bye.xml")) as f:
        text = f.read()
    text, count = re.subn(r"\s*<nop>\s*<action>\s*<exec play_pcap_audio=[^>]*/>\s*</action>\s*</nop>", "", text)
    assert count == 1
    path = os.path.join(folder, "call_uac_silent.xml")
    with open(path, "w") as f:
        f.write(text)
    return path


def call_ended_by_server(server, base, token, folder, scenario, numbers, media):
    for number in numbers:
        status, body = api(base, "/api/v1/extensions", token, "POST", {"number": number, "password": SECRET, "maxContacts": 2})
        assert status == 201, body
    port = callkit.udp_port()
    code, run = callkit.register(folder, server.sip, numbers[1], SECRET, port)
    assert code == 0, run.report()
    callee = callkit.callee(folder, "call_uas_answer.xml", port, rtp_port=media.port)
    time.sleep(0.3)
    began = time.monotonic()
    caller = callkit.caller(folder, server.sip, scenario, [(numbers[0], SECRET, numbers[1])])
    # Both phones are hung up by the server and answer its BYE with 200.
    assert caller.wait() == 0, caller.report()
    assert callee.wait() == 0, callee.report()
    took = time.monotonic() - began
    assert caller.received("BYE") and callee.received("BYE")
    call = callkit.wait_until(lambda: next((c for c in api(base, "/api/v1/calls", token)[1]["items"] if c["endedAt"]), None), 10)
    return call, took


def test_no_rtp_from_either_phone_ends_the_call():
    folder = tempfile.mkdtemp(prefix="hotline-mto-")
    server, base, token = start("--media-timeout-seconds", "2")
    try:
        with rtp.Endpoint() as media:
            call, took = call_ended_by_server(server, base, token, folder, silent_caller_scenario(folder), ("2401", "2402"), media)
        assert call["disposition"] == "answered" and call["hangupBy"] == "system", call
        assert call["reason"] == "media timeout", call
        assert 2 <= call["talkSeconds"] <= 4 and took < 10, (call, took)
    finally:
        assert server.stop() == 0


def test_an_answered_call_ends_at_the_maximum_length_even_with_media():
    folder = tempfile.mkdtemp(prefix="hotline-max-")
    server, base, token = start("--max-call-seconds", "3", "--media-timeout-seconds", "1")
    try:
        with rtp.Endpoint() as media:
            # The caller plays sipp's 7 s sample the whole time, so the 1 s media timeout never fires.
            call, took = call_ended_by_server(server, base, token, folder, "call_uac_auth_remote_bye.xml", ("2501", "2502"), media)
        assert call["disposition"] == "answered" and call["hangupBy"] == "system", call
        assert call["reason"] == "maximum call length", call
        assert 2 <= call["talkSeconds"] <= 4 and took < 10, (call, took)
    finally:
        assert server.stop() == 0
