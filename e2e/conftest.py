"""Shared helpers for the Python test suites (CLI and browser)."""
import os
import pathlib
import re
import signal
import socket
import subprocess
import tempfile
import threading

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "test-output"


def hotline_binary():
    return os.environ.get("HOTLINE_BIN", str(ROOT / ".build/debug/hotline"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A `hotline serve` process; collects stdout and waits for the ready line."""

    def __init__(self, data=None, args=(), env=None, sip="127.0.0.1:0"):
        self.data = data or tempfile.mkdtemp(prefix="hotline-cli-")
        self.port = free_port()
        OUT.mkdir(exist_ok=True)
        self.lines = []
        self.ready = threading.Event()
        self.http = None
        self.sip = None
        full_env = dict(os.environ)
        full_env.update(env or {})
        cmd = [hotline_binary(), "serve", "--data", self.data]
        if not any(a == "--http" for a in args) and "HOTLINE_HTTP" not in (env or {}):
            cmd += ["--http", f"127.0.0.1:{self.port}"]
        cmd += ["--sip", sip, *args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env)
        self.stderr_lines = []
        threading.Thread(target=self._pump, daemon=True).start()
        threading.Thread(target=self._pump_err, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            m = re.match(r"ready http=(\S+) sip=(\S+)$", line.strip())
            if m:
                self.http = m.group(1)
                self.sip = m.group(2)
                self.ready.set()

    def _pump_err(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line.rstrip("\n"))

    def wait_ready(self, timeout=60):
        if not self.ready.wait(timeout):
            self.proc.kill()
            raise AssertionError("no ready line; stdout=%r stderr=%r" % (self.lines, self.stderr_lines[-20:]))
        return f"http://{self.http}"

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)


# ---------------------------------------------------------------- fixtures for every suite

@pytest.fixture
def folder(tmp_path):
    """A test's own scratch folder, as a string (sipp and the phones take paths)."""
    return str(tmp_path)


@pytest.fixture
def cleanup():
    """Callables that stop what a test started, run at its end whatever happened (last first)."""
    stops = []
    yield stops
    for stop in reversed(stops):
        stop()
