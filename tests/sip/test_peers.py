"""Real phones registering: linphonec (Debian's linphone-cli) in a private network namespace."""
import json
import os
import subprocess

import pytest

from conftest import hotline_binary

HERE = os.path.dirname(os.path.abspath(__file__))


def snapshots(digest):
    out = subprocess.run(["unshare", "-n", "bash", os.path.join(HERE, "peers", "linphonec_register.sh"), hotline_binary(), digest],
                         capture_output=True, text=True, timeout=150)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    assert len(lines) == 1, out.stdout + out.stderr
    return [json.loads(l)["items"][0] for l in lines]


@pytest.mark.parametrize("digest", ["MD5,SHA-256", "SHA-256"])
def test_linphonec_registers_through_the_digest_challenge(digest):
    [first] = snapshots(digest)
    assert first["registered"] is True
    [contact] = first["contacts"]
    assert contact["userAgent"].startswith("Linphonec/")
    assert contact["source"] == "127.0.0.1:25080"
