"""Calls between extensions with real phones: baresip and linphonec against sipp, through Hotline's B2BUA.

baresip and linphonec need a non-loopback interface (TESTING.md), so the whole
module runs in a private network namespace: the `pbx` fixture moves pytest's
own thread into a new one (unshare(CLONE_NEWNET), which is per thread on
Linux) and configures it with peers/namespace.sh; every process and socket
the tests make from then on (Hotline, sipp, the phones, the RTP endpoints,
the API calls) lives there, and the thread goes back to its old namespace at
the end of the module. Inside, ports can be fixed: nothing else uses them.

Extensions: 2001 is baresip, 2002 a sipp phone (registered once by
register_ok.xml from SIPP_PORT, where each test's sipp callee then answers),
2003 is linphonec. The server runs with --sip-qualify-seconds 0 (a qualify
OPTIONS would be taken for a call by a sipp callee).

How media is proven, per direction:
- phone -> sipp: the sipp callee's SDP names an rtp.Endpoint, which counts
  the packets and decodes them: they must be the phone's 1 kHz tone, as
  A-law (the phones send PCMU or whatever they chose; sipp answers PCMA
  only, so the server transcodes).
- sipp -> phone: the endpoint streams a 400 Hz tone to the server, and the
  phone's own recording (baresip's sndfile dump of what it decoded,
  linphonec's `record` file) must contain it; or the sipp caller echoes
  (-rtp_echo) and the phone must hear its own 1 kHz tone back, through both
  legs twice, while sipp's echo counter shows what reached it.
"""
import contextlib
import ctypes
import glob
import json
import os
import re
import signal
import socket
import struct
import subprocess
import threading
import time
import urllib.request

import pytest

import callkit
import rtp
from conftest import Server

HERE = os.path.dirname(os.path.abspath(__file__))
ADMIN = "Admin-Pass-123"
SECRET = "Secret-Ext-Pass-1"
HOST = "127.0.0.1"
SIP_PORT = 15060
TARGET = f"{HOST}:{SIP_PORT}"
RTP_PORTS = (30000, 30099)
SIPP_PORT = 25100  # 2002's registered sipp phone
BARESIP_SIP, BARESIP_CTRL = 25090, 25190  # not 25091: baresip also listens for TLS on its SIP port + 1
LINPHONEC_SIP = 25080
CLONE_NEWNET = 0x40000000

_libc = ctypes.CDLL(None, use_errno=True)


# ---------------------------------------------------------------- the namespace and the server

@contextlib.contextmanager
def private_network():
    """This thread (and whatever it starts) in a new network namespace, set up by peers/namespace.sh."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    try:
        if _libc.unshare(CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET) (the phone tests need root)")
        subprocess.run(["bash", "-ec", f"source {os.path.join(HERE, 'peers', 'namespace.sh')}"], check=True)
        yield
    finally:
        if _libc.setns(home, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns back to the original network namespace")
        os.close(home)


def api(base, path, method="GET", body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            data = resp.read()
            return resp.status, json.loads(data) if data else None
    except urllib.error.HTTPError as err:
        data = err.read()
        return err.code, json.loads(data) if data else None


@pytest.fixture(scope="module")
def pbx(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("call-phones"))
    with private_network():
        server = Server(args=["--admin-password", ADMIN, "--rtp-ports", "%d-%d" % RTP_PORTS,
                              "--sip-qualify-seconds", "0"], sip=TARGET)
        try:
            base = server.wait_ready()
            _, body = api(base, "/api/v1/auth/login", "POST", {"username": "admin", "password": ADMIN})
            token = body["token"]
            for number in ("2001", "2002", "2003"):
                status, created = api(base, "/api/v1/extensions", "POST",
                                      {"number": number, "password": SECRET, "maxContacts": 1, "recording": False}, token)
                assert status == 201, created
            rc, run = callkit.register(folder, TARGET, "2002", SECRET, SIPP_PORT)
            assert rc == 0, run.report()
            yield {"server": server, "base": base, "token": token}
        finally:
            code = server.stop()
            with open(os.path.join(folder, "hotline.log"), "w") as f:
                f.write("\n".join(server.stderr_lines) + "\n")
        assert code == 0, server.stderr_lines[-30:]


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


def wait_registered(pbx, number, user_agent, port, timeout=10):
    """Waits until `number` has exactly one contact: the phone's (its user agent, from its port)."""
    def contacts():
        _, body = api(pbx["base"], f"/api/v1/extensions?q={number}", token=pbx["token"])
        found = [item["contacts"] for item in body["items"] if item["number"] == number and item["registered"]]
        return found[0] if found and any((c.get("userAgent") or "").startswith(user_agent) for c in found[0]) else None
    found = callkit.wait_until(contacts, timeout, step=0.2)
    assert found, f"{number} ({user_agent}) did not register"
    assert len(found) == 1 and found[0]["source"] == f"{HOST}:{port}", found


