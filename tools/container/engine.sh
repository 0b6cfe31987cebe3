#!/usr/bin/env bash
# Start a container engine for the container tests (sam local, the self-hosting image): Debian's
# docker.io, installed if missing, its daemon started as root (overlay2, else vfs). Prints where
# the engine answers; exits non-zero with the reason when none can start (the tests then skip,
# or fail under REQUIRE_ALL_TOOLS=1).
set -euo pipefail

LOG_DIR="${CONTAINER_LOG_DIR:-/tmp/trigger-point-guide-dockerd}"

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && engine_answers; then
  echo "container engine: running ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "container engine: not running, and starting dockerd needs root" >&2
  exit 1
fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "container engine: installing Debian's docker.io"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null
fi
mkdir -p "$LOG_DIR"
for driver in overlay2 vfs; do
  # setsid: the daemon outlives this script and the shell that ran it.
  setsid dockerd --storage-driver="$driver" >"$LOG_DIR/dockerd-$driver.log" 2>&1 < /dev/null &
  pid=$!
  for _ in $(seq 1 30); do
    if engine_answers; then
      echo "$pid" >"$LOG_DIR/dockerd.pid"
      echo "container engine: dockerd $(docker version --format '{{.Server.Version}}') started ($driver, pid $pid)"
      exit 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "container engine: dockerd did not start with $driver (see $LOG_DIR/dockerd-$driver.log)" >&2
done
exit 1
