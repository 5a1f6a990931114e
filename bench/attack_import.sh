#!/usr/bin/env bash
# Benchmarks `casetrail attack import` of the full MITRE ATT&CK bundle against
# the baseline the issue sets: the time and peak memory Python takes just to
# parse the same file (`json.load`), measured in the same run, alternating.
#
# Usage: bench/attack_import.sh CASETRAIL_BINARY [RUNS] [BUNDLE]
#   RUNS    runs of each command (default 5); the table shows medians
#   BUNDLE  default: ../shared/attack/enterprise-attack.json beside the repo
# Builds nothing: give it a binary, ideally a Release build
# (scripts/build Release -> build/release/cli/casetrail).
# Targets: import time < 2x the parse time, import peak RSS < the parse's.
# Exit status: 0 when both targets are met, 1 when not, 2 on usage errors.
set -euo pipefail

if [ $# -lt 1 ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
binary=$1
runs=${2:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
bundle=${3:-$here/../shared/attack/enterprise-attack.json}
timer=/usr/bin/time  # GNU time: the shell keyword cannot report peak RSS

[ -x "$binary" ] || { echo "attack_import: $binary is not an executable" >&2; exit 2; }
[ -r "$bundle" ] || { echo "attack_import: cannot read $bundle" >&2; exit 2; }
[ -x "$timer" ] || { echo "attack_import: $timer (GNU time) is missing: scripts/setup installs it" >&2; exit 2; }
case $runs in '' | *[!0-9]* | 0) echo "attack_import: RUNS must be a positive number" >&2; exit 2 ;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs a command under GNU time; appends "seconds kilobytes" to $1.
measure() {
  local out=$1
  shift
  "$timer" -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
    echo "attack_import: failed: $*" >&2
    cat "$work/stderr" >&2
    exit 1
  }
  tail -n 1 "$work/time" >>"$out"
}

for i in $(seq 1 "$runs"); do
  # A fresh case database each time: the import includes creating it.
  rm -f "$work/case.db" "$work/case.db-wal" "$work/case.db-shm"
  measure "$work/import" "$binary" --db "$work/case.db" attack import "$bundle" --attack-version 18.1
  measure "$work/parse" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$bundle"
done

median() {  # column $2 of file $1
  cut -d' ' -f"$2" "$1" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

import_s=$(median "$work/import" 1)
parse_s=$(median "$work/parse" 1)
import_kb=$(median "$work/import" 2)
parse_kb=$(median "$work/parse" 2)

awk -v is="$import_s" -v ps="$parse_s" -v ik="$import_kb" -v pk="$parse_kb" -v runs="$runs" \
    -v bundle="$bundle" -v size="$(wc -c <"$bundle")" '
BEGIN {
  printf "ATT&CK import benchmark: %s (%d bytes), median of %d runs each\n\n", bundle, size, runs
  printf "%-14s %14s %14s %8s %-22s %s\n", "metric", "casetrail", "python json", "ratio", "target", "met"
  time_ok = (is < 2 * ps); rss_ok = (ik < pk)
  printf "%-14s %12.2f s %12.2f s %8.2f %-22s %s\n", "wall time", is, ps, is / ps, "import < 2x parse", time_ok ? "yes" : "NO"
  printf "%-14s %11.1f MB %11.1f MB %8.2f %-22s %s\n", "peak RSS", ik / 1024, pk / 1024, ik / pk, "import < parse", rss_ok ? "yes" : "NO"
  exit !(time_ok && rss_ok)
}'
