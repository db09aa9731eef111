#!/usr/bin/env python3
"""Call benchmark: call setup rate and concurrent relayed G.711 calls.

One command: `python3 bench/sip-calls/run.py [--binary PATH] [--duration 20]`.
Builds the release binary (unless --binary), installs sipp, Kamailio and
iptables from Debian if missing, then runs everything in a private network
namespace (`unshare -n`, loopback only, fixed ports, kernel counters that
see only this benchmark's traffic):

(a) Call rate: a ladder of call rates, each step `--duration` seconds of
    calls (INVITE ... 200/ACK, `--hold-ms` 1000 of hold, BYE) from a sipp
    UAC to a sipp UAS (e2e/sip/scenarios/call_uac_*.xml, call_uas_answer.xml).
    A step passes when every call succeeds at both ends and the step ends
    within 5% (+1 s) of its nominal time; the ladder stops at the first
    failing step. Targets:
      ceiling        sipp -> sipp directly (the harness's own limit)
      kamailio       sipp -> Kamailio 5.6 stateful proxy, 1 UDP worker -> sipp
      kamailio-auth  the same with a digest challenge on every INVITE
      hotline        sipp -> Hotline B2BUA -> sipp: every INVITE challenged
                     (407) and authenticated; 3,000 caller extensions call
                     3,000 callee extensions, all registered at the one UAS
      hotline-rtp    hotline with media: caller and callee each stream G.711
                     (sipp rtp_stream, PCMA, 20 ms) for the hold, Hotline
                     relays both directions
      ceiling-rtp    sipp -> sipp directly with the same media
(c) Concurrent calls: steps of `--concurrency` long calls (ramped at
    `--ramp` calls/s, then held for a `--window` s measuring window), each
    side of each call streaming PCMA (50 packets/s per direction: 100
    relayed packets/s per call); both stop streaming a second before the
    caller's BYE, so nothing is in flight at teardown. Loss is counted by
    the kernel (iptables rules on the namespace's loopback): packets the
    callers sent vs packets that reached the callee's port, and the other
    way round (sipp never reads its media socket, so the count is taken
    before it). A step passes with every call successful, 0 packets lost
    and sipp's streams on time (>= 97% of the nominal rate in the window:
    otherwise the harness is the limit). Hotline's CPU (/proc/PID/stat) and
    RSS (/proc/PID/status) are measured over the window. sipp -> sipp with
    the same media is the harness ceiling (2,000 calls, 200 kpps, 0 loss
    here).

Other work on the shared machine is measured for every step (busy CPU
from /proc/stat minus this benchmark's processes); a step that fails while
others used more than 0.3 of a core is run once more after it settles.
Each rate step also prints `drops S/H`: datagrams the kernel dropped at
the server's SIP socket (S) and elsewhere, at sipp's sockets (H), because
a receive buffer was full; a loss there is retransmitted 500 ms later and
can fail a call in sipp's scenario.

sipp's play_pcap_audio is not used for load: each play holds a raw UDP
socket that receives a copy of every datagram on the host, which grows with
the square of the number of calls. rtp_stream sends from the -mp socket.
"""
import argparse
import atexit
import concurrent.futures
import ctypes
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = pathlib.Path(__file__).resolve().parent
SCENARIOS = ROOT / "e2e" / "sip" / "scenarios"
sys.path.insert(0, str(ROOT / "e2e"))
sys.path.insert(0, str(ROOT / "e2e" / "sip"))
from conftest import Server  # noqa: E402
import rtp  # noqa: E402

# Fixed ports: the benchmark has the network namespace to itself.
HOTLINE_SIP, HOTLINE_HTTP = 25060, 28080
RTP_LO, RTP_HI = 40000, 49999
KAMAILIO = 35060
UAS, UAS_MP = 5080, 18000
# sipp's sockets get 4 MiB buffers (its default, 64 KiB, overflowed near 1,100 calls/s while the
# server dropped nothing); Hotline's SIP socket and Kamailio (maxbuffer) ask for the same.
SIPP_BUFFER = str(4 << 20)
HOTLINE_UAS = 5090  # Hotline's callees: its late retransmissions after an overloaded step never reach the others' UAS
UAC, UAC_MP = 5070, 16000
ADMIN = "Bench-Admin-123"
PAIRS = 3000
CALLERS, CALLEES = 10000, 20000
IPT = "iptables-legacy"
TICK = os.sysconf("SC_CLK_TCK")

CHILDREN = []


# ---------------------------------------------------------------- processes

