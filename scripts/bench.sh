#!/usr/bin/env bash
# Benchmarks under bench/: each prints its figures; nothing here is a pass/fail test.
set -eu
cd "$(dirname "$0")/.."
for script in bench/bench_*.py; do
  echo "== $script =="
  .venv/bin/python "$script"
done
