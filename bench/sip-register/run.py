#!/usr/bin/env python3
"""REGISTER benchmark: digest-authenticated registrations per second.

One command: `python3 bench/sip-register/run.py`. Builds the release binary,
creates 1,000 extensions, and drives sipp (REGISTER → 401 → REGISTER with
digest → 200, users round-robin from an injection file) in a ladder of
rates against Hotline and, in the same run, against Kamailio 5.6 configured
as an in-memory registrar with digest auth (kamailio-registrar.cfg). A rate
passes when every registration succeeds and the step finishes within 5% of
its nominal time. The machine is shared and noisy: the ladder runs three
times and the median of the highest passing rates is reported. Traffic stays
on 127.0.0.1; every step is bounded in count and time.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "e2e"))
from conftest import Server  # noqa: E402

USERS = range(10000, 11000)


def ensure_tools():
    missing = [pkg for tool, pkg in (("sipp", "sip-tester"), ("kamailio", "kamailio")) if shutil.which(tool) is None]
    if missing:
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True)


def build():
    subprocess.run(["swift", "build", "-c", "release", "--product", "hotline", "--scratch-path", ".build-release"], cwd=ROOT, check=True)
    return str(ROOT / ".build-release/release/hotline")


def injection_file(folder):
    path = os.path.join(folder, "users.csv")
    with open(path, "w") as f:
        f.write("SEQUENTIAL\n")
        for n in USERS:
            f.write(f"{n};[authentication username={n} password=Ext-Secret-{n}]\n")
    return path


def seed_extensions(db_path):
    db = sqlite3.connect(db_path)
    now = "2026-01-01T00:00:00.000Z"
    db.executemany(
        "INSERT INTO extensions (number, password, name, caller_id, max_contacts, recording, forward_no_answer_seconds, created_at)"
        " VALUES (?, ?, ?, ?, 3, 0, 20, ?)",
        [(str(n), f"Ext-Secret-{n}", str(n), str(n), now) for n in USERS])
    db.commit()
    db.close()


def step(target, users_csv, rate, seconds):
    """One ladder step; returns (passed, successful, failed, elapsed)."""
    total = rate * seconds
    cmd = ["sipp", target, "-sf", str(HERE / "register.xml"), "-inf", users_csv, "-r", str(rate), "-m", str(total),
           "-i", "127.0.0.1", "-p", "0", "-l", str(max(200, rate)), "-timeout", str(seconds * 3), "-timeout_error",
           "-trace_stat", "-stf", "/dev/null", "-nostdin"]
    started = time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds * 4 + 30)
    elapsed = time.monotonic() - started
    text = out.stdout + out.stderr
    ok = re.search(r"Successful call\s+\|\s+\d+\s+\|\s+(\d+)", text)
    bad = re.search(r"Failed call\s+\|\s+\d+\s+\|\s+(\d+)", text)
    successful = int(ok.group(1)) if ok else 0
    failed = int(bad.group(1)) if bad else total
    passed = out.returncode == 0 and failed == 0 and successful == total and elapsed <= seconds * 1.05 + 1.0
    return passed, successful, failed, elapsed


def ladder(name, target, users_csv, rates, seconds):
    best = 0
    for rate in rates:
        passed, ok, failed, elapsed = step(target, users_csv, rate, seconds)
        print(f"  {name:9} {rate:6d}/s  ok {ok:7d}  failed {failed:5d}  {elapsed:6.1f}s  {'pass' if passed else 'FAIL'}", flush=True)
        if not passed:
            break
        best = rate
        time.sleep(2)  # let the machine settle between steps
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rates", default="250,500,1000,1500,2000,3000,4000,5000,6000,8000")
    parser.add_argument("--binary", help="skip the release build and use this binary")
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]

    ensure_tools()
    binary = args.binary or build()
    os.environ["HOTLINE_BIN"] = binary
    folder = tempfile.mkdtemp(prefix="hotline-bench-sip-")
    users_csv = injection_file(folder)

    data = os.path.join(folder, "data")
    first = Server(data=data, args=["--admin-password", "Bench-Admin-123"], sip="127.0.0.1:0")
    first.wait_ready()
    assert first.stop() == 0
    seed_extensions(os.path.join(data, "hotline.sqlite"))
    # Qualify off: sipp never answers OPTIONS, so probes would retransmit into the void (Kamailio pings nobody either).
    hotline = Server(data=data, sip="127.0.0.1:25060", args=["--sip-qualify-seconds", "0"], env={"LOG_LEVEL": "warning"})
    hotline.wait_ready()
    kamailio = subprocess.Popen(["kamailio", "-f", str(HERE / "kamailio-registrar.cfg"), "-DD", "-E", "-n", "2"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)
    try:
        results = {"hotline": [], "kamailio": []}
        for run in range(args.runs):
            print(f"run {run + 1}/{args.runs}", flush=True)
            results["kamailio"].append(ladder("kamailio", "127.0.0.1:35060", users_csv, rates, args.seconds))
            results["hotline"].append(ladder("hotline", "127.0.0.1:25060", users_csv, rates, args.seconds))
    finally:
        kamailio.send_signal(signal.SIGTERM)
        kamailio.wait(timeout=20)
        hotline.stop()
    h, k = statistics.median(results["hotline"]), statistics.median(results["kamailio"])
    print(json.dumps(results))
    print(f"\n| registrar | registrations/s (median of {args.runs} ladders, 0 failures) |")
    print("|---|---|")
    print(f"| Hotline | {h:.0f} |")
    print(f"| Kamailio 5.6 (2 UDP workers, in-memory usrloc) | {k:.0f} |")
    print(f"| ratio Hotline / Kamailio | {h / k:.0%} |" if k else "| ratio | n/a |")


if __name__ == "__main__":
    main()
