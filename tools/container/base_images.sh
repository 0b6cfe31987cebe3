#!/usr/bin/env bash
# Build, offline from Debian's packages and PyPI only, the two base images the containers use:
#   $SLIM_IMAGE    Debian trixie (minbase) with its python3.13 and venv: the self-hosting image's base.
#   $LAMBDA_IMAGE  that plus awslambdaric and Lambda's entry point and layout (/var/task,
#                  /var/runtime/bootstrap), tagged with the name SAM CLI looks up for runtime
#                  python3.13 on x86_64, so `sam local invoke --skip-pull-image` finds it.
# Each image carries a label with this script's hash: it is rebuilt only when the recipe changes,
# so a machine that keeps /var/lib/docker reuses it. Prints how long each build took.
set -euo pipefail
cd "$(dirname "$0")"

SUITE="${DEBIAN_SUITE:-trixie}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SLIM_IMAGE="${SLIM_IMAGE:-trigger-point-guide/python:3.13-slim}"
LAMBDA_IMAGE="${LAMBDA_IMAGE:-public.ecr.aws/lambda/python:3.13-x86_64}"
RECIPE="$(cat base_images.sh lambda/* | sha256sum | cut -c1-16)"
LABEL=org.trigger-point-guide.recipe
export DOCKER_BUILDKIT=0

current() { [ "$(docker image inspect --format "{{index .Config.Labels \"$LABEL\"}}" "$1" 2>/dev/null)" = "$RECIPE" ]; }

if current "$SLIM_IMAGE" && current "$LAMBDA_IMAGE"; then
  echo "base images: cached ($SLIM_IMAGE, $LAMBDA_IMAGE; recipe $RECIPE)"
  exit 0
fi
command -v debootstrap >/dev/null 2>&1 || {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

start=$SECONDS
debootstrap --variant=minbase --include=python3,python3-venv "$SUITE" "$work/root" "$MIRROR" \
  >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
rm -rf "$work"/root/var/cache/apt/* "$work"/root/var/lib/apt/lists/* "$work"/root/usr/share/{doc,man,info,locale}/*
tar -C "$work/root" -c . | docker import \
  --change "LABEL $LABEL=$RECIPE" --change 'ENV LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1' \
  --change 'CMD ["python3"]' - "$SLIM_IMAGE" >/dev/null
echo "base images: $SLIM_IMAGE built from debootstrap $SUITE in $((SECONDS - start)) s"

start=$SECONDS
mkdir -p "$work/lambda"
cp lambda/* "$work/lambda/"
python3 -m pip install --quiet --disable-pip-version-check --only-binary=:all: \
  --platform manylinux2014_x86_64 --implementation cp --python-version 3.13 \
  --target "$work/lambda/runtime" -r lambda/requirements.txt
docker build --quiet --label "$LABEL=$RECIPE" --build-arg "BASE=$SLIM_IMAGE" -t "$LAMBDA_IMAGE" \
  "$work/lambda" >/dev/null
echo "base images: $LAMBDA_IMAGE built in $((SECONDS - start)) s"
