#!/usr/bin/env bash
# Installs what the test suites need on a fresh Debian machine with Swift:
# SIP peers we did not write (sipp, sipsak, linphonec, baresip), iptables (a
# firewall in a test's own network namespace), sox (audio
# fixtures), LibreOffice (the .xlsx round trip),
# Debian packages (Chromium for the browser tests, CJK fonts so screenshots
# are readable) and Python packages (pytest, Playwright, an OpenAPI
# validator). Idempotent: installs only what is missing.
set -euo pipefail

apt_packages=(chromium fonts-wqy-microhei python3 python3-pip curl iproute2 iptables sip-tester sipsak linphone-cli baresip sox libreoffice-calc-nogui zlib1g-dev)
missing=()
for pkg in "${apt_packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python_modules=(pytest:pytest playwright:playwright openapi_spec_validator:openapi-spec-validator)
pip_missing=()
for entry in "${python_modules[@]}"; do
    module=${entry%%:*}
    python3 -c "import $module" >/dev/null 2>&1 || pip_missing+=("${entry#*:}")
done
if ((${#pip_missing[@]})); then
    echo "installing Python packages: ${pip_missing[*]}"
    # Debian's own Python refuses user installs without this flag (PEP 668).
    python3 -m pip install -q "${pip_missing[@]}" 2>/dev/null \
        || python3 -m pip install -q --break-system-packages "${pip_missing[@]}"
fi
# Playwright drives Debian's Chromium; it never downloads a browser of its own.
test -x /usr/bin/chromium
