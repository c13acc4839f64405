#!/usr/bin/env bash
# The README's test command: installs what the tests need (etcd, Redis and ZooKeeper's tools from
# the OS packages, when missing) and runs every test, unit and integration (`./mvnw verify`; the
# Maven wrapper fetches Maven itself, so only a JDK 17+ is needed).
# Extra arguments go to Maven, e.g. `scripts/test.sh -pl kvstore-etcd -am`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
exec ./mvnw -B -ntp verify "$@"
