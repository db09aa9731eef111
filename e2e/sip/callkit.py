"""Running sipp callers and callees for the call tests (e2e/sip/scenarios/call_*.xml).

Facts about sipp 3.6.1 these helpers rely on (checked on this machine):
- `-p 0` does not pick a random port: sipp binds 5060 (or the next free
  one) and the port it prints in Via/Contact must be right for in-dialog
  requests, so every run gets an explicit free `-p`.
- sipp binds the media port `-mp` and `-mp`+2 on `-mi` even without
  -rtp_echo (default 6000), and a UDP control port on 0.0.0.0 (8888 or
  the next free one).
- play_pcap_audio sends from a raw socket with the source port [media_port]
  to the address in the peer's SDP; each play keeps a raw IPPROTO_UDP socket
  open, which receives a copy of every UDP datagram on the host (fine for a
  few calls, quadratic for hundreds: the benchmark uses rtp_stream instead).
- `[branch-N]` is the branch of the message N places earlier in the
  scenario (pauses and nops count), which the ACK of a non-2xx and the
  CANCEL need.
- The digest uri sipp puts in [authentication] is sip:REMOTE_IP:REMOTE_PORT
  unless -auth_uri USER@HOST:PORT is given.
- The echo counter is only written to a screen dump taken while sipp runs:
  `kill -USR2 PID` writes `<scenario>_<pid>_screen.log` in its working
  directory ("N Total echo RTP pckts 1st stream").
- `-trace_msg -message_file F` is flushed as messages come and go.
"""
import hashlib
import os
import re
import signal
import socket
import subprocess
import time

import rtp

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(HERE, "scenarios")


def _free(sock_type, port):
    with socket.socket(socket.AF_INET, sock_type) as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def udp_port(pair=False):
    """A free UDP port on 127.0.0.1 (with pair=True, port+2 is free as well, as sipp's -mp needs)."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port % 2:
            port -= 1
        if port < 1024 or port > 65000:
            continue
        if _free(socket.SOCK_DGRAM, port) and (not pair or _free(socket.SOCK_DGRAM, port + 2)):
            return port
    raise RuntimeError("no free UDP port")


def injection_file(path, rows):
    """rows: (caller, password, callee) → CALLER;[authentication username=CALLER password=PW];CALLEE;PW."""
    with open(path, "w") as f:
        f.write("SEQUENTIAL\n")
        for caller, password, callee in rows:
            f.write(f"{caller};[authentication username={caller} password={password}];{callee};{password}\n")
    return path


class Sipp:
    """One sipp process run in its own working folder, with its message log there."""

    def __init__(self, folder, name, args, timeout=40):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        # A name used before in this folder (the same phone in a later call) gets a number: each run keeps its own log.
        base, n = name, 1
        while os.path.exists(os.path.join(folder, f"{name}.out")):
            n += 1
            name = f"{base}-{n}"
        self.log = os.path.join(folder, f"{name}.messages.log")
        self.out = open(os.path.join(folder, f"{name}.out"), "w")
        self.cmd = ["sipp", *args, "-trace_msg", "-message_file", self.log, "-trace_err", "-nostdin",
                    "-timeout", str(timeout), "-timeout_error", "-max_recv_loops", "100"]
        self.proc = subprocess.Popen(self.cmd, cwd=folder, stdout=self.out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        self.deadline = time.monotonic() + timeout + 20

    def wait(self):
        try:
            return self.proc.wait(timeout=max(1, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        finally:
            self.out.close()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def dump_screen(self):
        """Asks the running sipp for a screen dump (its RTP echo counter); returns once it is written."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGUSR2)
            time.sleep(0.3)

    def screen_counter(self, label="Total echo RTP pckts 1st stream"):
        """A counter of the last screen dump (dump_screen), e.g. the RTP packets sipp echoed."""
        return rtp.screen_counter(self.folder, label, pid=self.proc.pid)

    def messages(self):
        return rtp.sipp_messages(self.log)

    def received(self, start):
        return rtp.find_message(self.log, "received", start)

    def sent(self, start):
        return rtp.find_message(self.log, "sent", start)

    def output(self):
        with open(os.path.join(self.folder, os.path.basename(self.log).replace(".messages.log", ".out"))) as f:
            return f.read()

    def report(self):
        """What a failed assertion should show: the command, its output and the SIP messages."""
        text = " ".join(self.cmd) + "\n" + self.output()[-3000:]
        for d, m in self.messages():
            text += f"\n--- {d}\n{m[:1200]}"
        return text


