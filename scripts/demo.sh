#!/usr/bin/env bash
# The quick start's first command: builds kvctl if needed (Maven, no tests) and runs `kvctl demo`
# on the in-process memory store: put, list, a watch firing and the liveness channel, in seconds.
# Any kvctl connection flag is passed on, e.g. scripts/demo.sh --store-type etcd --address 127.0.0.1:2379
set -euo pipefail
ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$ROOT/kvctl" demo "$@"
