"""Live call events on the WebSocket (/api/v1/events) for sipp calls.

Extensions 2501 (A, the caller), 2502 (B, bound to the user agent-b), 2503
(C, bound to agent-c), 2504 (bound to a user only after its phone
registered). agent-b and agent-c hold a role with crm.customers.view and data
scope `all`, so the CRM customer whose phone is A's number (2501) is theirs
to see; their first sign-in changes the temporary password as the API
requires. Each test opens the WebSockets before the call and reads the
`{"type","data"}` messages in the order they came.
"""
import time

import pytest

import callkit
import rtp
import transferkit as tk
from conftest import OUT, Server
from test_sip_calls import api, free_rtp_range

ADMIN = "Admin-Pass-123"
SECRET = "Secret-Ext-Pass-1"
A, B, C, LATE = "2501", "2502", "2503", "2504"
CUSTOMER = "王女士"


def sign_in(base, username, password):
    """A session for a new user: the first sign-in must change the password (PUT /api/v1/me/password)."""
    status, body = api(base, "/api/v1/auth/login", "POST", {"username": username, "password": password})
    assert status == 200, body
    token = body["token"]
    if body["user"]["mustChangePassword"]:
        status, body = api(base, "/api/v1/me/password", "PUT", {"currentPassword": password, "newPassword": password + "-2"}, token)
        assert status == 204, body
    return token


@pytest.fixture(scope="module")
def pbx(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("events"))
    lo, hi = free_rtp_range(60)
    server = Server(args=["--admin-password", ADMIN, "--rtp-ports", f"{lo}-{hi}", "--sip-qualify-seconds", "0"], sip="127.0.0.1:0")
    try:
        base = server.wait_ready()
        _, body = api(base, "/api/v1/auth/login", "POST", {"username": "admin", "password": ADMIN})
        admin = body["token"]
        for number in (A, B, C, LATE):
            status, created = api(base, "/api/v1/extensions", "POST", {"number": number, "password": SECRET, "maxContacts": 1}, admin)
            assert status == 201, created
        status, role = api(base, "/api/v1/roles", "POST", {"name": "坐席", "permissions": ["crm.customers.view", "calls.view"],
                                                            "dataScope": "all"}, admin)
        assert status == 201, role
        tokens = {}
        for username, number in (("agent-b", B), ("agent-c", C)):
            status, user = api(base, "/api/v1/users", "POST", {"username": username, "name": username, "roleIds": [role["id"]],
                                                               "departmentId": None, "extension": number, "password": "Agent-Pass-123"}, admin)
            assert status == 201, user
            tokens[number] = sign_in(base, username, "Agent-Pass-123")
        status, customer = api(base, "/api/v1/customers", "POST", {"name": CUSTOMER, "phone": A}, admin)
        assert status == 201, customer
        phones = tk.phone_ports((A, B, C, LATE))
        for number in (B, C, LATE):
            rc, run = callkit.register(folder, server.sip, number, SECRET, phones[number], name=f"register-{number}")
            assert rc == 0, run.report()
        yield {"server": server, "base": base, "admin": admin, "tokens": tokens, "customer": customer, "role": role,
               "target": server.sip, "phones": phones}
    finally:
        code = server.stop()
        with open(OUT / "test_call_events-server.log", "w") as f:
            f.write("\n".join(server.lines + server.stderr_lines) + "\n")
    assert code == 0


def origin(base):
    return base  # "http://127.0.0.1:PORT": the server's own scheme, host and port


def listen(pbx, cleanup, token):
    ws = tk.WebSocket(pbx["base"], token, origin=origin(pbx["base"]))
    cleanup.append(ws.close)
    assert ws.status == 101, ws.status
    return ws


def call_events(ws, call_id=None):
    return [e for e in ws.events if e["type"].startswith("call.") and (call_id is None or e["data"]["callId"] == call_id)]


def ended(ws):
    return lambda events: any(e["type"] == "call.ended" for e in events)


def test_the_callees_user_sees_ringing_answered_and_ended_with_the_customer(pbx, folder, cleanup):
    """A (2501) calls B (2502): agent-b gets call.ringing (with the customer whose phone is 2501), call.answered and
    call.ended, in that order, with one callId; the admin, whose user has no extension, gets no call events."""
    mine = listen(pbx, cleanup, pbx["tokens"][B])
    admin = listen(pbx, cleanup, pbx["admin"])
    with rtp.Endpoint() as ep:
        callee = callkit.callee(folder, "call_uas_answer.xml", pbx["phones"][B], ep.port, delay_ms=800, name="B", timeout=20)
        cleanup.append(callee.kill)
        time.sleep(0.2)
        caller = callkit.caller(folder, pbx["target"], "call_uac_auth_nomedia.xml", [(A, SECRET, B)], auth_uri=f"{B}@{pbx['target']}",
                                name="A", hold_ms=1000, timeout=20)
        cleanup.append(caller.kill)
        # call.ringing arrives while B's phone rings (before the 200)
        ringing = mine.next_event(5)
        rang_before_answer = not tk.find(callee, "sent", lambda t: tk.is_response(t, 200, "INVITE"))
        assert caller.wait() == 0, caller.report()
        assert callee.wait() == 0, callee.report()
    events = mine.collect(ended(mine), 10)
    calls = call_events(mine)
    assert [e["type"] for e in calls] == ["call.ringing", "call.answered", "call.ended"], events
    assert ringing == calls[0] and rang_before_answer, "call.ringing came while B's phone rang"
    assert len({e["data"]["callId"] for e in calls}) == 1 and calls[0]["data"]["callId"], calls
    for e in calls:
        assert (e["data"]["from"], e["data"]["to"]) == (A, B), e
    customer = calls[0]["data"].get("customer")
    assert customer and customer["id"] == pbx["customer"]["id"] and customer["name"] == CUSTOMER and customer["phone"] == A, calls[0]
    assert calls[2]["data"].get("disposition") == "answered" and calls[2]["data"].get("hangupBy") == "caller", calls[2]
    admin.collect(lambda e: False, 0.5)
    assert not call_events(admin), f"the admin (no extension) got {call_events(admin)}"


