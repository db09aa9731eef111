#!/usr/bin/env python3
"""HTTP benchmark: login-protected list endpoints with 10,000 users.

One command: `python3 bench/http/run.py` (builds the release binary, seeds a
fresh SQLite database, runs wrk). The reference measured in the same run is
`GET /healthz` on the same server: the HTTP stack's ceiling without auth or
SQL. Each case runs several times; the medians are reported, because the
machine is shared and noisy. Traffic goes to 127.0.0.1 only; every run is
bounded in time.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "e2e"))
from conftest import Server  # noqa: E402

ADMIN_PASSWORD = "Bench-Admin-123"


def ensure_wrk():
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)


def build():
    # Its own scratch folder, so a benchmark never blocks (or is blocked by) the debug build.
    subprocess.run(["swift", "build", "-c", "release", "--product", "hotline", "--scratch-path", ".build-release"], cwd=ROOT, check=True)
    return str(ROOT / ".build-release/release/hotline")


def seed(db_path, users, departments):
    """Writes the organization straight into SQLite: 10,000 bcrypt hashes
    through the API would take minutes and measure bcrypt, not lists."""
    db = sqlite3.connect(db_path)
    now = "2026-01-01T00:00:00.000Z"
    admin_hash = db.execute("SELECT password_hash FROM users WHERE username = 'admin'").fetchone()[0]
    db.execute("INSERT INTO departments (name, parent_id, created_at) VALUES ('总部', NULL, ?)", (now,))
    root = db.execute("SELECT last_insert_rowid()").fetchone()[0]
    dept_ids = []
    for d in range(departments):
        db.execute("INSERT INTO departments (name, parent_id, created_at) VALUES (?, ?, ?)", (f"部门{d:03d}", root, now))
        dept_ids.append(db.execute("SELECT last_insert_rowid()").fetchone()[0])
    db.execute("INSERT INTO roles (name, permissions, data_scope, builtin) VALUES ('组长', ?, 'department', 0)",
               (json.dumps(["org.users.view", "org.departments.view"]),))
    role = db.execute("SELECT last_insert_rowid()").fetchone()[0]
    rows = []
    for i in range(users):
        dept = dept_ids[i % len(dept_ids)]
        username, name, ext = f"user{i:05d}", f"坐席{i:05d}", f"{10000 + i}"
        rows.append((username, username, name, dept, ext, admin_hash, 0, 0, now, f"{username} {name} {ext}"))
    db.executemany(
        "INSERT INTO users (username, username_key, name, department_id, extension, password_hash, must_change_password, is_admin,"
        " created_at, search_text) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    db.execute("INSERT INTO user_roles (user_id, role_id) SELECT id, ? FROM users WHERE username LIKE 'user%'", (role,))
    db.commit()
    db.close()


def login(base, username, password):
    req = urllib.request.Request(base + "/api/v1/auth/login", method="POST",
                                 data=json.dumps({"username": username, "password": password}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)["token"]


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, token, seconds, connections):
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", url]
    if token:
        cmd[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30).stdout

    def latency(pct):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * UNITS[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    return {"p50": latency(50), "p99": latency(99), "rps": rps, "errors": errors}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--binary", help="skip the release build and use this binary")
    args = parser.parse_args()

    ensure_wrk()
    binary = args.binary or build()
    os.environ["HOTLINE_BIN"] = binary
    data = tempfile.mkdtemp(prefix="hotline-bench-")
    first = Server(data=data, args=["--admin-password", ADMIN_PASSWORD])
    first.wait_ready()
    assert first.stop() == 0
    seed(os.path.join(data, "hotline.sqlite"), args.users, departments=50)

    server = Server(data=data)
    base = server.wait_ready()
    admin = login(base, "admin", ADMIN_PASSWORD)
    lead = login(base, "user00007", ADMIN_PASSWORD)
    cases = [
        ("GET /healthz (reference: no auth, no SQL)", "/healthz", None),
        ("GET /api/v1/users page 1 (admin, all 10,000)", "/api/v1/users?page=1&pageSize=20", admin),
        ("GET /api/v1/users page 400 (deep page)", "/api/v1/users?page=400&pageSize=20", admin),
        ("GET /api/v1/users?q=user0123 (search)", "/api/v1/users?q=user0123&pageSize=20", admin),
        ("GET /api/v1/users sorted by name desc", "/api/v1/users?sort=-name&pageSize=50", admin),
        ("GET /api/v1/users (department scope, 200 of 10,000)", "/api/v1/users?pageSize=20", lead),
        ("GET /api/v1/departments", "/api/v1/departments?pageSize=100", admin),
    ]
    results = []
    for connections in (4, 32):
        for name, path, token in cases:
            runs = [wrk(base + path, token, args.seconds, connections) for _ in range(args.runs)]
            summary = {k: statistics.median(r[k] for r in runs) for k in ("p50", "p99", "rps")}
            summary["errors"] = sum(r["errors"] for r in runs)
            results.append((connections, name, summary))
            print(f"c={connections:<3} {name:<55} p50 {summary['p50']:7.2f} ms  p99 {summary['p99']:7.2f} ms  "
                  f"{summary['rps']:9.0f} req/s  non-2xx {summary['errors']}", flush=True)
    assert server.stop() == 0

    print("\n| connections | case | p50 ms | p99 ms | req/s | vs /healthz |")
    print("|---|---|---|---|---|---|")
    for connections, name, s in results:
        ref = next(r for c, n, r in results if c == connections and n.startswith("GET /healthz"))
        print(f"| {connections} | {name} | {s['p50']:.2f} | {s['p99']:.2f} | {s['rps']:.0f} | {s['rps'] / ref['rps']:.0%} |")


if __name__ == "__main__":
    main()
