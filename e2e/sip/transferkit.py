"""Helpers for the transfer and call-event tests (test_call_transfer.py, test_call_events.py).

- `Talker`: a phone's voice: a continuous G.711 tone with its own SSRC, sent
  every 20 ms from an rtp.Endpoint (so from the port its SDP names, as the
  server's latching expects) to an address that can change mid-call (a
  re-INVITE that moves the server's media for the phone).
- `timed_messages`: the messages of a sipp `-trace_msg` file with the time
  each was logged, on the same clock as rtp.Endpoint's packets
  (time.monotonic), so audio can be judged before and after a SIP event.
- `tone_packets` / `pure_tone_packets`: what a phone heard, by SSRC, time and
  frequency (the share of each decoded frame's power at that frequency).
- `SipSocket`: a plain UDP socket for the few requests the tests craft by
  hand (a REFER outside any dialog, one from another address, a trigger
  for a waiting sipp phone), with the response read back.
- `WebSocket`: the smallest RFC 6455 client the events test needs
  (handshake with a bearer token and optional Origin, text frames, pong).
"""
import math
import os
import random
import re
import socket
import threading
import time
import urllib.parse

import eventsocket
import rtp

def timed_messages(path):
    """[(monotonic time, direction, text)] of a sipp -trace_msg message file."""
    return rtp.timed_sipp_messages(path)


def phone_ports(names):
    """Fixed SIP ports for a module's sipp phones, below the kernel's ephemeral range (32768+), so that no socket
    a test opens on port 0 (RTP endpoints, sipp's media and control ports) can take one between two tests,
    and outside the RTP ranges the call tests give servers (20000-31999)."""
    ports = {}
    for _ in range(500):
        if len(ports) == len(names):
            return ports
        port = random.randrange(12000, 19990)
        if port in ports.values():
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports[names[len(ports)]] = port
    raise RuntimeError("no free phone ports")


def is_request(text, method):
    return rtp.first_line(text).startswith(method + " ")


def is_response(text, status, method):
    """A response with this status (int or prefix string) to a request of `method` (by CSeq)."""
    line = rtp.first_line(text)
    cseq = rtp.header(text, "CSeq") or ""
    return line.startswith(f"SIP/2.0 {status}") and cseq.split()[-1:] == [method]


def find(sipp, direction, match, after=None):
    """The (time, text) messages of a sipp run in `direction` for which match(text) holds."""
    return [(t, text) for t, d, text in timed_messages(sipp.log) if d == direction and match(text) and (after is None or t > after)]


def wait_for(sipp, direction, match, count=1, timeout=10):
    """Waits until `count` such messages are in the sipp run's log; returns them (or fails with its report)."""
    end = time.monotonic() + timeout
    while True:
        found = find(sipp, direction, match)
        if len(found) >= count:
            return found
        if time.monotonic() > end or sipp.proc.poll() is not None and len(find(sipp, direction, match)) < count:
            raise AssertionError(f"waited {timeout} s for {count} message(s) {direction} by {os.path.basename(sipp.log)}\n" + sipp.report())
        time.sleep(0.05)


def tag_of(header_value):
    m = re.search(r";\s*tag=([^;>\s]+)", header_value or "")
    return m.group(1) if m else None


def sdp_codec(text):
    """The first G.711 payload type of a message's SDP (what the other side will expect us to send)."""
    media = rtp.sdp_media(text)
    return next((pt for pt in (media[2] if media else []) if pt in (rtp.PCMU, rtp.PCMA)), rtp.PCMA)


def sdp_port(text):
    media = rtp.sdp_media(text)
    assert media, f"no SDP audio in:\n{text}"
    return media[0], media[1]


# ---------------------------------------------------------------- media

class Talker:
    """A phone's voice: a continuous tone (own SSRC) from `endpoint`, 50 packets/s, to `dest` (changeable)."""

    def __init__(self, endpoint, freq, ssrc, pt=rtp.PCMA, amplitude=8000, limit=60):
        self.endpoint, self.freq, self.ssrc, self.pt, self.amplitude = endpoint, freq, ssrc, pt, amplitude
        self.dest = None
        self.limit = limit
        self._stop = threading.Event()
        self._thread = None
        self.sent = 0

    def to(self, dest, pt=None):
        """Talks to `dest` from now on (in payload type `pt`, if given: the codec the last SDP exchange settled)."""
        if pt is not None:
            self.pt = pt
        self.dest = dest
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def _run(self):
        seq, ts = random.getrandbits(16), random.getrandbits(32)
        start = time.monotonic()
        i = 0
        while not self._stop.is_set() and i < self.limit * 50:  # bounded: at most `limit` seconds
            delay = start + i * 0.02 - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            samples = rtp.tone(self.freq, 160, self.amplitude, start=i * 160)
            data = rtp.build(self.pt, seq + i, ts + i * 160, self.ssrc, rtp.encode(samples, self.pt), marker=(i == 0))
            try:
                self.endpoint.sock.sendto(data, self.dest)
                self.sent += 1
            except OSError:
                return
            i += 1

    def stop(self):
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2)


