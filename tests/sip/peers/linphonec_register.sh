#!/usr/bin/env bash
# Runs inside a private network namespace (unshare -n): linphonec needs a
# non-loopback interface with an address, which a veth carrying a loopback
# address provides (see TESTING.md). Starts Hotline, creates an extension,
# lets linphonec register, and prints the extension's JSON. Usage: linphonec_register.sh BIN DIGEST
set -euo pipefail
BIN=$1
DIGEST=$2
ip link set lo up
ip link add v0 type veth peer name v1
ip link set v0 up
ip link set v1 up
ip addr add 127.0.0.2/32 dev v0
# linphonec turns its SIP stack off a few seconds in when the only way out is
# a loopback address: a private address and a default route inside this
# namespace keep it on (nothing leaves the namespace).
ip addr add 10.99.0.2/24 dev v0
ip route add default via 10.99.0.1 dev v0
DATA=$(mktemp -d)
"$BIN" serve --data "$DATA" --http 127.0.0.1:18080 --sip 127.0.0.1:15060 --admin-password Admin-Pass-123 --sip-digest "$DIGEST" >"$DATA/out" 2>"$DATA/err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q '^ready ' "$DATA/out" 2>/dev/null && break; sleep 0.1; done
TOKEN=$(curl -s -XPOST localhost:18080/api/v1/auth/login -d '{"username":"admin","password":"Admin-Pass-123"}' | python3 -c "import json,sys;print(json.load(sys.stdin)['token'])")
curl -s -XPOST localhost:18080/api/v1/extensions -H "Authorization: Bearer $TOKEN" -d '{"number":"1006","password":"Secret-Ext-Pass-1"}' >/dev/null
export HOME=$(mktemp -d)
mkdir -p "$HOME/.local/share/linphone"
cat > "$HOME/lin.cfg" <<EOF
[sip]
sip_port=25080
sip_tcp_port=0
default_proxy=0
[proxy_0]
reg_proxy=<sip:127.0.0.1:15060;transport=udp>
reg_identity=sip:1006@127.0.0.1:15060
reg_expires=60
reg_sendregister=1
[auth_info_0]
username=1006
passwd=Secret-Ext-Pass-1
realm=127.0.0.1
EOF
exec 3>&1
# Snapshots go to the script's standard output (fd 3), not into linphonec's stdin.
show() { curl -s "localhost:18080/api/v1/extensions?q=1006" -H "Authorization: Bearer $TOKEN" >&3; echo >&3; }
( sleep 4; show; echo quit ) | timeout 30 linphonec -c "$HOME/lin.cfg" -d 0 >"$DATA/linphonec.log" 2>&1 | true
