#!/usr/bin/env bash
# nginx/dlr-webhook.socket and nginx/dlr-webhook.service pass `systemd-analyze verify` without a
# single message about them, once their programs' paths point at the built binaries (a temp
# copy; the units themselves are not changed). systemd-analyze missing is a failure.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools systemd-analyze
make_tmp

UNITS="$ROOT/nginx"
cp "$UNITS/dlr-webhook.socket" "$UNITS/dlr-webhook.service" "$T/"
sed -i -e "s#/usr/local/bin/dlr-webhook#$BIN#g" -e "s#/usr/local/bin/dlrctl#$CTL#g" \
    "$T/dlr-webhook.service"

out=$(cd "$T" && systemd-analyze verify --man=no ./dlr-webhook.socket ./dlr-webhook.service 2>&1)
rc=$?
check_eq "systemd-analyze verify exits 0" 0 "$rc"
ours=$(printf '%s\n' "$out" | grep -i 'dlr-webhook' | head -n 5 | tr '\n' ' ')
check_eq "systemd-analyze verify says nothing about our units" "" "$ours"

# The test itself: a unit with a mistake is reported (so silence above means something).
printf '[Service]\nNoSuchKey=1\n' >> "$T/dlr-webhook.service"
out=$(cd "$T" && systemd-analyze verify --man=no ./dlr-webhook.socket ./dlr-webhook.service 2>&1)
if printf '%s\n' "$out" | grep -q "Unknown key 'NoSuchKey'"; then
    ok "systemd-analyze verify reports a bad key in our unit"
else
    not_ok "systemd-analyze verify reports a bad key in our unit" "output: $out"
fi

svc="$UNITS/dlr-webhook.service"
for want in 'ExecReload=/bin/kill -HUP $MAINPID' 'NoNewPrivileges=yes' 'ProtectSystem=strict' \
            'PrivateTmp=yes' 'User=dlr-webhook' 'StandardInput=socket'; do
    if grep -qxF "$want" "$svc"; then ok "service unit has $want"
    else not_ok "service unit has $want" "not in $svc"; fi
done
if grep -qx 'ListenStream=/run/dlr-webhook/dlr-webhook.sock' "$UNITS/dlr-webhook.socket"; then
    ok "socket unit listens on the unix socket nginx uses"
else
    not_ok "socket unit listens on the unix socket nginx uses" "no such ListenStream"
fi
finish
