#!/usr/bin/env bash
# Build the self-hosting image (Dockerfile) offline: the base image from tools/container/
# base_images.sh, the pinned packages of requirements-web.txt downloaded from PyPI on this
# machine into build/wheelhouse/ (wheels for CPython 3.13 on x86_64). Prints the time it took.
set -euo pipefail
cd "$(dirname "$0")/../.."
IMAGE="${1:-trigger-point-guide:latest}"
start=$SECONDS
bash tools/container/base_images.sh
rm -rf build/wheelhouse
python3 -m pip download --quiet --disable-pip-version-check --only-binary=:all: --implementation cp \
  --python-version 3.13 --platform manylinux2014_x86_64 --platform manylinux_2_28_x86_64 \
  -r requirements-web.txt -d build/wheelhouse
DOCKER_BUILDKIT=0 docker build --quiet -t "$IMAGE" . >/dev/null
echo "web image: $IMAGE built in $((SECONDS - start)) s"
