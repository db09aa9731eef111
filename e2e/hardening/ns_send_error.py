"""Run inside a private network namespace (`unshare -n`) by
test_sip_send_errors.py: a SIP answer whose send fails in the kernel (EPERM
from an iptables DROP on OUTPUT, which no pre-check can foresee) must not
silence SIP. Prints one JSON object with what it saw; the test judges it.
"""
import json
import subprocess
import sys
import time

import hardkit


def sh(*cmd):
    subprocess.run(cmd, check=True, capture_output=True, text=True)


def main():
    sh("ip", "link", "set", "lo", "up")
    sh("iptables", "-A", "OUTPUT", "-p", "udp", "--dport", "5999", "-j", "DROP")
    out = {}
    server = hardkit.start()
    try:
        out["before"] = (hardkit.udp_options(server, branch="z9hG4bK-ns-before") or "").split("\r\n", 1)[0]
        _, metrics_before = hardkit.metrics(server)
        out["metrics_before"] = {k: v for k, v in metrics_before.items() if k.startswith("hotline_sip")}
        # Via port 5999 without rport: the answer goes to 127.0.0.1:5999 and sendmsg fails with EPERM.
        for attempt in range(2):
            hardkit.udp_send(server, hardkit.options_message("127.0.0.1:5999", f"z9hG4bK-eperm{attempt}"))
            time.sleep(0.3)
            answers = []
            deadline = time.monotonic() + 5
            answer = None
            while time.monotonic() < deadline:
                answer = hardkit.udp_options(server, branch=f"z9hG4bK-ns-after{attempt}-{len(answers)}", wait=0.5)
                answers.append((round(time.monotonic() - deadline + 5, 2), (answer or "").split("\r\n", 1)[0]))
                if answer and answer.startswith("SIP/2.0 200"):
                    break
            out[f"after_eperm_{attempt}"] = answers
        health = hardkit.healthz(server)
        out["healthz"] = [health.status, health.json]
        reply, metrics_after = hardkit.metrics(server)
        out["metrics_status"] = reply.status
        out["metrics_after"] = {k: v for k, v in metrics_after.items() if k.startswith("hotline_sip")}
        out["process_alive"] = server.proc.poll() is None
    finally:
        code, elapsed = hardkit.stop_timed(server, 15)
        out["exit_code"] = code
        out["stop_seconds"] = round(elapsed, 2)
        out["log"] = [l for l in server.stderr_lines if "SIP socket" in l or "not sent" in l or "critical" in l][-20:]
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
