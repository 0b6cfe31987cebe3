#!/bin/sh
# `docker run IMAGE handler` outside SAM: the emulator when one is mounted, else the bootstrap.
export _HANDLER="${1:?the handler, e.g. lambda_function.handler}"
if [ -z "${AWS_LAMBDA_RUNTIME_API:-}" ] && [ -x /var/rapid/aws-lambda-rie ]; then
  exec /var/rapid/aws-lambda-rie /var/runtime/bootstrap
fi
exec /var/runtime/bootstrap