def check_cdr(cdr, caller, callee, hangup_by, talk):
    assert cdr["disposition"] == "answered", cdr
    assert (cdr["from"], cdr["to"], cdr["fromExtension"], cdr["toExtension"]) == (caller, callee, caller, callee), cdr
    assert cdr["direction"] == "internal" and cdr["hangupBy"] == hangup_by, cdr
    assert cdr["answeredAt"] and cdr["answeredAt"] >= cdr["startedAt"] and cdr["endedAt"] >= cdr["answeredAt"], cdr
    assert talk[0] <= cdr["talkSeconds"] <= talk[1], cdr


def check_anchored(sdp, what):
    """An SDP the server sent: its own address and a port of --rtp-ports."""
    assert sdp is not None, f"no SDP in {what}"
    address, port, _ = sdp
    assert address == HOST and RTP_PORTS[0] <= port <= RTP_PORTS[1], (what, sdp)


# ---------------------------------------------------------------- audio

def make_tone(path, freq, seconds):
    subprocess.run(["sox", "-R", "-n", "-r", "8000", "-c", "1", "-b", "16", path, "synth", str(seconds), "sine", str(freq),
                    "vol", "0.5"], check=True)
    return path


def wav_samples(path):
    """(rate, mono samples) of a 16-bit PCM WAV; reads to the end of the file when the data size in the
    header is 0 or too large (linphonec's record file while it is being written)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE", path
    pos, rate, channels = 12, 8000, 1
    while pos + 8 <= len(data):
        kind, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if kind == b"fmt ":
            fmt, channels, rate, _, _, bits = struct.unpack("<HHIIHH", data[pos + 8:pos + 24])
            assert fmt in (1, 0xFFFE) and bits == 16, (path, fmt, bits)
        elif kind == b"data":
            end = pos + 8 + size if 0 < size <= len(data) - pos - 8 else len(data)
            body = data[pos + 8:end]
            samples = struct.unpack(f"<{len(body) // 2}h", body[:len(body) // 2 * 2])
            return rate, list(samples[::channels])
        pos += 8 + size + (size & 1)
    raise AssertionError(f"no data chunk in {path}")


def tone_seconds(samples, freq, rate=8000, window=0.1, min_rms=1000):
    """Seconds of `samples` that are a clean tone of `freq` (within 8 %, by zero crossings) louder than min_rms."""
    n = int(rate * window)
    good = 0
    for i in range(0, len(samples) - n + 1, n):
        chunk = samples[i:i + n]
        if rtp.rms(chunk) > min_rms and abs(rtp.frequency(chunk, rate) - freq) <= 0.08 * freq:
            good += 1
    return good * window


def decoded_tone_packets(packets, freq, pt=rtp.PCMA):
    """The packets whose G.711 payload decodes to a tone of `freq`."""
    out = []
    for p in packets:
        if p.pt == pt and len(p.payload) >= 160:
            samples = rtp.decode(p.payload, pt)
            if rtp.rms(samples) > 1000 and abs(rtp.frequency(samples) - freq) <= 0.1 * freq:
                out.append(p)
    return out


# ---------------------------------------------------------------- the phones

class Baresip:
    """baresip 1.0 registered as `number`, driven and watched through ctrl_tcp, with a SIP trace (-s) in its log.

    Sends `source` (a WAV) as its audio; sndfile writes what it decoded to snd/dump-*-dec.wav.
    baresip hangs up by itself when the source file ends ("audio error: end of file"): make it longer than the call."""

    def __init__(self, folder, number, source, answer_auto=False):
        self.dir = os.path.join(folder, "baresip")
        os.makedirs(os.path.join(self.dir, "snd"))
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write("\n".join([
                f"sip_listen {HOST}:{BARESIP_SIP}", "sip_transports udp",
                "module_path /usr/lib/baresip/modules",
                "module g711.so", "module aufile.so", "module aubridge.so", "module sndfile.so",
                "module_tmp account.so", "module_app menu.so", "module_app ctrl_tcp.so",
                f"ctrl_tcp_listen {HOST}:{BARESIP_CTRL}",
                f"audio_source aufile,{source}", "audio_player aubridge,nil", "audio_alert aubridge,nil",
                f"snd_path {os.path.join(self.dir, 'snd')}", ""]))
        with open(os.path.join(self.dir, "accounts"), "w") as f:
            f.write(f"<sip:{number}@{TARGET};transport=udp>;auth_pass={SECRET};"
                    f"answermode={'auto' if answer_auto else 'manual'};audio_codecs=pcmu;regint=600\n")
        self.log_path = os.path.join(self.dir, "baresip.log")
        self.log = open(self.log_path, "w")
        # -t: quits by itself even if this test dies before stopping it.
        self.proc = subprocess.Popen(["baresip", "-s", "-f", self.dir, "-t", "120"], stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        self.events = []
        self.responses = []
        self.ctrl = None
        end = time.monotonic() + 10
        while self.ctrl is None:
            try:
                self.ctrl = socket.create_connection((HOST, BARESIP_CTRL), timeout=1)
            except OSError:
                if time.monotonic() > end or self.proc.poll() is not None:
                    raise AssertionError("baresip's ctrl_tcp did not come up:\n" + self.text()[-3000:])
                time.sleep(0.1)
        self.ctrl.settimeout(0.2)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        buf = b""
        while True:
            try:
                data = self.ctrl.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            if not data:
                return
            buf += data
            while b":" in buf:  # netstrings: LEN:JSON,
                length, _, rest = buf.partition(b":")
                if len(rest) < int(length) + 1:
                    break
                message, buf = json.loads(rest[:int(length)]), rest[int(length) + 1:]
                (self.events if message.get("event") else self.responses).append(message)

    def command(self, command, params=None):
        message = json.dumps({"command": command, **({"params": params} if params else {}), "token": command}).encode()
        self.ctrl.sendall(b"%d:%s," % (len(message), message))
        reply = callkit.wait_until(lambda: [r for r in self.responses if r.get("token") == command], 5)
        assert reply and reply[-1]["ok"], (command, self.responses)

    def event_types(self):
        return [e["type"] for e in self.events if e.get("class") == "call"]

    def wait_event(self, kind, timeout):
        return callkit.wait_until(lambda: [e for e in self.events if e["type"] == kind], timeout)

    def decoded_audio(self):
        """The samples baresip decoded in its (one) call: sndfile's dump-*-dec.wav."""
        [path] = glob.glob(os.path.join(self.dir, "snd", "dump-*-dec.wav"))
        return wav_samples(path)

    def text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def sip_messages(self):
        """[(direction, text)] of the SIP trace (-s): "sent" or "received", by the block headers "UDP A -> B"."""
        text = re.sub(r"\x1b\[[0-9;]*m", "", self.text())
        out = []
        for m in re.finditer(r"^#\n(UDP|TCP) (\S+) -> (\S+)\n(.*?)(?=^#\n|\Z)", text, re.M | re.S):
            out.append(("sent" if m.group(2).endswith(f":{BARESIP_SIP}") else "received", m.group(4).strip()))
        return out

    def report(self):
        return f"events: {self.event_types()}\n" + self.text()[-6000:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # unregisters and quits
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.ctrl:
            self.ctrl.close()
        self.log.close()


class Linphonec:
    """linphonec (linphone-cli) registered as `number`, commands on stdin, playing and recording WAV files."""

    def __init__(self, folder, number, auto_answer=False):
        self.home = os.path.join(folder, "linphonec")
        os.makedirs(os.path.join(self.home, ".local", "share", "linphone"))
        self.config = os.path.join(self.home, "lin.cfg")
        with open(self.config, "w") as f:
            f.write(f"[sip]\nsip_port={LINPHONEC_SIP}\nsip_tcp_port=0\ndefault_proxy=0\n"
                    f"[proxy_0]\nreg_proxy=<sip:{TARGET};transport=udp>\nreg_identity=sip:{number}@{TARGET}\n"
                    f"reg_expires=600\nreg_sendregister=1\n"
                    f"[auth_info_0]\nusername={number}\npasswd={SECRET}\nrealm={HOST}\n")
        self.log_path = os.path.join(self.home, "linphonec.log")
        self.log = open(self.log_path, "w")
        # timeout: it quits by itself even if this test dies before stopping it (SIGTERM is passed on).
        args = ["timeout", "120", "linphonec", "-c", self.config, "-d", "0"] + (["-a"] if auto_answer else [])
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=self.log, stderr=subprocess.STDOUT, text=True,
                                     env={**os.environ, "HOME": self.home})

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def use_files(self, play, record):
        """Plays `play` into its calls and records what it hears to `record` (set before the call starts)."""
        for line in ("soundcard use files", f"play {play}", f"record {record}"):
            self.send(line)

    def text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_output(self, needle, timeout):
        return callkit.wait_until(lambda: needle in self.text(), timeout, step=0.1)

    def report(self):
        return self.text()[-4000:]

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.send("quit")
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        self.log.close()