def test_a_websocket_from_a_foreign_origin_is_refused(pbx, cleanup):
    foreign = tk.WebSocket(pbx["base"], pbx["tokens"][B], origin="http://evil.example")
    cleanup.append(foreign.close)
    assert foreign.status != 101, "an Origin naming another site must not get the events"
    other_port = tk.WebSocket(pbx["base"], pbx["tokens"][B], origin="http://127.0.0.1:1")
    cleanup.append(other_port.close)
    assert other_port.status != 101, "the Origin must name the server's own host:port"
    bare = tk.WebSocket(pbx["base"], pbx["tokens"][B])
    cleanup.append(bare.close)
    assert bare.status == 101, "no Origin (not a browser) is fine"


def test_a_blind_transfer_is_announced_to_the_transferor_and_the_target(pbx, folder, cleanup):
    """A calls B, B transfers blind to C: agent-b gets ringing, answered, transferred (to 2503) and ended for one callId;
    agent-c, whose extension joined by the transfer, gets call.transferred and call.ended for the same call."""
    mine = listen(pbx, cleanup, pbx["tokens"][B])
    target = listen(pbx, cleanup, pbx["tokens"][C])
    eps = [rtp.Endpoint() for _ in range(3)]
    for ep in eps:
        cleanup.append(ep.close)
    c = callkit.callee(folder, "call_uas_ring_answer_hangup.xml", pbx["phones"][C], eps[2].port, delay_ms=500, name="C", timeout=25)
    b = callkit.callee(folder, "refer_blind.xml", pbx["phones"][B], eps[1].port, delay_ms=1000, name="B", timeout=25,
                       extra=("-key", "target", C, "-key", "server", pbx["target"]))
    cleanup += [c.kill, b.kill]
    time.sleep(0.2)
    a = callkit.caller(folder, pbx["target"], "call_uac_auth_wait_bye.xml", [(A, SECRET, B)], auth_uri=f"{B}@{pbx['target']}",
                       name="A", timeout=25, extra=("-key", "rtp_port", str(eps[0].port)))
    cleanup.append(a.kill)
    for run in (a, b, c):
        assert run.wait() == 0, run.report()
    mine.collect(ended(mine), 10)
    target.collect(ended(target), 10)
    calls = call_events(mine)
    assert [e["type"] for e in calls] == ["call.ringing", "call.answered", "call.transferred", "call.ended"], mine.events
    call_id = calls[0]["data"]["callId"]
    assert all(e["data"]["callId"] == call_id for e in calls), calls
    assert calls[2]["data"].get("transferredTo") == C, calls[2]
    theirs = call_events(target)
    assert [e["type"] for e in theirs] == ["call.transferred", "call.ended"], target.events
    assert all(e["data"]["callId"] == call_id for e in theirs), theirs


def test_a_user_bound_to_an_extension_after_its_phone_registered_gets_its_call_events(pbx, folder, cleanup):
    """2504's phone is registered before a user is bound to it (the usual order: phones first, then staff):
    the new user's WebSocket still gets the calls to 2504."""
    status, user = api(pbx["base"], "/api/v1/users", "POST", {"username": "agent-late", "name": "agent-late", "roleIds": [pbx["role"]["id"]],
                                                                "departmentId": None, "extension": LATE, "password": "Agent-Pass-123"},
                       pbx["admin"])
    assert status == 201, user
    ws = listen(pbx, cleanup, sign_in(pbx["base"], "agent-late", "Agent-Pass-123"))
    with rtp.Endpoint() as ep:
        callee = callkit.callee(folder, "call_uas_answer.xml", pbx["phones"][LATE], ep.port, delay_ms=300, name="LATE", timeout=20)
        cleanup.append(callee.kill)
        time.sleep(0.2)
        caller = callkit.caller(folder, pbx["target"], "call_uac_auth_nomedia.xml", [(A, SECRET, LATE)],
                                auth_uri=f"{LATE}@{pbx['target']}", name="A", hold_ms=500, timeout=20)
        cleanup.append(caller.kill)
        assert caller.wait() == 0, caller.report()
        assert callee.wait() == 0, callee.report()
    ws.collect(ended(ws), 5)
    assert [e["type"] for e in call_events(ws)] == ["call.ringing", "call.answered", "call.ended"], (
        f"agent-late (bound to {LATE} after its phone registered) got {ws.events} for a call to {LATE}")
