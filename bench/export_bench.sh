#!/usr/bin/env bash
# Export and report benchmark. One case of N generated observations
# (bench/gen_case.py, imported by casetrail), then in the same run on the
# same database file:
#   - casetrail export to each format, against sqlite3 dumping the same rows
#     (observation joined with its process row, same order) with -csv and
#     -json: the plain lower bound of reading them out of SQLite as text;
#   - the HTML and Markdown handoff reports of the case (targets for a
#     100k-observation case: HTML under 3 s and under 5 MB).
# Per run: wall seconds, CPU seconds (user + system), peak RSS, output size;
# the ratio is casetrail's wall time over the sqlite3 dump's (csv against
# -csv, every JSON format against -json): below 1 is faster than the dump.
#
# Usage: bench/export_bench.sh [N...]          (default: 100000)
#   CASETRAIL_JOBS: build parallelism (default 2)
#   CASETRAIL_BENCH_BUILD: an existing build tree to use instead of build/bench
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${CASETRAIL_BENCH_BUILD:-}" ]; then
  # An existing build tree (scripts/bench passes it on): its type stays.
  build=$(cd "$root" && cd "$CASETRAIL_BENCH_BUILD" && pwd)
  cmake -S "$root" -B "$build" -DCASETRAIL_BENCH=ON >/dev/null
else
  build="$root/build/bench"
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCASETRAIL_TESTS=OFF -DCASETRAIL_BENCH=ON \
    ${CMAKE_CXX_COMPILER_LAUNCHER:+-DCMAKE_CXX_COMPILER_LAUNCHER=$CMAKE_CXX_COMPILER_LAUNCHER} >/dev/null
fi
cmake --build "$build" -j "${CASETRAIL_JOBS:-2}" --target casetrail >&2
casetrail="$build/cli/casetrail"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100000)

# /usr/bin/time -f "%e %U %S %M": wall, user, system seconds, peak RSS KB.
timed() { /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@"; }

# The rows every export reads: each observation with its process details, in
# the export's order.
dump_sql="SELECT o.*, p.* FROM observation o LEFT JOIN process p ON p.observation_id = o.id
          WHERE o.case_id = (SELECT id FROM case_file WHERE key = 'BENCH')
          ORDER BY o.observed_at, o.number"

row() {  # name n wall user sys rss_kb bytes baseline_wall
  awk -v name="$1" -v n="$2" -v w="$3" -v u="$4" -v s="$5" -v r="$6" -v b="$7" -v base="$8" 'BEGIN {
    rate = w > 0 ? n / w : 0
    ratio = (base > 0 && w > 0) ? sprintf("%.2f", w / base) : "-"
    printf "%-18s %9d %8.2f %8.2f %10.0f %8.1f %9.1f   %s\n", name, n, w, u + s, rate, r / 1024, b / 1e6, ratio
  }'
}

for n in "${sizes[@]}"; do
  db="$work/bench-$n.db"
  python3 "$root/bench/gen_case.py" --format windows-json --size "$n" --seed 1 -o "$work/events.jsonl"
  "$casetrail" --db "$db" case new BENCH --title "export bench" --tz Europe/Berlin >/dev/null
  "$casetrail" --db "$db" import --case BENCH "$work/events.jsonl" >/dev/null 2>"$work/import.err" || {
    cat "$work/import.err" >&2; exit 1; }
  rm -f "$work/events.jsonl"
  count=$(sqlite3 "$db" "SELECT count(*) FROM observation")
  echo "case of $count observations ($(( $(stat -c %s "$db") / 1000000 )) MB database)"
  printf '%-18s %9s %8s %8s %10s %8s %9s   %s\n' what rows wall-s cpu-s rows/s RSS-MB out-MB "ratio to sqlite3"

  timed sqlite3 -csv -header "$db" "$dump_sql" > "$work/dump.csv"
  read -r csv_wall u s r < "$work/time"
  row "sqlite3 -csv" "$count" "$csv_wall" "$u" "$s" "$r" "$(stat -c %s "$work/dump.csv")" 0
  timed sqlite3 -json "$db" "$dump_sql" > "$work/dump.json"
  read -r json_wall u s r < "$work/time"
  row "sqlite3 -json" "$count" "$json_wall" "$u" "$s" "$r" "$(stat -c %s "$work/dump.json")" 0
  rm -f "$work"/dump.*

  for format in csv jsonl timesketch-csv timesketch-jsonl ecs navigator; do
    case "$format" in *csv) base=$csv_wall ;; *) base=$json_wall ;; esac
    timed "$casetrail" --db "$db" export --case BENCH --format "$format" -o "$work/out" >/dev/null
    read -r w u s r < "$work/time"
    row "export $format" "$count" "$w" "$u" "$s" "$r" "$(stat -c %s "$work/out")" "$base"
    rm -f "$work/out"
  done
  for format in html md; do
    timed "$casetrail" --db "$db" report --case BENCH --format "$format" -o "$work/report.$format" >/dev/null
    read -r w u s r < "$work/time"
    row "report $format" "$count" "$w" "$u" "$s" "$r" "$(stat -c %s "$work/report.$format")" 0
  done
  rm -f "$db"*
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
