#!/usr/bin/env bash
# Runs inside a private network namespace (unshare -n): baresip and
# linphonec need a non-loopback interface with an address, which a veth
# carrying a loopback address provides (see TESTING.md). Starts Hotline,
# creates extensions 1006 (linphonec) and 1007 (baresip), lets both
# register for 60 s, and prints the extensions' JSON twice: after the first
# registration and after the phones' own refresh (~54 s in).
# Usage: phones_stay_registered.sh BIN
set -euo pipefail
BIN=$1
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
"$BIN" serve --data "$DATA" --http 127.0.0.1:18080 --sip 127.0.0.1:15060 --admin-password Admin-Pass-123 >"$DATA/out" 2>"$DATA/err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q '^ready ' "$DATA/out" 2>/dev/null && break; sleep 0.1; done
TOKEN=$(curl -s -XPOST localhost:18080/api/v1/auth/login -d '{"username":"admin","password":"Admin-Pass-123"}' | python3 -c "import json,sys;print(json.load(sys.stdin)['token'])")
for n in 1006 1007; do
  curl -s -XPOST localhost:18080/api/v1/extensions -H "Authorization: Bearer $TOKEN" -d "{\"number\":\"$n\",\"password\":\"Secret-Ext-Pass-1\"}" >/dev/null
done

# baresip (1007): UDP, registers every 60 s.
BCFG=$(mktemp -d)
cat > "$BCFG/config" <<C
sip_listen 127.0.0.1:25090
sip_transports udp
module_path /usr/lib/baresip/modules
module g711.so
module aubridge.so
module_tmp account.so
audio_player aubridge,nil
audio_alert aubridge,nil
audio_source aubridge,nil
C
echo '<sip:1007@127.0.0.1:15060;transport=udp>;auth_pass=Secret-Ext-Pass-1;regint=60' > "$BCFG/accounts"
timeout 80 baresip -f "$BCFG" >"$DATA/baresip.log" 2>&1 &

# linphonec (1006): UDP, registers every 60 s.
export HOME=$(mktemp -d)
mkdir -p "$HOME/.local/share/linphone"
cat > "$HOME/lin.cfg" <<C
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
C
exec 3>&1
# Snapshots go to the script's standard output (fd 3), not into linphonec's stdin.
show() { curl -s "localhost:18080/api/v1/extensions?q=100" -H "Authorization: Bearer $TOKEN" >&3; echo >&3; }
( sleep 5; show; sleep 62; show; echo quit ) | timeout 80 linphonec -c "$HOME/lin.cfg" -d 0 >"$DATA/linphonec.log" 2>&1 | true
