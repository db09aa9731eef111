#!/usr/bin/env bash
# Runs inside a private network namespace (unshare -n; see namespace.sh).
# Starts Hotline, creates an extension, lets linphonec register, and prints
# the extension's JSON. Usage: linphonec_register.sh BIN DIGEST
set -euo pipefail
BIN=$1
DIGEST=$2
source "$(dirname "$0")/namespace.sh"
start_hotline "$BIN" --sip-digest "$DIGEST"
add_extension 1006
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
