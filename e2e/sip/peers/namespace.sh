# Sourced by the phone scripts, inside `unshare -n`: the network the real
# phones need, and a Hotline to register with.
#
# baresip and linphonec need a non-loopback interface with an address, which
# a veth carrying a loopback address provides (see TESTING.md). linphonec
# also turns its SIP stack off a few seconds in when the only way out is a
# loopback address: a private address and a default route inside this
# namespace keep it on (nothing leaves the namespace).
ip link set lo up
ip link add v0 type veth peer name v1
ip link set v0 up
ip link set v1 up
ip addr add 127.0.0.2/32 dev v0
ip addr add 10.99.0.2/24 dev v0
ip route add default via 10.99.0.1 dev v0

# start_hotline BIN [extra serve flags…]: serves HTTP on :18080 and SIP on
# :15060, waits for it, and sets DATA and TOKEN (an admin session).
start_hotline() {
    local bin=$1
    shift
    DATA=$(mktemp -d)
    "$bin" serve --data "$DATA" --http 127.0.0.1:18080 --sip 127.0.0.1:15060 --admin-password Admin-Pass-123 "$@" >"$DATA/out" 2>"$DATA/err" &
    SERVER=$!
    trap 'kill $SERVER 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true' EXIT
    for _ in $(seq 1 100); do grep -q '^ready ' "$DATA/out" 2>/dev/null && break; sleep 0.1; done
    TOKEN=$(curl -s -XPOST localhost:18080/api/v1/auth/login -H "Content-Type: application/json" -d '{"username":"admin","password":"Admin-Pass-123"}' \
        | python3 -c "import json,sys;print(json.load(sys.stdin)['token'])")
}

# add_extension NUMBER: with the secret the phones use.
add_extension() {
    curl -s -XPOST localhost:18080/api/v1/extensions -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
        -d "{\"number\":\"$1\",\"password\":\"Secret-Ext-Pass-1\"}" >/dev/null
}