def stream_to_server(endpoint, callee, freq, seconds):
    """Once the sipp callee has the ACK: the endpoint streams an A-law tone to the server's address in the
    callee's INVITE (from the port its SDP named, so the server's latching sees the right source)."""
    assert callkit.wait_until(lambda: callee.received("ACK"), 15), callee.report()
    address, port, _ = rtp.sdp_media(callee.received("INVITE"))
    return endpoint.send_stream((address, port), rtp.tone_payloads(freq, seconds, rtp.PCMA), rtp.PCMA)


# ---------------------------------------------------------------- the tests

def test_baresip_calls_a_sipp_extension_and_hangs_up(pbx, folder, cleanup):
    """baresip (2001, PCMU only) dials 2002 and answers the 407 with its account; sipp answers PCMA after 1 s
    of ringing; 3 s of talk both ways; baresip hangs up (ctrl_tcp `hangup`)."""
    before = call_ids(pbx)
    ep = rtp.Endpoint()
    cleanup.append(ep.close)
    callee = callkit.callee(folder, "call_uas_answer.xml", SIPP_PORT, ep.port, delay_ms=1000, name="callee-2002")
    cleanup.append(callee.kill)
    phone = Baresip(folder, "2001", make_tone(os.path.join(folder, "tone1k.wav"), 1000, 15))
    cleanup.append(phone.stop)
    wait_registered(pbx, "2001", "baresip", BARESIP_SIP)

    phone.command("dial", f"sip:2002@{TARGET}")
    stream_to_server(ep, callee, 400, 2.5)
    assert phone.wait_event("CALL_ESTABLISHED", 5), phone.report()
    time.sleep(3)
    phone.command("hangup")
    assert phone.wait_event("CALL_CLOSED", 5), phone.report()
    assert callee.wait() == 0, callee.report()

    # Signalling, as baresip saw it: challenged once, then the authenticated INVITE was answered.
    messages = phone.sip_messages()
    invites = [m for d, m in messages if d == "sent" and m.startswith("INVITE ")]
    replies = [m.split("\n", 1)[0] for d, m in messages if d == "received" and "INVITE" in (rtp.header(m, "CSeq") or "")]
    assert len(invites) == 2 and not rtp.header(invites[0], "Proxy-Authorization"), phone.report()
    assert rtp.header(invites[1], "Proxy-Authorization").startswith('Digest username="2001"'), invites[1]
    assert any(r.startswith("SIP/2.0 407") for r in replies) and replies[-1].startswith("SIP/2.0 200"), replies
    assert callkit.digest_ok(invites[1], SECRET), invites[1]
    answer = [m for d, m in messages if d == "received" and m.startswith("SIP/2.0 200") and "INVITE" in rtp.header(m, "CSeq")][-1]
    check_anchored(rtp.sdp_media(answer), "the 200 to baresip")
    assert rtp.sdp_media(answer)[2][0] == rtp.PCMU, "baresip offered PCMU only"
    assert [e for e in phone.event_types() if e.startswith("CALL_")][-3:] == ["CALL_RINGING", "CALL_ESTABLISHED", "CALL_CLOSED"], \
        phone.event_types()

    # The sipp callee: an INVITE from 2001 with the server's SDP; a BYE at the end.
    invite = callee.received("INVITE")
    assert "<sip:2001@" in rtp.header(invite, "From"), invite
    check_anchored(rtp.sdp_media(invite), "the INVITE to 2002")
    assert callee.received("BYE"), callee.report()

    # Media, baresip -> sipp: ~3 s of its 1 kHz tone at 50 packets/s, transcoded to A-law.
    got = ep.received()
    tone = decoded_tone_packets(got, 1000)
    assert len(got) >= 120 and len(tone) >= 120, f"{len(got)} packets, {len(tone)} of them A-law 1 kHz"
    assert {p.source[0] for p in got} == {HOST} and all(RTP_PORTS[0] <= p.source[1] <= RTP_PORTS[1] for p in got)
    # Media, sipp -> baresip: the endpoint's 2.5 s of 400 Hz, decoded by baresip from PCMU.
    rate, heard = phone.decoded_audio()
    assert rate == 8000 and tone_seconds(heard, 400) >= 2.0, f"{tone_seconds(heard, 400)} s of 400 Hz in baresip's dump"

    check_cdr(new_cdr(pbx, before), "2001", "2002", "caller", (2, 5))


