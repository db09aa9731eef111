"""The command line as CONTRACT.md states it, run against the real binary."""
import json
import os
import re
import signal
import subprocess
import tempfile
import urllib.error
import urllib.request

import pytest
from openapi_spec_validator import validate

from conftest import Server, free_port, hotline_binary


def run(*args, env=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([hotline_binary(), *args], capture_output=True, text=True, timeout=120, env=full_env)


def request(base, path, method="GET", body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw and resp.headers.get_content_type() == "application/json" else raw
    except urllib.error.HTTPError as err:
        raw = err.read()
        return err.code, json.loads(raw) if raw else None


def test_version_prints_the_version():
    out = run("version")
    assert out.returncode == 0
    assert re.fullmatch(r"hotline \d+\.\d+\.\d+\n", out.stdout)


def test_first_start_prints_a_generated_admin_password_once_and_shuts_down_cleanly():
    server = Server()
    base = server.wait_ready()
    printed = [l for l in server.lines if l.startswith("admin password: ")]
    assert len(printed) == 1
    password = printed[0].split()[2]
    assert len(password) >= 12

    status, body = request(base, "/healthz")
    assert status == 200 and body["status"] == "ok"
    status, body = request(base, "/api/v1/auth/login", "POST", {"username": "admin", "password": password})
    assert status == 200, body
    assert body["user"]["mustChangePassword"] is False
    assert os.path.exists(os.path.join(server.data, "hotline.sqlite"))
    assert server.stop(signal.SIGTERM) == 0

    # A restart on the same data keeps the admin and prints no password.
    again = Server(data=server.data)
    base = again.wait_ready()
    assert not any(l.startswith("admin password") for l in again.lines)
    status, _ = request(base, "/api/v1/auth/login", "POST", {"username": "admin", "password": password})
    assert status == 200
    assert again.stop(signal.SIGINT) == 0


def test_flags_fall_back_to_environment_variables():
    port = free_port()
    data = tempfile.mkdtemp(prefix="hotline-env-")
    server = Server(data=data, env={"HOTLINE_HTTP": f"127.0.0.1:{port}", "HOTLINE_ADMIN_PASSWORD": "Env-Pass-1234"})
    base = server.wait_ready()
    assert base == f"http://127.0.0.1:{port}"
    status, _ = request(base, "/api/v1/auth/login", "POST", {"username": "admin", "password": "Env-Pass-1234"})
    assert status == 200
    assert server.stop() == 0


def test_the_openapi_document_is_valid_openapi_3():
    server = Server(args=["--admin-password", "Admin-Pass-123"])
    base = server.wait_ready()
    with urllib.request.urlopen(base + "/api/openapi.json") as resp:
        document = json.load(resp)
    validate(document)
    assert len(document["paths"]) >= 15
    assert server.stop() == 0


def test_migrate_applies_once_and_reset_password_forces_a_change():
    data = tempfile.mkdtemp(prefix="hotline-migrate-")
    first = run("migrate", "--data", data)
    assert first.returncode == 0, first.stderr
    assert "applied migrations" in first.stdout
    second = run("migrate", "--data", data)
    assert second.returncode == 0
    assert "up to date" in second.stdout

    server = Server(data=data, args=["--admin-password", "Admin-Pass-123"])
    base = server.wait_ready()
    status, body = request(base, "/api/v1/auth/login", "POST", {"username": "admin", "password": "Admin-Pass-123"})
    token = body["token"]
    assert server.stop() == 0

    reset = run("admin", "reset-password", "admin", "--data", data)
    assert reset.returncode == 0, reset.stderr
    temporary = re.search(r"temporary password for admin: (\S+)", reset.stdout).group(1)

    server = Server(data=data)
    base = server.wait_ready()
    status, _ = request(base, "/api/v1/me", token=token)
    assert status == 401, "a reset ends the old sessions"
    status, _ = request(base, "/api/v1/auth/login", "POST", {"username": "admin", "password": "Admin-Pass-123"})
    assert status == 401
    status, body = request(base, "/api/v1/auth/login", "POST", {"username": "admin", "password": temporary})
    assert status == 200 and body["user"]["mustChangePassword"] is True
    status, body = request(base, "/api/v1/permissions", token=body["token"])
    assert status == 403 and body["error"]["code"] == "password_change_required"
    assert server.stop() == 0

    unknown = run("admin", "reset-password", "ghost", "--data", data)
    assert unknown.returncode != 0
    assert "ghost" in unknown.stderr


@pytest.mark.parametrize("args,message", [
    (["--http", "nonsense"], "--http"),
    (["--http", "127.0.0.1:70000"], "--http"),
    (["--rtp-ports", "20000-10000"], "--rtp-ports"),
    (["--admin-password", "short"], "--admin-password"),
    (["--database", "postgres://localhost/hotline"], "PostgreSQL"),
])
def test_bad_configuration_is_refused_with_a_clear_message(args, message):
    data = tempfile.mkdtemp(prefix="hotline-bad-")
    out = run("serve", "--data", data, "--http", "127.0.0.1:0", *args)
    assert out.returncode != 0
    assert message in out.stderr, out.stderr