def wait_until(predicate, timeout, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def caller(folder, target, scenario, rows, *, media_port=None, echo=False, hold_ms=0, auth_uri=None, name="caller",
           local_port=None, timeout=40, extra=()):
    """A sipp UAC running scenarios/<scenario> once per row of (caller, password, callee)."""
    csv = injection_file(os.path.join(folder, f"{name}.csv"), rows)
    args = [target, "-sf", os.path.join(SCENARIOS, scenario), "-inf", csv, "-m", str(len(rows)),
            "-i", "127.0.0.1", "-p", str(local_port or udp_port()), "-mi", "127.0.0.1",
            "-mp", str(media_port or udp_port(pair=True)), "-d", str(hold_ms), "-r", "1", "-l", "10"]
    if echo:
        args.append("-rtp_echo")
    if auth_uri:
        args += ["-auth_uri", auth_uri]
    return Sipp(folder, name, args + list(extra), timeout=timeout)


def callee(folder, scenario, port, rtp_port=None, *, calls=1, delay_ms=0, echo=False, name="callee", timeout=40, extra=()):
    """A sipp UAS on 127.0.0.1:port answering `calls` calls with scenarios/<scenario> (or a path);
    its SDP names rtp_port (the -mp port when None: sipp's own echo socket with echo=True)."""
    media = udp_port(pair=True)
    path = scenario if os.path.isabs(scenario) else os.path.join(SCENARIOS, scenario)
    args = ["-sf", path, "-m", str(calls), "-i", "127.0.0.1", "-p", str(port), "-mi", "127.0.0.1", "-mp", str(media),
            "-key", "rtp_port", str(rtp_port or media), "-d", str(delay_ms), "-aa"]
    if echo:
        args.append("-rtp_echo")
    return Sipp(folder, name, args + list(extra), timeout=timeout)


def register(folder, target, number, password, port, name=None):
    """Registers NUMBER with contact sip:NUMBER@127.0.0.1:port (register_ok.xml); returns sipp's exit code."""
    run = Sipp(folder, name or f"register-{number}",
               [target, "-sf", os.path.join(SCENARIOS, "register_ok.xml"), "-s", number, "-au", number, "-ap", password,
                "-m", "1", "-i", "127.0.0.1", "-p", str(port)], timeout=15)
    return run.wait(), run


# ---------------------------------------------------------------- digest check

def digest_params(value):
    scheme, _, rest = value.partition(" ")
    params = dict((k.lower(), v.strip('"')) for k, v in re.findall(r'(\w+)\s*=\s*("[^"]*"|[^,\s]+)', rest))
    params["scheme"] = scheme
    return params


def digest_ok(request_text, password, method="INVITE", header_name="Proxy-Authorization"):
    """Recomputes the digest response of a request's (Proxy-)Authorization header (RFC 7616, MD5 or SHA-256)."""
    value = rtp.header(request_text, header_name)
    if not value:
        return False
    p = digest_params(value)
    algorithm = p.get("algorithm", "MD5").upper()
    h = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}[algorithm.replace("-SESS", "")]

    def H(s):
        return h(s.encode()).hexdigest()

    ha1 = H(f"{p['username']}:{p['realm']}:{password}")
    ha2 = H(f"{method}:{p['uri']}")
    if "qop" in p:
        expected = H(f"{ha1}:{p['nonce']}:{p['nc']}:{p['cnonce']}:{p['qop']}:{ha2}")
    else:
        expected = H(f"{ha1}:{p['nonce']}:{ha2}")
    return expected == p.get("response")


# ---------------------------------------------------------------- a challenging callee for the self-test

CHALLENGE = """  <recv request="INVITE" crlf="true"/>
  <send>
    <![CDATA[
      SIP/2.0 407 Proxy Authentication Required
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag07[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Proxy-Authenticate: Digest realm="127.0.0.1", nonce="[pid]n[call_number]", qop="auth", algorithm=MD5
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK" crlf="true"/>
"""


def with_challenge(uas_scenario, out_path, status=None):
    """A UAS scenario that first challenges the INVITE with 407 (and takes the ACK), then runs uas_scenario.
    With status, the callee's final error answer (486) becomes that status instead."""
    with open(os.path.join(SCENARIOS, uas_scenario)) as f:  # an absolute path is taken as it is
        text = f.read()
    at = text.index(">\n", text.index("<scenario")) + 2
    text = text[:at] + CHALLENGE + text[at:]
    if status:
        text = text.replace("SIP/2.0 486 Busy Here", f"SIP/2.0 {status} Rejected")
    with open(out_path, "w") as f:
        f.write(text)
    return out_path


def without_challenge(uac_scenario, out_path):
    """The part of an authenticating caller scenario after the challenge: its first INVITE is the
    authenticated one (without credentials), so it can run straight against a callee scenario."""
    with open(os.path.join(SCENARIOS, uac_scenario)) as f:
        text = f.read()
    start = text.index("  <send", text.index("<scenario"))
    second = text.index("  <send retrans=\"500\">", text.index("auth=\"true\"", start))
    text = text[:start] + text[second:]
    text = text.replace("      [field1]\n", "").replace("CSeq: 2 ", "CSeq: 1 ").replace("CSeq: 3 ", "CSeq: 2 ")
    with open(out_path, "w") as f:
        f.write(text)
    return out_path
