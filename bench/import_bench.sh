#!/usr/bin/env bash
# Import benchmark: casetrail import compared, in the same run on the same
# generated files, with
#   (a) the raw limit: the rows casetrail wrote, loaded into memory, inserted
#       into a fresh database with the same schema and PRAGMAs, one prepared
#       statement per table, one transaction (bench/raw_insert.cpp);
#   (b) a plain Python stdlib script doing the same mapping into the same
#       schema (bench/py_import.py).
# For each size and format: records/s (wall clock), CPU seconds (user +
# system), and peak RSS. On a shared machine wall-clock rates move with the
# load; CPU seconds are printed beside them for that reason.
#
# Usage: bench/import_bench.sh [RECORDS...]     (default: 100000)
#   CASETRAIL_JOBS: build parallelism (default 2)
#   CASETRAIL_BENCH_BUILD: an existing build tree to use instead of build/bench
#   BENCH_FORMATS:  formats to generate (default "windows-json ecs")
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
cmake --build "$build" -j "${CASETRAIL_JOBS:-2}" --target casetrail raw_insert >&2
casetrail="$build/cli/casetrail"
raw_insert="$build/bench/raw_insert"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100000)
formats=(${BENCH_FORMATS:-windows-json ecs})

# /usr/bin/time -f "%e %U %S %M": wall, user, system seconds, peak RSS KB.
timed() { /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@"; }

printf '%-12s %9s %7s | %-26s | %-19s | %-26s | %s\n' format records MB \
  "casetrail rec/s cpu-s RSS" "raw limit rows/s cpu" "python rec/s cpu-s RSS" "ratios (wall; cpu)"
for n in "${sizes[@]}"; do
  for format in "${formats[@]}"; do
    file="$work/$format-$n.jsonl"
    # Process creations only: the Python baseline maps nothing else.
    python3 "$root/bench/gen_case.py" --format "$format" --size "$n" --kinds process -o "$file"
    mb=$(( $(stat -c %s "$file") / 1000000 ))

    rm -f "$work"/ct.db*
    "$casetrail" --db "$work/ct.db" case new BENCH --title bench >/dev/null
    timed "$casetrail" --db "$work/ct.db" import --case BENCH "$file" 2>"$work/ct.err"
    read -r c_wall c_user c_sys c_rss < "$work/time"
    imported=$(sqlite3 "$work/ct.db" "SELECT count(*) FROM observation")
    [ "$imported" -eq "$n" ] || { echo "casetrail imported $imported of $n" >&2; cat "$work/ct.err" >&2; exit 1; }

    rm -f "$work"/raw.db*
    raw=$("$raw_insert" "$work/ct.db" "$root/schema/schema.sql" "$work/raw.db")
    r_rate=$(sed -E 's/.*rows_per_s=([0-9]+).*/\1/' <<<"$raw")
    r_cpu=$(sed -E 's/.*cpu_seconds=([0-9.]+).*/\1/' <<<"$raw")

    rm -f "$work"/py.db*
    "$casetrail" --db "$work/py.db" case new BENCH --title bench >/dev/null
    timed python3 "$root/bench/py_import.py" "$work/py.db" BENCH "$file" >/dev/null
    read -r p_wall p_user p_sys p_rss < "$work/time"

    awk -v f="$format" -v n="$n" -v mb="$mb" -v cw="$c_wall" -v cu="$c_user" -v cs="$c_sys" -v cr="$c_rss" \
        -v rr="$r_rate" -v rc="$r_cpu" -v pw="$p_wall" -v pu="$p_user" -v ps="$p_sys" -v pr="$p_rss" 'BEGIN {
      c_rate = n / cw; p_rate = n / pw; c_cpu = cu + cs; p_cpu = pu + ps
      printf "%-12s %9d %7d | %8.0f %7.1f %6.1fMB | %8.0f %9.1f | %8.0f %7.1f %6.1fMB | raw %.2f python %.2fx; raw %.2f python %.2fx\n",
        f, n, mb, c_rate, c_cpu, cr / 1024, rr, rc, p_rate, p_cpu, pr / 1024,
        c_rate / rr, c_rate / p_rate, rc / c_cpu, p_cpu / c_cpu
    }'
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
