"""RTP for the call tests, standard library only.

- G.711 A-law and u-law (ITU-T G.711, the classic Sun g711.c algorithms),
  tones, and the measures the tests check audio with (RMS, the frequency
  from zero crossings).
- RTP packets: build and parse, RFC 4733 telephone-events.
- `Endpoint`: a UDP socket on 127.0.0.1 that records every RTP packet it
  receives (on a thread) and can send a paced stream, from the same socket
  (symmetric RTP, so a relay that latches onto the source sees the port
  the SDP named).
- pcap files: read the RTP payloads of sipp's pcaps, write a tone pcap
  sipp's play_pcap_audio can play (`python3 rtp.py tone-pcap ...`).
- sipp's logs: the messages of `-trace_msg -message_file F` (the SDP a
  peer sent, whether an ACK arrived) and the counters of a screen dump
  (`kill -USR2 PID` writes `<scenario>_<pid>_screen.log` in sipp's working
  directory, with "N Total echo RTP pckts 1st stream" when -rtp_echo is on).
"""
import argparse
import math
import os
import random
import re
import socket
import struct
import threading
import time
from datetime import datetime

PCMU, PCMA, TELEPHONE_EVENT = 0, 8, 101
CODECS = {"pcmu": PCMU, "pcma": PCMA}

# ---------------------------------------------------------------- G.711

_SEG_AEND = (0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF)
_SEG_UEND = (0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF)


def _segment(value, table):
    for i, end in enumerate(table):
        if value <= end:
            return i
    return len(table)


def linear_to_alaw(sample):
    pcm = sample >> 3
    if pcm >= 0:
        mask = 0xD5
    else:
        mask = 0x55
        pcm = -pcm - 1
    seg = _segment(pcm, _SEG_AEND)
    if seg >= 8:
        return 0x7F ^ mask
    aval = seg << 4
    aval |= (pcm >> 1) & 0x0F if seg < 2 else (pcm >> seg) & 0x0F
    return aval ^ mask


def alaw_to_linear(byte):
    byte ^= 0x55
    t = (byte & 0x0F) << 4
    seg = (byte & 0x70) >> 4
    if seg == 0:
        t += 8
    elif seg == 1:
        t += 0x108
    else:
        t = (t + 0x108) << (seg - 1)
    return t if byte & 0x80 else -t


def linear_to_ulaw(sample):
    pcm = sample >> 2
    if pcm < 0:
        pcm = -pcm
        mask = 0x7F
    else:
        mask = 0xFF
    pcm = min(pcm, 8159) + (0x84 >> 2)
    seg = _segment(pcm, _SEG_UEND)
    if seg >= 8:
        return 0x7F ^ mask
    return ((seg << 4) | ((pcm >> (seg + 1)) & 0x0F)) ^ mask


def ulaw_to_linear(byte):
    byte = ~byte & 0xFF
    t = (((byte & 0x0F) << 3) + 0x84) << ((byte & 0x70) >> 4)
    return 0x84 - t if byte & 0x80 else t - 0x84


_DECODE = {PCMA: [alaw_to_linear(b) for b in range(256)], PCMU: [ulaw_to_linear(b) for b in range(256)]}
_ENCODE = {PCMA: linear_to_alaw, PCMU: linear_to_ulaw}


def decode(payload, pt):
    table = _DECODE[pt]
    return [table[b] for b in payload]


def encode(samples, pt):
    enc = _ENCODE[pt]
    return bytes(enc(max(-32768, min(32767, int(s)))) for s in samples)


def tone(freq, count, amplitude=8000, rate=8000, start=0):
    return [int(amplitude * math.sin(2 * math.pi * freq * (start + i) / rate)) for i in range(count)]


def rms(samples):
    return math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0


def frequency(samples, rate=8000):
    """The frequency of a clean tone from its zero crossings (0 for silence)."""
    crossings = sum(1 for a, b in zip(samples, samples[1:]) if (a < 0) != (b < 0))
    return crossings * rate / (2 * len(samples)) if samples else 0.0


# ---------------------------------------------------------------- RTP packets

class Packet:
    __slots__ = ("time", "source", "pt", "marker", "seq", "ts", "ssrc", "payload")

    def __init__(self, time_, source, pt, marker, seq, ts, ssrc, payload):
        self.time, self.source, self.pt, self.marker = time_, source, pt, marker
        self.seq, self.ts, self.ssrc, self.payload = seq, ts, ssrc, payload

    def event(self):
        """(event, end, volume, duration) of an RFC 4733 telephone-event payload."""
        if len(self.payload) < 4:
            return None
        e, flags, duration = struct.unpack("!BBH", self.payload[:4])
        return e, bool(flags & 0x80), flags & 0x3F, duration

    def __repr__(self):
        return f"Packet(pt={self.pt}, seq={self.seq}, ts={self.ts}, ssrc={self.ssrc:#x}, len={len(self.payload)}, from={self.source})"