def test_sipp_calls_baresip_which_answers_by_itself(pbx, folder, cleanup):
    """2002 (a sipp caller, digest through the 407) calls 2001, baresip with answermode=auto; the caller
    echoes RTP, so baresip hears its own 1 kHz tone back; the caller hangs up after 4 s."""
    before = call_ids(pbx)
    phone = Baresip(folder, "2001", make_tone(os.path.join(folder, "tone1k.wav"), 1000, 15), answer_auto=True)
    cleanup.append(phone.stop)
    wait_registered(pbx, "2001", "baresip", BARESIP_SIP)

    caller = callkit.caller(folder, TARGET, "call_uac_auth_nomedia.xml", [("2002", SECRET, "2001")],
                            echo=True, hold_ms=4000, auth_uri=f"2001@{TARGET}")
    cleanup.append(caller.kill)
    assert callkit.wait_until(lambda: caller.received("SIP/2.0 200"), 10), caller.report() + phone.report()
    time.sleep(3.5)
    caller.dump_screen()
    assert caller.wait() == 0, caller.report() + phone.report()
    assert phone.wait_event("CALL_CLOSED", 5), phone.report()

    assert caller.received("SIP/2.0 407") and callkit.digest_ok(
        [m for d, m in caller.messages() if d == "sent" and m.startswith("INVITE")][-1], SECRET)
    check_anchored(rtp.sdp_media(caller.received("SIP/2.0 200")), "the 200 to the sipp caller")
    # baresip got the INVITE from the server (anchored SDP), answered it at once and saw the BYE.
    # (With answermode=auto baresip 1.0 reports no CALL_INCOMING, only ESTABLISHED.)
    calls = [e for e in phone.events if e.get("class") == "call"]
    assert [e["type"] for e in calls] == ["CALL_ESTABLISHED", "CALL_CLOSED"], phone.events
    assert calls[0]["direction"] == "incoming" and calls[0]["peeruri"].startswith("sip:2002@"), calls[0]
    incoming = [m for d, m in phone.sip_messages() if d == "received" and m.startswith("INVITE ")]
    assert len(incoming) == 1 and "<sip:2002@" in rtp.header(incoming[0], "From"), incoming
    check_anchored(rtp.sdp_media(incoming[0]), "the INVITE to baresip")
    assert any(m.startswith("BYE ") for d, m in phone.sip_messages() if d == "received"), phone.report()

    # baresip's tone reached the caller (sipp echoed ~4 s at 50 packets/s) and came back to baresip.
    echoed = caller.screen_counter()
    assert echoed and echoed >= 130, f"sipp echoed {echoed} packets"
    rate, heard = phone.decoded_audio()
    assert rate == 8000 and tone_seconds(heard, 1000) >= 2.5, f"{tone_seconds(heard, 1000)} s of its own 1 kHz came back"

    check_cdr(new_cdr(pbx, before), "2002", "2001", "caller", (3, 6))