def purity(samples, freq, rate=8000):
    """The share of a frame's power at `freq` (Goertzel): about 1 for a pure tone of that frequency, small for music or speech."""
    if not samples:
        return 0.0
    coeff = 2 * math.cos(2 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + coeff * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    mean_square = sum(x * x for x in samples) / len(samples)
    return (2 * power / (len(samples) ** 2)) / mean_square if mean_square else 0.0


def pure_tone_packets(packets, freq, min_purity=0.8, min_rms=300, **kw):
    """tone_packets with a stricter purity and a lower level: the server's ringback (music is never this pure)."""
    return tone_packets(packets, freq, min_purity=min_purity, min_rms=min_rms, **kw)


def tone_packets(packets, freq, ssrc=None, not_ssrc=(), after=None, before=None, min_purity=0.7, min_rms=1000):
    """The audio packets (after/before: monotonic times; of SSRC `ssrc`, not of `not_ssrc`) that carry a tone of
    `freq`: most of the frame's power at that frequency (Goertzel; every tone the tests use has a whole number of
    cycles in a 20 ms frame) and louder than min_rms."""
    out = []
    for p in window(packets, after, before, ssrc, not_ssrc):
        samples = rtp.decode(p.payload, p.pt)
        if rtp.rms(samples) > min_rms and purity(samples, freq) >= min_purity:
            out.append(p)
    return out


def window(packets, after=None, before=None, ssrc=None, not_ssrc=()):
    return [p for p in packets if p.pt in (rtp.PCMA, rtp.PCMU) and (after is None or p.time > after) and (before is None or p.time < before)
            and (ssrc is None or p.ssrc == ssrc) and p.ssrc not in not_ssrc]


def describe(packets, after=None, before=None):
    """A short account of what was heard in a window, for assertion messages: per SSRC, count and main frequency."""
    groups = {}
    for p in window(packets, after, before):
        groups.setdefault(p.ssrc, []).append(p)
    parts = []
    for ssrc, ps in groups.items():
        samples = [s for p in ps[len(ps) // 4: len(ps) // 4 + 25] for s in rtp.decode(p.payload, p.pt)]
        parts.append(f"ssrc {ssrc:#x}: {len(ps)} packets, {ps[0].time:.2f}..{ps[-1].time:.2f}, ~{rtp.frequency(samples):.0f} Hz rms {rtp.rms(samples):.0f}")
    return "; ".join(parts) or "nothing"


# ---------------------------------------------------------------- hand-made SIP

class SipSocket:
    """UDP on (host, port) for requests built by the test; reads back responses by CSeq."""

    def __init__(self, host="127.0.0.1", port=0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, port))
        self.host, self.port = self.sock.getsockname()
        self.sock.settimeout(0.2)

    def send(self, text, dest):
        self.sock.sendto(text.replace("\r\n", "\n").replace("\n", "\r\n").encode(), dest)

    def response(self, cseq, timeout=5):
        """The first final response (>= 200) to the request with this CSeq value; None if none came."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                data, _ = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            text = data.decode(errors="replace").replace("\r\n", "\n")
            if text.startswith("SIP/2.0 ") and (rtp.header(text, "CSeq") or "") == cseq and int(text.split()[1]) >= 200:
                return text
        return None

    def close(self):
        self.sock.close()


def request(method, uri, sock, *, call_id, from_, to, cseq, extra=(), body="", branch=None):
    """A request from `sock` (Via and Contact name it)."""
    branch = branch or "z9hG4bK-test-" + os.urandom(6).hex()
    lines = [f"{method} {uri} SIP/2.0", f"Via: SIP/2.0/UDP {sock.host}:{sock.port};branch={branch};rport", "Max-Forwards: 70",
             f"From: {from_}", f"To: {to}", f"Call-ID: {call_id}", f"CSeq: {cseq} {method}",
             f"Contact: <sip:test@{sock.host}:{sock.port}>", *extra, f"Content-Length: {len(body.encode())}", "", body]
    return "\n".join(lines)


def replaces_value(call_id, to_tag, from_tag, escaped=False):
    value = f"{call_id};to-tag={to_tag};from-tag={from_tag}"
    return urllib.parse.quote(value, safe="") if escaped else value


# The event WebSocket client lives in e2e/eventsocket.py (the CRM's event tests use it too).
WebSocket = eventsocket.WebSocket
