"""Real phones registering: linphonec (Debian's linphone-cli) and baresip in a private network namespace."""
import json
import os
import subprocess

import pytest

from conftest import hotline_binary

HERE = os.path.dirname(os.path.abspath(__file__))


def run_in_namespace(script, *args, timeout):
    out = subprocess.run(["unshare", "-n", "bash", os.path.join(HERE, "peers", script), hotline_binary(), *args],
                         capture_output=True, text=True, timeout=timeout)
    return [json.loads(l) for l in out.stdout.splitlines() if l.startswith("{")], out


def by_number(snapshot):
    return {item["number"]: item for item in snapshot["items"]}


def test_linphonec_and_baresip_register_and_stay_registered_across_their_refresh():
    snapshots, out = run_in_namespace("phones_stay_registered.sh", timeout=150)
    assert len(snapshots) == 2, out.stdout + out.stderr
    first, later = (by_number(s) for s in snapshots)
    for number, agent, port in [("1006", "Linphonec/", 25080), ("1007", "baresip", 25090)]:
        assert first[number]["registered"] is True, (number, first[number])
        [contact] = first[number]["contacts"]
        assert contact["userAgent"].startswith(agent)
        assert contact["source"] == f"127.0.0.1:{port}"
        # Qualified at once: the first round-trip time is there within seconds.
        assert contact["rttMs"] is not None and contact["reachable"] is True
        # 67 s later the 60 s binding would be gone without the phone's own refresh.
        assert later[number]["registered"] is True, (number, later[number])
        [refreshed] = later[number]["contacts"]
        assert refreshed["uri"] == contact["uri"]
        assert refreshed["expiresAt"] > contact["expiresAt"]


def test_linphonec_registers_with_sha256_only():
    snapshots, out = run_in_namespace("linphonec_register.sh", "SHA-256", timeout=150)
    assert len(snapshots) == 1, out.stdout + out.stderr
    [contact] = snapshots[0]["items"][0]["contacts"]
    assert snapshots[0]["items"][0]["registered"] is True
    assert contact["userAgent"].startswith("Linphonec/")
    assert contact["source"] == "127.0.0.1:25080"