def _die_with_parent():
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start(cmd, out=None, **kw):
    proc = subprocess.Popen(cmd, preexec_fn=_die_with_parent, stdin=subprocess.DEVNULL,
                            stdout=out or subprocess.DEVNULL, stderr=subprocess.STDOUT, **kw)
    CHILDREN.append(proc)
    return proc


def stop(proc, timeout=10):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def stop_all():
    for proc in reversed(CHILDREN):
        stop(proc)


def proc_stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK  # ppid, cpu seconds


def tree_cpu(root):
    """CPU seconds of a process and its descendants (Kamailio forks its workers)."""
    if root is None:
        return 0.0
    children, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid, seconds = proc_stat(int(entry))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
            cpu[int(entry)] = seconds
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += cpu.get(pid, 0.0)
        todo += children.get(pid, [])
    return total


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        m = re.search(r"VmRSS:\s+(\d+) kB", f.read())
    return int(m.group(1)) / 1024 if m else 0.0


def busy_seconds():
    """CPU seconds the whole machine has been busy (all cores), and those of this benchmark's own processes."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    with open(f"/proc/{os.getpid()}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    reaped = (int(fields[13]) + int(fields[14])) / TICK  # children that already exited (the sipp runs)
    return (sum(v[:8]) - v[3] - v[4]) / TICK, tree_cpu(os.getpid()) + reaped


def foreign_cores(before, after, seconds):
    """Cores used by other work on the (shared) machine between two busy_seconds() samples."""
    return max(0.0, ((after[0] - before[0]) - (after[1] - before[1])) / max(seconds, 0.1))


def settle(limit=60):
    """Waits (at most `limit` s) until other work on the machine uses less than 0.2 of a core; returns that load."""
    end = time.monotonic() + limit
    while True:
        a = busy_seconds()
        time.sleep(2)
        load = foreign_cores(a, busy_seconds(), 2)
        if load < 0.2 or time.monotonic() > end:
            return load


# ---------------------------------------------------------------- setup

def ensure_tools():
    wanted = (("sipp", "sip-tester"), ("kamailio", "kamailio"), (IPT, "iptables"))
    missing = [pkg for tool, pkg in wanted if shutil.which(tool) is None]
    if missing:
        # A fresh machine's package lists are empty: install finds nothing without an update.
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True)


def build():
    subprocess.run(["swift", "build", "-c", "release", "--product", "hotline", "--scratch-path", ".build-release"], cwd=ROOT, check=True)
    return str(ROOT / ".build-release/release/hotline")


def api(base, path, method="GET", body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        raw = err.read()
        return err.code, json.loads(raw) if raw else None


def password(number):
    """Every benchmark extension has this secret (Hotline refuses one that contains the number); kamailio-proxy.cfg knows it."""
    return "Bench-Call-Secret-7q"


def write_files(folder):
    """Injection files and the media: callers, callees, a G.711 stream and the streaming scenarios."""
    calls = os.path.join(folder, "calls.csv")
    with open(calls, "w") as f:
        f.write("SEQUENTIAL\n")
        for i in range(PAIRS):
            caller, callee = CALLERS + i, CALLEES + i
            f.write(f"{caller};[authentication username={caller} password={password(caller)}];{callee}\n")
    callees = os.path.join(folder, "callees.csv")
    with open(callees, "w") as f:
        f.write("SEQUENTIAL\n")
        for i in range(PAIRS):
            f.write(f"{CALLEES + i};[authentication username={CALLEES + i} password={password(CALLEES + i)}]\n")
    # g711a.pcap's PCMA payloads as one headerless file: rtp_stream sends it in 20 ms packets, looping.
    with open(os.path.join(folder, "stream.pcma"), "wb") as f:
        f.write(b"".join(p.payload for p in rtp.pcap_packets("/usr/share/sip-tester/g711a.pcap")))
    for base in ("call_uac_noauth.xml", "call_uac_auth_nomedia.xml"):
        text = (SCENARIOS / base).read_text()
        assert text.count("  <pause/>\n") == 1, base
        for name, drain in (("short", 200), ("long", 1000)):
            # Stream from the ACK for -d ms, stop the stream, let the last packets land, then BYE.
            media = ('  <nop>\n    <action>\n      <exec rtp_stream="stream.pcma,-1,8"/>\n    </action>\n  </nop>\n'
                     '  <pause/>\n'
                     '  <nop>\n    <action>\n      <exec rtp_stream="pause"/>\n    </action>\n  </nop>\n'
                     f'  <pause milliseconds="{drain}"/>\n')
            out = text.replace("  <pause/>\n", media).replace('<scenario name="', f'<scenario name="stream-{name}-')
            with open(os.path.join(folder, base.replace(".xml", f"_stream_{name}.xml")), "w") as f:
                f.write(out)
    # The callee streams too (no ring time): from the ACK for -d ms, then it stops and waits for the caller's BYE.
    text = (SCENARIOS / "call_uas_answer.xml").read_text()
    assert text.count("  <pause/>\n") == 1 and text.count('  <recv request="ACK" crlf="true"/>\n') == 1
    text = text.replace("  <pause/>\n", "").replace('  <recv request="ACK" crlf="true"/>\n', (
        '  <recv request="ACK" crlf="true"/>\n'
        '  <nop>\n    <action>\n      <exec rtp_stream="stream.pcma,-1,8"/>\n    </action>\n  </nop>\n'
        '  <pause/>\n'
        '  <nop>\n    <action>\n      <exec rtp_stream="pause"/>\n    </action>\n  </nop>\n'))
    with open(os.path.join(folder, "call_uas_answer_stream.xml"), "w") as f:
        f.write(text.replace('<scenario name="', '<scenario name="stream-'))
    return calls, callees


# ---------------------------------------------------------------- sipp

def counts(text):
    ok = re.search(r"Successful call\s+\|\s+\d+\s+\|\s+(\d+)", text)
    bad = re.search(r"Failed call\s+\|\s+\d+\s+\|\s+(\d+)", text)
    return (int(ok.group(1)) if ok else 0), (int(bad.group(1)) if bad else None)


def uas_cmd(target, total, hold_ms, timeout, folder):
    """The callee: answers at once; with media it streams for hold_ms from the ACK (as long as the caller does)."""
    scenario = os.path.join(folder, "call_uas_answer_stream.xml") if target.media else str(SCENARIOS / "call_uas_answer.xml")
    return ["sipp", "-sf", scenario, "-i", "127.0.0.1", "-p", str(target.uas), "-mi", "127.0.0.1",
            "-mp", str(UAS_MP), "-key", "rtp_port", str(UAS_MP), "-m", str(total), "-d", str(hold_ms if target.media else 0),
            "-aa", "-nostdin", "-buff_size", SIPP_BUFFER, "-timeout", str(int(timeout)), "-timeout_error", "-max_recv_loops", "1000"]


def uac_cmd(target, scenario, csv, rate, total, hold_ms, limit, timeout):
    return ["sipp", target, "-sf", scenario, "-inf", csv, "-r", str(rate), "-m", str(total), "-l", str(limit),
            "-d", str(hold_ms), "-i", "127.0.0.1", "-p", str(UAC), "-mi", "127.0.0.1", "-mp", str(UAC_MP), "-nostdin",
            "-buff_size", SIPP_BUFFER, "-timeout", str(int(timeout)), "-timeout_error", "-max_recv_loops", "1000", "-trace_stat", "-stf", "/dev/null"]


class Target:
    def __init__(self, name, label, address, scenario, pid=None, media=False):
        self.name, self.label, self.address, self.scenario, self.pid, self.media = name, label, address, scenario, pid, media
        self.uas = HOTLINE_UAS if name.startswith("hotline") else UAS


def receive_buffer_drops():
    """Datagrams dropped at any UDP socket of the namespace for a full receive buffer."""
    with open("/proc/net/snmp") as f:
        rows = [line.split() for line in f if line.startswith("Udp:")]
    return dict(zip(rows[0][1:], (int(x) for x in rows[1][1:])))["RcvbufErrors"]


def socket_drops(port):
    """Datagrams the kernel dropped at the UDP socket bound to `port` (its receive buffer was full)."""
    total = 0
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if int(fields[1].rsplit(":", 1)[1], 16) == port:
                        total += int(fields[-1])
        except (OSError, StopIteration, ValueError, IndexError):
            continue
    return total


def call_step(target, csv, rate, seconds, hold_ms, folder):
    """One ladder step; returns a dict with passed, ok, failed (both ends), elapsed, cpu_us_per_call."""
    total = rate * seconds
    timeout = seconds * 3 + hold_ms / 1000 + 30
    tag = f"{target.name}-{rate}"
    with open(os.path.join(folder, f"{tag}-uas.out"), "w") as uas_out:
        uas = start(uas_cmd(target, total, hold_ms, timeout + 10, folder), out=uas_out, cwd=folder)
        time.sleep(0.5)
        cpu0, started, machine0 = tree_cpu(target.pid), time.monotonic(), busy_seconds()
        server_port = int(target.address.rsplit(":", 1)[1])
        drops0, server_drops0 = receive_buffer_drops(), socket_drops(server_port)
        with open(os.path.join(folder, f"{tag}-uac.out"), "w") as uac_out:
            uac = start(uac_cmd(target.address, target.scenario, csv, rate, total, hold_ms,
                                max(200, rate * (hold_ms // 1000 + 4)), timeout), out=uac_out, cwd=folder)
            try:
                uac.wait(timeout=timeout + 30)
            except subprocess.TimeoutExpired:
                stop(uac)
        elapsed = time.monotonic() - started
        cpu = tree_cpu(target.pid) - cpu0
        others = foreign_cores(machine0, busy_seconds(), elapsed)
        try:
            uas.wait(timeout=10)
        except subprocess.TimeoutExpired:
            stop(uas)
        # Who lost datagrams to a full receive buffer: the server's SIP socket, or the harness's.
        server_drops = socket_drops(server_port) - server_drops0
        harness_drops = max(0, receive_buffer_drops() - drops0 - server_drops)
    uac_text = open(os.path.join(folder, f"{tag}-uac.out"), errors="replace").read()
    uas_text = open(os.path.join(folder, f"{tag}-uas.out"), errors="replace").read()
    ok, failed = counts(uac_text)
    uas_ok, uas_failed = counts(uas_text)
    nominal = seconds + hold_ms / 1000
    passed = (uac.returncode == 0 and failed == 0 and ok == total and uas_failed == 0 and uas_ok == total
              and elapsed <= nominal * 1.05 + 1.0)
    return {"rate": rate, "passed": passed, "ok": ok, "failed": failed, "uas_ok": uas_ok, "uas_failed": uas_failed,
            "elapsed": round(elapsed, 1), "cpu_us_per_call": round(cpu / total * 1e6) if target.pid and total else None,
            "other_cores": round(others, 2), "server_drops": server_drops, "harness_drops": harness_drops}


def ladder(target, csv, rates, seconds, hold_ms, folder):
    """The highest rate that passes. A step that fails while other work used more than 0.3 of a core
    of the shared machine is run once more after the machine settles."""
    best, best_step = 0, None
    for rate in rates:
        for attempt in (1, 2):
            settle()
            step = call_step(target, csv, rate, seconds, hold_ms, folder)
            cpu = f"  cpu {step['cpu_us_per_call']} us/call" if step["cpu_us_per_call"] is not None else ""
            print(f"  {target.name:14} {rate:6d}/s  ok {step['ok']:7d}  failed {step['failed']}/{step['uas_failed']} "
                  f"{step['elapsed']:6.1f}s{cpu}  others {step['other_cores']:.1f} cores  "
                  f"drops {step['server_drops']}/{step['harness_drops']}  {'pass' if step['passed'] else 'FAIL'}",
                  flush=True)
            if step["passed"] or step["other_cores"] <= 0.3:
                break
            quiesce(target)
        if not step["passed"]:
            quiesce(target)
            break
        best, best_step = rate, step
    return best, best_step


def quiesce(target, quiet_s=5, limit_s=180):
    """After a failed step the server may still send to its UAS port for a while: retransmissions
    (timers B/E/H, 32 s), then the BYEs of calls whose 2xx was never ACKed (64*T1) and their
    retransmissions. Listen on that port (the UAS has exited) until it has been quiet for `quiet_s`."""
    if not target.pid:
        return
    started = time.monotonic()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as listener:
        listener.bind(("127.0.0.1", target.uas))
        listener.settimeout(quiet_s)
        stray = 0
        while time.monotonic() - started < limit_s:
            try:
                listener.recv(65536)
                stray += 1
            except socket.timeout:
                break
    print(f"  (quiesced: {stray} late messages to the UAS port in {time.monotonic() - started:.0f} s)", flush=True)


# ---------------------------------------------------------------- (c) media

RULES = [  # name, chain, match
    ("caller_sent", "OUTPUT", ["--sport", str(UAC_MP)]),
    ("callee_got", "INPUT", ["--dport", str(UAS_MP)]),
    ("callee_sent", "OUTPUT", ["--sport", str(UAS_MP)]),
    ("caller_got", "INPUT", ["--dport", str(UAC_MP)]),
    ("relay_got", "INPUT", ["--dport", f"{RTP_LO}:{RTP_HI}"]),
    ("relay_sent", "OUTPUT", ["--sport", f"{RTP_LO}:{RTP_HI}"]),
]


def install_counters():
    for _, chain, match in RULES:
        subprocess.run([IPT, "-A", chain, "-p", "udp", *match], check=True)


def read_counters():
    out = subprocess.run([IPT, "-L", "-v", "-n", "-x"], capture_output=True, text=True, check=True).stdout
    values, chain = {}, None
    for line in out.splitlines():
        if line.startswith("Chain "):
            chain = line.split()[1]
            continue
        m = re.match(r"\s*(\d+)\s+\d+\s.*\budp (spts|dpts|spt|dpt):(\S+)", line)
        if m:
            direction = "--sport" if m.group(2).startswith("spt") else "--dport"
            for name, c, match in RULES:
                if c == chain and match == [direction, m.group(3)]:
                    values[name] = int(m.group(1))
    return values


def udp_errors():
    with open("/proc/net/snmp") as f:
        rows = [line.split() for line in f if line.startswith("Udp:")]
    table = dict(zip(rows[0][1:], (int(x) for x in rows[1][1:])))
    return table["RcvbufErrors"] + table["InErrors"] - table.get("InCsumErrors", 0), table["NoPorts"]


def media_step(target, csv, calls, ramp, window, folder, idle_rss):
    """`calls` concurrent streaming calls; returns the loss counts and the server's CPU/RSS in the window.
    `idle_rss` is the server's RSS before its first step (a later step's start still holds the heap the
    step before grew, which would understate the memory per call)."""
    subprocess.run([IPT, "-Z"], check=True)
    ramp_s = calls / ramp
    hold_ms = int((ramp_s + 3 + window + 2) * 1000)
    timeout = hold_ms / 1000 + ramp_s + 60
    tag = f"{target.name}-c{calls}"
    uas_out = open(os.path.join(folder, f"{tag}-uas.out"), "w")
    uac_out = open(os.path.join(folder, f"{tag}-uac.out"), "w")
    uas = start(uas_cmd(target, calls, hold_ms, timeout + 10, folder), out=uas_out, cwd=folder)
    time.sleep(0.5)
    uac = start(uac_cmd(target.address, target.scenario, csv, ramp, calls, hold_ms, calls + 10, timeout), out=uac_out, cwd=folder)
    time.sleep(ramp_s + 3)
    c1, t1, m1 = read_counters(), time.monotonic(), busy_seconds()
    cpu1, h1 = tree_cpu(target.pid), sum(tree_cpu(p) for p in (uas.pid, uac.pid))
    rss = []
    for _ in range(int(window)):
        time.sleep(1)
        if target.pid:
            rss.append(rss_mb(target.pid))
    c2, t2, m2 = read_counters(), time.monotonic(), busy_seconds()
    cpu2, h2 = tree_cpu(target.pid), sum(tree_cpu(p) for p in (uas.pid, uac.pid))
    for proc in (uac, uas):
        try:
            proc.wait(timeout=timeout + 30)
        except subprocess.TimeoutExpired:
            stop(proc)
    uas_out.close()
    uac_out.close()
    time.sleep(1)
    c3 = read_counters()
    ok, failed = counts(open(uac_out.name, errors="replace").read())
    uas_ok, uas_failed = counts(open(uas_out.name, errors="replace").read())
    span = t2 - t1
    lost_to_callee = c3["caller_sent"] - c3["callee_got"]
    lost_to_caller = c3["callee_sent"] - c3["caller_got"]
    generated = (c2["caller_sent"] - c1["caller_sent"]) + (c2["callee_sent"] - c1["callee_sent"])
    relayed = (c2["relay_sent"] - c1["relay_sent"]) if target.pid else (c2["callee_got"] - c1["callee_got"]) + (c2["caller_got"] - c1["caller_got"])
    result = {
        "calls": calls, "ok": ok, "failed": failed, "uas_failed": uas_failed,
        "sent": c3["caller_sent"] + c3["callee_sent"], "lost": lost_to_callee + lost_to_caller,
        "lost_to_callee": lost_to_callee, "lost_to_caller": lost_to_caller,
        "relay_in": c3["relay_got"], "relay_out": c3["relay_sent"],
        # sipp's streams kept their 50 packets/s per call and direction in the window (else the harness is the limit)
        "generated_share": round(generated / span / (calls * 100), 3),
        "kpps": round(relayed / span / 1000, 1),
        "cpu_pct": round((cpu2 - cpu1) / span * 100) if target.pid else None,
        "harness_cpu_pct": round((h2 - h1) / span * 100), "other_cores": round(foreign_cores(m1, m2, t2 - t1), 2),
        "rss_mb": round(max(rss), 1) if rss else None, "idle_rss_mb": round(idle_rss, 1) if idle_rss else None,
    }
    harness_ok = result["generated_share"] >= 0.97
    result["passed"] = ok == calls and failed == 0 and uas_failed == 0 and result["lost"] == 0 and harness_ok
    calls_ok = ok == calls and failed == 0 and uas_failed == 0
    result["verdict"] = "pass" if result["passed"] else ("harness-limited" if calls_ok and not harness_ok and result["lost"] == 0 else "FAIL")
    if target.pid and result["cpu_pct"] is not None:
        result["cpu_pct_per_call"] = round(result["cpu_pct"] / calls, 3)
        result["rss_kb_per_call"] = round((result["rss_mb"] - result["idle_rss_mb"]) * 1024 / calls, 1)
    return result


def media_steps(target, csv, steps, ramp, window, folder):
    """Steps up the number of concurrent calls until one does not pass; a step that fails while other work
    used more than 0.3 of a core is run once more after the machine settles."""
    results = []
    idle_rss = rss_mb(target.pid) if target.pid else None
    for calls in steps:
        for attempt in (1, 2):
            settle()
            r = media_step(target, csv, calls, ramp, window, folder, idle_rss)
            extra = f"  cpu {r['cpu_pct']}%  rss {r['rss_mb']} MB (idle {r['idle_rss_mb']})" if target.pid else ""
            print(f"  {target.name:14} {calls:5d} calls  {r['kpps']:6.1f} kpps  sent {r['sent']}  lost {r['lost']} "
                  f"(to callee {r['lost_to_callee']}, to caller {r['lost_to_caller']})  streams at {r['generated_share']:.0%}  "
                  f"calls ok {r['ok']} failed {r['failed']}/{r['uas_failed']}  harness cpu {r['harness_cpu_pct']}%{extra}  "
                  f"others {r['other_cores']:.1f} cores  {r['verdict']}", flush=True)
            if r["passed"] or r["other_cores"] <= 0.3:
                break
            quiesce(target)
        results.append(r)
        if not r["passed"]:
            quiesce(target)
            break
    return results


# ---------------------------------------------------------------- the run

def save_log(server):
    """What a stopped server wrote (warnings and up: e.g. when it shed load), beside its data folder."""
    with open(server.data.rstrip("/") + ".log", "w") as f:
        f.write("\n".join(server.lines + getattr(server, "stderr_lines", [])) + "\n")


def start_hotline(binary, folder, run):
    """A fresh server (its own data folder) for each Hotline target: the overloaded last step of one ladder
    leaves retransmissions, queued work and a grown heap that would bias the next measurement."""
    data = os.path.join(folder, f"data-{run}")
    os.environ["HOTLINE_BIN"] = binary
    server = Server(data=data, sip=f"127.0.0.1:{HOTLINE_SIP}",
                    args=["--http", f"127.0.0.1:{HOTLINE_HTTP}", "--admin-password", ADMIN, "--rtp-ports", f"{RTP_LO}-{RTP_HI}",
                          "--sip-qualify-seconds", "0"],
                    env={"LOG_LEVEL": "warning"})
    CHILDREN.append(server.proc)
    base = server.wait_ready()
    _, body = api(base, "/api/v1/auth/login", "POST", {"username": "admin", "password": ADMIN})
    token = body["token"]

    def create(number):
        status, created = api(base, "/api/v1/extensions", "POST",
                              {"number": str(number), "password": password(number), "maxContacts": 1, "recording": False}, token)
        if status != 201:
            raise RuntimeError(f"extension {number}: {status} {created}")

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(create, [CALLERS + i for i in range(PAIRS)] + [CALLEES + i for i in range(PAIRS)]))
    print(f"  {2 * PAIRS} extensions created through the API in {time.monotonic() - started:.0f} s", flush=True)
    return server


def register_callees(callees_csv, folder):
    """Registers every callee extension with the contact sip:N@127.0.0.1:5090 (Hotline's UAS), for an hour."""
    with open(os.path.join(folder, "register.out"), "w") as out:
        proc = start(["sipp", f"127.0.0.1:{HOTLINE_SIP}", "-sf", str(ROOT / "bench/sip-register/register.xml"), "-inf", callees_csv,
                      "-r", "500", "-m", str(PAIRS), "-i", "127.0.0.1", "-p", str(HOTLINE_UAS), "-nostdin", "-timeout", "60",
                      "-timeout_error", "-trace_stat", "-stf", "/dev/null"], out=out)
        proc.wait(timeout=90)
    ok, failed = counts(open(out.name).read())
    if proc.returncode != 0 or ok != PAIRS:
        raise RuntimeError(f"registering the callees: {ok} of {PAIRS} (see {out.name})")


def start_kamailio(auth, folder):
    # 512 MB of shared memory: with Debian's default 64 MB tm runs out of memory for transactions near 600 calls/s.
    cmd = ["kamailio", "-f", str(HERE / "kamailio-proxy.cfg"), "-DD", "-E", "-n", "1", "-m", "512", "-M", "16"]
    cmd += ["-A", "WITH_AUTH"] if auth else []
    proc = start(cmd, out=open(os.path.join(folder, f"kamailio{'-auth' if auth else ''}.log"), "w"))
    time.sleep(2)
    if proc.poll() is not None:
        raise RuntimeError("kamailio did not start")
    return proc


def rate_target(name, hotline, stream, callees_csv, folder):
    """The target of a call-rate ladder (a), and the Kamailio process it started, if any."""
    kam = None
    if name == "ceiling":
        t = Target(name, "sipp → sipp directly (harness ceiling)", f"127.0.0.1:{UAS}", str(SCENARIOS / "call_uac_noauth.xml"))
    elif name == "ceiling-rtp":
        t = Target(name, "sipp → sipp directly, G.711 both ways (harness ceiling)", f"127.0.0.1:{UAS}",
                   stream["call_uac_noauth_stream_short.xml"], media=True)
    elif name == "kamailio":
        kam = start_kamailio(False, folder)
        t = Target(name, "Kamailio 5.6 stateful proxy, 1 UDP worker", f"127.0.0.1:{KAMAILIO}",
                   str(SCENARIOS / "call_uac_noauth.xml"), pid=kam.pid)
    elif name == "kamailio-auth":
        kam = start_kamailio(True, folder)
        t = Target(name, "Kamailio 5.6 stateful proxy, 1 UDP worker, digest auth on INVITE", f"127.0.0.1:{KAMAILIO}",
                   str(SCENARIOS / "call_uac_auth_nomedia.xml"), pid=kam.pid)
    elif name in ("hotline", "hotline-rtp") and hotline:
        register_callees(callees_csv, folder)
        if name == "hotline":
            t = Target(name, "Hotline B2BUA, digest auth on INVITE, no media", f"127.0.0.1:{HOTLINE_SIP}",
                       str(SCENARIOS / "call_uac_auth_nomedia.xml"), pid=hotline.proc.pid)
        else:
            t = Target(name, "Hotline B2BUA, digest auth, G.711 relayed both ways", f"127.0.0.1:{HOTLINE_SIP}",
                       stream["call_uac_auth_nomedia_stream_short.xml"], pid=hotline.proc.pid, media=True)
    else:
        raise SystemExit(f"unknown target {name}")
    return t, kam


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", help="skip the release build and use this binary")
    parser.add_argument("--duration", type=int, default=20, help="seconds of calls per ladder step (a)")
    parser.add_argument("--hold-ms", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1, help="ladders per target; the median is reported (3 for published figures)")
    parser.add_argument("--rates", default="50,100,200,400,600,800,1000,1200,1500,2000,2500,3000,4000,5000,6000,8000,10000")
    parser.add_argument("--targets", default="ceiling,ceiling-rtp,kamailio,kamailio-auth,hotline,hotline-rtp")
    parser.add_argument("--concurrency", default="250,500,1000", help="steps of concurrent streaming calls (c)")
    parser.add_argument("--ramp", type=int, default=100, help="calls/s while filling a concurrency step")
    parser.add_argument("--window", type=int, default=20, help="seconds measured once every call of a step is up")
    parser.add_argument("--parts", default="a,c")
    args = parser.parse_args()

    if os.environ.get("HOTLINE_BENCH_NETNS") != "1":
        ensure_tools()
        binary = os.path.abspath(args.binary) if args.binary else build()
        argv = [a for a in sys.argv[1:]]
        if not args.binary:
            argv += ["--binary", binary]
        env = dict(os.environ, HOTLINE_BENCH_NETNS="1")
        os.execvpe("unshare", ["unshare", "-n", sys.executable, os.path.abspath(__file__), *argv], env)

    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    rates = [int(r) for r in args.rates.split(",")]
    targets = args.targets.split(",")
    parts = args.parts.split(",")
    folder = tempfile.mkdtemp(prefix="hotline-bench-calls-")
    print(f"logs in {folder}", flush=True)
    calls_csv, callees_csv = write_files(folder)
    stream = {name: os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".xml")}

    hotline = None
    starts = 0

    def fresh_hotline():
        nonlocal hotline, starts
        if hotline:
            hotline.stop()
            CHILDREN.remove(hotline.proc)
            save_log(hotline)
        starts += 1
        hotline = start_hotline(args.binary, folder, starts)
        return hotline
    results = {"a": {}, "c": {}, "loadavg": open("/proc/loadavg").read().split()[:3]}
    try:
        if "a" in parts:
            for run in range(args.runs):
                print(f"(a) call rate, run {run + 1}/{args.runs}", flush=True)
                for name in targets:
                    t, kam = rate_target(name, fresh_hotline() if name.startswith("hotline") else None, stream, callees_csv, folder)
                    try:
                        best, step = ladder(t, calls_csv, rates, args.duration, args.hold_ms, folder)
                    finally:
                        if kam:
                            stop(kam)
                    results["a"].setdefault(name, {"label": t.label, "best": [], "steps": []})
                    results["a"][name]["best"].append(best)
                    results["a"][name]["steps"].append(step)
        if "c" in parts:
            steps = [int(c) for c in args.concurrency.split(",")]
            print("(c) concurrent relayed calls", flush=True)
            install_counters()
            media_targets = [Target("ceiling-rtp", "sipp → sipp directly (harness ceiling)", f"127.0.0.1:{UAS}",
                                    stream["call_uac_noauth_stream_long.xml"], media=True)]
            if any(t.startswith("hotline") for t in targets):
                fresh_hotline()
                register_callees(callees_csv, folder)
                media_targets.append(Target("hotline-rtp", "Hotline B2BUA", f"127.0.0.1:{HOTLINE_SIP}",
                                            stream["call_uac_auth_nomedia_stream_long.xml"], pid=hotline.proc.pid, media=True))
            for t in media_targets:
                results["c"][t.name] = {"label": t.label, "steps": media_steps(t, calls_csv, steps, args.ramp, args.window, folder)}
    finally:
        if hotline:
            hotline.stop()
            save_log(hotline)
        with open(os.path.join(folder, "results.json"), "w") as f:
            json.dump(results, f, indent=1)

    print(json.dumps(results["a"] and {k: v["best"] for k, v in results["a"].items()}))
    if results["a"]:
        kam = statistics.median(results["a"]["kamailio"]["best"]) if "kamailio" in results["a"] else 0
        kam_auth = statistics.median(results["a"]["kamailio-auth"]["best"]) if "kamailio-auth" in results["a"] else 0
        print(f"\n(a) calls/s with 0 failed calls ({args.duration} s steps, {args.hold_ms} ms hold, median of {args.runs} ladder(s))\n")
        print("| target | calls/s | server CPU per call | vs Kamailio | vs Kamailio + auth |")
        print("|---|---|---|---|---|")
        for name, r in results["a"].items():
            best = statistics.median(r["best"])
            cpus = [s["cpu_us_per_call"] for s in r["steps"] if s and s.get("cpu_us_per_call")]
            cpu = f"{statistics.median(cpus)} µs" if cpus else "–"
            ratio = lambda ref: f"{best / ref:.0%}" if ref and not name.startswith("ceiling") else "–"
            print(f"| {r['label']} | {best:.0f} | {cpu} | {ratio(kam)} | {ratio(kam_auth)} |")
    if results["c"]:
        print(f"\n(c) concurrent G.711 calls, both directions streaming (100 relayed packets/s per call), "
              f"{args.window} s window, pass = 0 packets lost\n")
        print("| target | calls | kpps | lost | CPU (% of a core) | CPU per call | RSS | RSS per call | harness CPU | other load | result |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for name, r in results["c"].items():
            for s in r["steps"]:
                cpu = f"{s['cpu_pct']}%" if s.get("cpu_pct") is not None else "–"
                per = f"{s['cpu_pct_per_call']}%" if s.get("cpu_pct_per_call") is not None else "–"
                rss = f"{s['rss_mb']} MB" if s.get("rss_mb") else "–"
                rpc = f"{s['rss_kb_per_call']} KB" if s.get("rss_kb_per_call") is not None else "–"
                print(f"| {r['label']} | {s['calls']} | {s['kpps']} | {s['lost']} | {cpu} | {per} | {rss} | {rpc} | "
                      f"{s['harness_cpu_pct']}% | {s['other_cores']} cores | {s['verdict']} |")


if __name__ == "__main__":
    main()
