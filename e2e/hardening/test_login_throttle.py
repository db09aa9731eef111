"""The sign-in throttle against the real server.

Rules pinned (docs/API.md, LoginThrottle): 5 failures for one account from
one address, 20 from one address across accounts, 20 for one account from
anywhere; attempts are reserved before the password is checked, so parallel
guesses cannot slip past; an account-wide lock is lifted with
`hotline admin unlock USER`; wrong current passwords are throttled; a
password change ends the user's other sessions; each lockout is audited
once.

Client addresses: every request opens its own connection from a chosen
127.x.y.z, so the server sees distinct clients without any setup.
"""
import threading
import time

import pytest

import hardkit

ADMIN = hardkit.ADMIN_PASSWORD


@pytest.fixture(scope="module")
def srv():
    server = hardkit.start()
    # Signed in before any guessing (the token stays valid through the locks).
    server.token = hardkit.admin_token(server, source="127.0.0.1")
    yield server
    code, _ = hardkit.stop_timed(server, 20)
    assert code == 0


def lockouts(server, token):
    reply = hardkit.call(server, "/api/v1/audit-log?q=auth.lockout&pageSize=500", token=token)
    assert reply.status == 200, reply
    return [e for e in reply.json["items"] if e["action"] == "auth.lockout"]


def assert_throttled(reply, what):
    assert reply.status == 429, f"{what}: expected 429, got {reply}"
    assert reply.error_code == "too_many_attempts", f"{what}: {reply}"
    assert reply.headers.get("retry-after", "").isdigit() and int(reply.headers["retry-after"]) > 0, \
        f"{what}: Retry-After {reply.headers.get('retry-after')!r}"


def test_parallel_wrong_guesses_lock_the_account_and_address_pair(srv):
    replies = [None] * 30
    barrier = threading.Barrier(30)

    def guess(index):
        barrier.wait()
        replies[index] = hardkit.login(srv, "admin", f"Wrong-Guess-{index:02d}", source="127.0.0.1")

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = [r.status for r in replies]
    print("statuses of 30 parallel wrong guesses:", sorted(statuses))
    assert all(s in (401, 429) for s in statuses), statuses
    assert statuses.count(401) <= 5, f"{statuses.count(401)} of 30 parallel guesses had their password checked"
    assert statuses.count(401) >= 1, statuses
    assert all(r.error_code == "invalid_credentials" for r in replies if r.status == 401)
    assert all(r.error_code == "too_many_attempts" for r in replies if r.status == 429)
    # The right password from the same address is refused too: the pair is locked.
    assert_throttled(hardkit.login(srv, "admin", ADMIN, source="127.0.0.1"), "admin with the right password from 127.0.0.1")


def test_the_real_admin_signs_in_from_another_address_meanwhile(srv):
    reply = hardkit.login(srv, "admin", ADMIN, source="127.0.0.2")
    assert reply.status == 200 and reply.json["user"]["username"] == "admin", reply
    # 127.0.0.1 is still locked for admin.
    assert_throttled(hardkit.login(srv, "admin", ADMIN, source="127.0.0.1"), "admin from 127.0.0.1 again")


def test_spraying_many_accounts_from_one_address_hits_the_address_ceiling(srv):
    for index in range(20):
        reply = hardkit.login(srv, f"spray{index:02d}", "Wrong-Pass-123", source="127.0.0.3")
        assert reply.status == 401 and reply.error_code == "invalid_credentials", f"guess {index + 1}: {reply}"
    assert_throttled(hardkit.login(srv, "spray99", "Wrong-Pass-123", source="127.0.0.3"), "21st account from 127.0.0.3")
    assert_throttled(hardkit.login(srv, "admin", ADMIN, source="127.0.0.3"), "admin from 127.0.0.3 (address ceiling)")
    reply = hardkit.login(srv, "admin", ADMIN, source="127.0.0.4")
    assert reply.status == 200, f"admin from 127.0.0.4 while 127.0.0.3 is at its ceiling: {reply}"


def test_wrong_current_passwords_are_throttled(srv):
    statuses = []
    for attempt in range(6):
        reply = hardkit.call(srv, "/api/v1/me/password", "PUT",
                             {"currentPassword": f"Not-The-Password-{attempt}", "newPassword": "Brand-New-Pass-1"},
                             token=srv.token, source="127.0.0.1")
        statuses.append((reply.status, reply.error_code))
    print("wrong current password x6:", statuses)
    assert statuses[:5] == [(400, "invalid_field")] * 5, statuses
    assert statuses[5] == (429, "too_many_attempts"), statuses


