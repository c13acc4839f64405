#!/usr/bin/env bash
# Installs the servers the integration tests start (etcd, Redis with Sentinel, ZooKeeper's CLI)
# from the Debian/Ubuntu packages, if any of them is missing. Idempotent and non-interactive.
# The tests start their own servers on free loopback ports; the packages' own services are stopped
# and kept from starting where that is possible.
set -euo pipefail

PACKAGES=(etcd-server etcd-client redis-server redis-tools redis-sentinel zookeeper)
ZKCLI=/usr/share/zookeeper/bin/zkCli.sh

missing=()
for cmd in etcd etcdctl redis-server redis-sentinel redis-cli; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
[ -x "$ZKCLI" ] || missing+=("$ZKCLI")

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-test-deps: etcd, etcdctl, redis-server, redis-sentinel, redis-cli and zkCli.sh are installed"
  exit 0
fi
echo "install-test-deps: missing: ${missing[*]}"

if [ "${EUID:-$(id -u)}" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "install-test-deps: not root and no password-less sudo; run as root:" >&2
  echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${PACKAGES[*]}" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: apt-get not found; install etcd 3.4+, Redis 7 (server, cli, sentinel) and ZooKeeper's zkCli.sh yourself" >&2
  exit 1
fi

# Keep the packages' services from starting (policy-rc.d is honoured by invoke-rc.d in postinst).
POLICY=/usr/sbin/policy-rc.d
created_policy=no
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
  "${SUDO[@]}" chmod 755 "$POLICY"
  created_policy=yes
fi
cleanup() {
  if [ "$created_policy" = yes ]; then "${SUDO[@]}" rm -f "$POLICY"; fi
}
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update </dev/null
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PACKAGES[@]}" </dev/null

# Where a service manager runs, stop and disable the packages' own servers: the tests never use them.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  for service in etcd redis-server redis-sentinel zookeeper; do
    "${SUDO[@]}" systemctl disable --now "$service" >/dev/null 2>&1 || true
  done
fi

for cmd in etcd etcdctl redis-server redis-sentinel redis-cli; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "install-test-deps: $cmd still missing" >&2; exit 1; }
done
[ -x "$ZKCLI" ] || { echo "install-test-deps: $ZKCLI still missing" >&2; exit 1; }
echo "install-test-deps: done"
