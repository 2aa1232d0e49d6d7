#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and starts the server with demo data on the embedded database.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec cargo run --release -p zhixing-cli -- serve --demo "$@"