def test_a_password_change_ends_the_users_other_sessions(srv):
    roles = hardkit.call(srv, "/api/v1/roles?pageSize=100", token=srv.token)
    assert roles.status == 200, roles
    role_id = roles.json["items"][0]["id"]
    created = hardkit.call(srv, "/api/v1/users", "POST",
                           {"username": "carol", "name": "Carol", "roleIds": [role_id], "departmentId": None,
                            "extension": None, "password": "Carol-First-Pass-1"}, token=srv.token)
    assert created.status == 201, created
    first = hardkit.login(srv, "carol", "Carol-First-Pass-1", source="127.0.0.5")
    second = hardkit.login(srv, "carol", "Carol-First-Pass-1", source="127.0.0.6")
    assert first.status == 200 and second.status == 200, (first, second)
    token1, token2 = first.json["token"], second.json["token"]
    assert hardkit.call(srv, "/api/v1/me", token=token2).status == 200
    change = hardkit.call(srv, "/api/v1/me/password", "PUT",
                          {"currentPassword": "Carol-First-Pass-1", "newPassword": "Carol-Second-Pass-2"},
                          token=token1, source="127.0.0.5")
    assert change.status == 204, change
    other = hardkit.call(srv, "/api/v1/me", token=token2)
    assert other.status == 401 and other.error_code == "unauthenticated", f"the other session after a password change: {other}"
    mine = hardkit.call(srv, "/api/v1/me", token=token1)
    assert mine.status == 200 and mine.json["username"] == "carol", f"the session that changed the password: {mine}"
    assert hardkit.login(srv, "carol", "Carol-Second-Pass-2", source="127.0.0.7").status == 200


def test_throttled_attempts_are_counted_in_metrics(srv):
    reply, values = hardkit.metrics(srv)
    assert reply.status == 200
    # Refused so far: 25 parallel guesses + the right password (1st test), 127.0.0.1
    # again (2nd), two from 127.0.0.3 (3rd), the 6th wrong current password.
    assert values.get("hotline_login_throttled_total", 0) == 25 + 1 + 1 + 2 + 1, values


def test_each_lockout_is_audited_once(srv):
    entries = lockouts(srv, srv.token)
    print("auth.lockout entries:", [(e["address"], e["target"], e["detail"]) for e in entries])
    from_pair = [e for e in entries if e["address"] == "127.0.0.1" and "login" in (e["detail"] or "")]
    assert len(from_pair) == 1, f"admin from 127.0.0.1 was refused 27 times and locked once: {from_pair}"
    assert "pair" in from_pair[0]["detail"], from_pair
    from_spray = [e for e in entries if e["address"] == "127.0.0.3"]
    assert len(from_spray) == 1, f"127.0.0.3 was refused twice at its ceiling and locked once: {from_spray}"
    assert "address" in from_spray[0]["detail"], from_spray
    password = [e for e in entries if "password" in (e["detail"] or "")]
    assert len(password) == 1, f"the wrong current password lockout: {password}"


def test_guessing_from_many_addresses_locks_the_account_until_the_console_unlocks_it():
    # Its own server: the account-wide count must start from zero.
    server = hardkit.start()
    try:
        token = hardkit.admin_token(server, source="127.0.0.8")
        for index in range(1, 21):
            reply = hardkit.login(server, "admin", f"Guess-From-Afar-{index}", source=f"127.0.1.{index}")
            assert reply.status == 401, f"guess {index} from 127.0.1.{index}: {reply}"
        locked = hardkit.login(server, "admin", ADMIN, source="127.0.0.9")
        assert_throttled(locked, "admin from a fresh address after 20 guesses from 20 addresses")
        assert "hotline admin unlock admin" in locked.error_message, locked
        # More refusals do not add audit entries.
        for source in ("127.0.0.10", "127.0.0.11", "127.0.0.9"):
            assert hardkit.login(server, "admin", ADMIN, source=source).status == 429
        account_locks = [e for e in lockouts(server, token) if "account" in (e["detail"] or "")]
        assert len(account_locks) == 1, account_locks

        out = hardkit.run_cli("admin", "unlock", "admin", "--data", server.data)
        assert out.returncode == 0, out.stdout + out.stderr
        started = time.monotonic()
        reply = hardkit.login(server, "admin", ADMIN, source="127.0.0.9")
        assert reply.status == 200, f"after `hotline admin unlock admin`: {reply}"
        assert time.monotonic() - started < 5
        audit = hardkit.call(server, "/api/v1/audit-log?q=auth.unlock", token=token)
        assert any(e["action"] == "auth.unlock" for e in audit.json["items"]), audit
    finally:
        code, _ = hardkit.stop_timed(server, 20)
        assert code == 0