def test_linphonec_calls_a_sipp_extension(pbx, folder, cleanup):
    """linphonec (2003) calls 2002 (answering its 407 with its account), plays a 1 kHz tone, records what it
    hears (the endpoint's 400 Hz) and hangs up (`terminate`) after 3 s."""
    before = call_ids(pbx)
    ep = rtp.Endpoint()
    cleanup.append(ep.close)
    callee = callkit.callee(folder, "call_uas_answer.xml", SIPP_PORT, ep.port, delay_ms=500, name="callee-2002")
    cleanup.append(callee.kill)
    phone = Linphonec(folder, "2003")
    cleanup.append(phone.stop)
    wait_registered(pbx, "2003", "Linphonec/", LINPHONEC_SIP)
    record = os.path.join(folder, "linphonec-heard.wav")
    phone.use_files(make_tone(os.path.join(folder, "tone1k.wav"), 1000, 15), record)
    phone.send(f"call sip:2002@{TARGET}")

    stream_to_server(ep, callee, 400, 2.5)
    assert phone.wait_output("connected.", 5), phone.report()
    time.sleep(3)
    phone.send("terminate")
    assert callee.wait() == 0, callee.report() + phone.report()
    assert phone.wait_output("ended (No error)", 5), phone.report()
    text = phone.text()
    progress = [text.find(f"Call 1 {line}") for line in (f"to sip:2002@{TARGET} in progress.", f"to sip:2002@{TARGET} ringing.",
                                                         f"with sip:2002@{TARGET} connected.")]
    assert -1 not in progress and progress == sorted(progress), text
    assert "Media streams established with sip:2002@" in text, text

    invite = callee.received("INVITE")
    assert "<sip:2003@" in rtp.header(invite, "From"), invite
    check_anchored(rtp.sdp_media(invite), "the INVITE to 2002")

    got = ep.received()
    tone = decoded_tone_packets(got, 1000)
    assert len(tone) >= 120, f"{len(got)} packets, {len(tone)} of them A-law 1 kHz from linphonec"
    rate, heard = wav_samples(record)
    assert tone_seconds(heard, 400, rate) >= 2.0, f"{tone_seconds(heard, 400, rate)} s of 400 Hz in linphonec's recording"

    check_cdr(new_cdr(pbx, before), "2003", "2002", "caller", (2, 5))