def build(pt, seq, ts, ssrc, payload, marker=False):
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc) + payload


def parse(data, source=None, at=None):
    if len(data) < 12 or data[0] >> 6 != 2:
        return None
    cc = data[0] & 0x0F
    start = 12 + 4 * cc
    if data[0] & 0x10:  # header extension
        if len(data) < start + 4:
            return None
        start += 4 + 4 * struct.unpack("!H", data[start + 2:start + 4])[0]
    end = len(data)
    if data[0] & 0x20 and end > start:  # padding
        end -= data[-1]
    seq, ts, ssrc = struct.unpack("!HII", data[2:12])
    return Packet(at, source, data[1] & 0x7F, bool(data[1] & 0x80), seq, ts, ssrc, bytes(data[start:end]))


# ---------------------------------------------------------------- a UDP endpoint

class Endpoint:
    """Receives RTP on 127.0.0.1:port (recorded in `packets`) and sends paced streams from the same port."""

    def __init__(self, host="127.0.0.1", port=0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind((host, port))
        self.sock.settimeout(0.1)
        self.host, self.port = self.sock.getsockname()
        self.packets = []
        self.sent = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._threads = [threading.Thread(target=self._receive, daemon=True)]
        self._threads[0].start()

    def _receive(self):
        while not self._closed.is_set():
            try:
                data, source = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            packet = parse(data, source, time.monotonic())
            if packet is not None:
                with self._lock:
                    self.packets.append(packet)

    def received(self, pt=None):
        with self._lock:
            return [p for p in self.packets if pt is None or p.pt == pt]

    def send_stream(self, dest, payloads, pt, ptime=0.02, ssrc=None, samples_per_packet=None):
        """Sends one packet per payload every `ptime` seconds to `dest` on a thread; returns the thread."""
        ssrc = ssrc if ssrc is not None else random.getrandbits(32)
        step = samples_per_packet or int(8000 * ptime)
        seq0, ts0 = random.getrandbits(16), random.getrandbits(32)

        def run():
            start = time.monotonic()
            for i, payload in enumerate(payloads):
                if self._closed.is_set():
                    return
                delay = start + i * ptime - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                data = build(pt, seq0 + i, ts0 + i * step, ssrc, payload, marker=(i == 0))
                try:
                    self.sock.sendto(data, dest)
                except OSError:
                    return
                with self._lock:
                    self.sent.append(payload)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self._threads.append(thread)
        return thread

    def close(self):
        self._closed.set()
        for t in self._threads:
            t.join(timeout=2)
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def tone_payloads(freq, seconds, pt, ptime=0.02, amplitude=8000):
    """G.711 payloads of a continuous tone, one per packet."""
    per = int(8000 * ptime)
    count = int(round(seconds / ptime))
    samples = tone(freq, per * count, amplitude)
    return [encode(samples[i * per:(i + 1) * per], pt) for i in range(count)]


# ---------------------------------------------------------------- pcap files

def pcap_packets(path):
    """The RTP packets of a pcap file (Ethernet or Linux cooked capture, IPv4/UDP)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    link = struct.unpack(endian + "I", data[20:24])[0]
    offset, packets = 24, []
    while offset + 16 <= len(data):
        sec, usec, incl, _ = struct.unpack(endian + "IIII", data[offset:offset + 16])
        frame = data[offset + 16:offset + 16 + incl]
        offset += 16 + incl
        ip = frame[14:] if link == 1 else frame[16:] if link == 113 else frame
        if not ip or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        udp = ip[(ip[0] & 0x0F) * 4:]
        packet = parse(udp[8:], at=sec + usec / 1e6)
        if packet is not None:
            packets.append(packet)
    return packets


def write_pcap(path, payloads, pt, ptime=0.02, src=("127.0.0.1", 6000), dst=("127.0.0.1", 6002), ssrc=0x484C5431):
    """A pcap (Ethernet, IPv4, UDP) of one RTP stream, one payload per packet, that sipp can play."""
    step = int(8000 * ptime)

    def ip_checksum(header):
        total = sum(struct.unpack("!10H", header))
        total = (total >> 16) + (total & 0xFFFF)
        return ~(total + (total >> 16)) & 0xFFFF

    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, payload in enumerate(payloads):
            rtp = build(pt, 1000 + i, 160000 + i * step, ssrc, payload, marker=(i == 0))
            udp = struct.pack("!HHHH", src[1], dst[1], 8 + len(rtp), 0) + rtp
            header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0,
                                 socket.inet_aton(src[0]), socket.inet_aton(dst[0]))
            header = header[:10] + struct.pack("!H", ip_checksum(header)) + header[12:]
            frame = b"\x00" * 12 + b"\x08\x00" + header + udp
            t = 1_700_000_000 + i * ptime
            f.write(struct.pack("<IIII", int(t), int(round((t % 1) * 1e6)) % 1_000_000, len(frame), len(frame)))
            f.write(frame)


# ---------------------------------------------------------------- sipp's logs

_BLOCK = re.compile(r"^-{20,} ([^\n]*)\n\S+ message (received|sent) [^\n]*\n\n", re.M)
_STAMP = re.compile(r"^(\d{4}-\d\d-\d\d)[ \t](\d\d:\d\d:\d\d(?:\.\d+)?)")
# sipp logs local wall-clock times; Endpoint stamps packets with time.monotonic().
_WALL_MINUS_MONO = time.time() - time.monotonic()


def timed_sipp_messages(path):
    """[(time, direction, text)] from a sipp -trace_msg message file: direction is "received" or "sent", time the
    logged wall-clock stamp on time.monotonic()'s scale (None when the line has none)."""
    try:
        with open(path, errors="replace") as f:
            log = f.read()
    except FileNotFoundError:
        return []
    marks = list(_BLOCK.finditer(log))
    out = []
    for i, m in enumerate(marks):
        stamp = _STAMP.match(m.group(1))
        when = None
        if stamp:
            clock = stamp.group(2)
            wall = datetime.strptime(f"{stamp.group(1)} {clock}", "%Y-%m-%d %H:%M:%S.%f" if "." in clock else "%Y-%m-%d %H:%M:%S")
            when = wall.timestamp() - _WALL_MINUS_MONO
        out.append((when, m.group(2), log[m.end():marks[i + 1].start() if i + 1 < len(marks) else len(log)].strip("\n")))
    return out


def sipp_messages(path):
    """[(direction, text)] from a sipp -trace_msg message file; direction is "received" or "sent"."""
    return [(direction, text) for _, direction, text in timed_sipp_messages(path)]


def first_line(text):
    return text.split("\n", 1)[0].strip()


def find_message(path, direction, start):
    """The first message in `direction` whose start line begins with `start` (e.g. "INVITE", "SIP/2.0 200")."""
    for d, text in sipp_messages(path):
        if d == direction and first_line(text).startswith(start):
            return text
    return None


def sdp_media(text):
    """(address, port, payload types) of the first audio stream of the SDP in a message."""
    if text is None:
        return None
    c = re.search(r"^c=IN IP4 (\S+)", text, re.M)
    m = re.search(r"^m=audio (\d+) RTP/AVP ([\d ]+)", text, re.M)
    if not c or not m:
        return None
    return c.group(1), int(m.group(1)), [int(p) for p in m.group(2).split()]


def header(text, name):
    m = re.search(rf"^{name}\s*:\s*(.*)$", text or "", re.M | re.I)
    return m.group(1).strip() if m else None


def screen_counter(folder, label="Total echo RTP pckts 1st stream", pid=None):
    """The largest `N <label>` in the sipp screen dumps (`*_screen.log`, of process pid if given) in folder."""
    best = None
    for name in os.listdir(folder):
        if name.endswith(f"_{pid}_screen.log" if pid else "_screen.log"):
            with open(os.path.join(folder, name), errors="replace") as f:
                for m in re.finditer(rf"(\d+) {re.escape(label)}", f.read()):
                    best = max(best or 0, int(m.group(1)))
    return best


# ---------------------------------------------------------------- command line

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("tone-pcap", help="write a pcap of a G.711 tone that sipp's play_pcap_audio can play")
    t.add_argument("--codec", choices=sorted(CODECS), default="pcmu")
    t.add_argument("--freq", type=float, default=1000)
    t.add_argument("--seconds", type=float, default=3)
    t.add_argument("--ptime", type=float, default=0.02)
    t.add_argument("out")
    s = sub.add_parser("raw", help="write headerless G.711 (for sipp's rtp_stream) of a tone or of a pcap's payloads")
    s.add_argument("--codec", choices=sorted(CODECS), default="pcma")
    s.add_argument("--freq", type=float, default=1000)
    s.add_argument("--seconds", type=float, default=1)
    s.add_argument("--from-pcap")
    s.add_argument("out")
    args = parser.parse_args()
    if args.command == "tone-pcap":
        pt = CODECS[args.codec]
        write_pcap(args.out, tone_payloads(args.freq, args.seconds, pt, args.ptime), pt, args.ptime)
    else:
        if args.from_pcap:
            data = b"".join(p.payload for p in pcap_packets(args.from_pcap))
        else:
            data = b"".join(tone_payloads(args.freq, args.seconds, CODECS[args.codec]))
        with open(args.out, "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
