#!/usr/bin/env bash
# Runs inside a private network namespace (unshare -n; see namespace.sh). Starts Hotline,
# creates extensions 1006 (linphonec) and 1007 (baresip), lets both
# register for 60 s, and prints the extensions' JSON twice: after the first
# registration and after the phones' own refresh (~54 s in).
# Usage: phones_stay_registered.sh BIN
set -euo pipefail
BIN=$1
source "$(dirname "$0")/namespace.sh"
start_hotline "$BIN"
add_extension 1006
add_extension 1007

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