def test_sipp_calls_linphonec_which_answers_and_hangs_up(pbx, folder, cleanup):
    """2002 (sipp, plays g711a.pcap: speech) calls linphonec (2003, -a: auto-answer), which records what it hears
    and hangs up after 3 s; the caller takes the BYE."""
    before = call_ids(pbx)
    phone = Linphonec(folder, "2003", auto_answer=True)
    cleanup.append(phone.stop)
    wait_registered(pbx, "2003", "Linphonec/", LINPHONEC_SIP)
    record = os.path.join(folder, "linphonec-heard.wav")
    phone.use_files(make_tone(os.path.join(folder, "tone1k.wav"), 1000, 15), record)
    time.sleep(0.5)  # the files are set before the call comes

    caller = callkit.caller(folder, TARGET, "call_uac_auth_remote_bye.xml", [("2002", SECRET, "2003")],
                            auth_uri=f"2003@{TARGET}")
    cleanup.append(caller.kill)
    assert callkit.wait_until(lambda: caller.received("SIP/2.0 200"), 10), caller.report() + phone.report()
    assert phone.wait_output("connected.", 5), phone.report()
    time.sleep(3)
    phone.send("terminate")
    assert caller.wait() == 0, caller.report() + phone.report()
    assert phone.wait_output("ended (No error)", 5), phone.report()
    assert re.search(r"Receiving new incoming call from .*<sip:2002@", phone.text()), phone.report()
    assert "Media streams established" in phone.text(), phone.report()

    assert caller.received("SIP/2.0 407") and callkit.digest_ok(
        [m for d, m in caller.messages() if d == "sent" and m.startswith("INVITE")][-1], SECRET)
    check_anchored(rtp.sdp_media(caller.received("SIP/2.0 200")), "the 200 to the sipp caller")
    assert caller.received("BYE"), caller.report()
    rate, heard = wav_samples(record)
    speech = heard[int(0.5 * rate):int(2.5 * rate)]
    assert rtp.rms(speech) > 300, f"linphonec recorded RMS {rtp.rms(speech):.0f} of the caller's speech"

    check_cdr(new_cdr(pbx, before), "2002", "2003", "callee", (2, 5))
