#!/bin/sh
set -eu
echo "starting with $@"
exec "$@"
