#!/usr/bin/env bash
# Exercise 6's benchmark (not a test): the reference solution's word count against the tools a
# user would pick instead, on the same generated corpus, side by side in one run:
#   - Python's collections.Counter over a ProcessPoolExecutor (counter.py, beside this script);
#   - mawk with an associative array;
#   - tr | sort | uniq -c.
# Best of RUNS runs each (other work on the machine can only slow a run down). The corpus is
# deleted at the end.
#
#   bash solutions/ex6/bench/bench.sh
#   FILES=10 SIZE_MB=10 WORKERS=2 RUNS=3 bash solutions/ex6/bench/bench.sh
#
# Needs python3 and mawk (Debian: `apt-get install mawk`); not part of CI.
set -euo pipefail

FILES=${FILES:-10}
SIZE_MB=${SIZE_MB:-10}
WORKERS=${WORKERS:-2}
RUNS=${RUNS:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

for tool in python3 mawk sort uniq tr; do
    command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install mawk?)" >&2; exit 1; }
done
cargo build -q --release -p ex6-solution --bin ex6-solution --manifest-path "$ROOT/Cargo.toml"
DEMO=$CARGO_TARGET_DIR/release/ex6-solution
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$DEMO" --out-dir "$WORK/corpus" --files "$FILES" --size-mb "$SIZE_MB" --seed 1 --no-sequential >/dev/null
FILES_=("$WORK"/corpus/*.txt)
BYTES=$(cat "${FILES_[@]}" | wc -c)

now() { date +%s.%N; }
best() { sort -g | head -1; }
mbps() { awk -v b="$BYTES" -v t="$1" 'BEGIN { printf "%.1f", b / 1e6 / t }'; }
elapsed() { awk -v s="$1" -v e="$2" 'BEGIN { print e - s }'; }

ours() {
    "$DEMO" "${FILES_[@]}" --workers "$WORKERS" --no-sequential --top 1 |
        awk '/^word_count,/ { for (i = 1; i <= NF; i++) if ($i == "s") print $(i - 1) }'
}
python_counter() {
    python3 "$HERE/counter.py" --workers "$WORKERS" "${FILES_[@]}" | awk '{ print $1 }'
}
mawk_count() {
    local start end
    start=$(now)
    mawk '{ for (i = 1; i <= NF; i++) c[tolower($i)]++ } END { for (w in c) t += c[w]; print t }' \
        "${FILES_[@]}" >"$WORK/mawk.out"
    end=$(now)
    elapsed "$start" "$end"
}
sort_uniq() {
    local start end
    start=$(now)
    cat "${FILES_[@]}" | tr -s ' \n' '\n\n' | LC_ALL=C sort | LC_ALL=C uniq -c >"$WORK/uniq.out"
    end=$(now)
    elapsed "$start" "$end"
}
run_best() { for _ in $(seq "$RUNS"); do "$1"; done | best; }

echo "load before: $(uptime)"
T_OURS=$(run_best ours)
T_PY=$(run_best python_counter)
T_MAWK=$(run_best mawk_count)
T_SORT=$(run_best sort_uniq)

# Every tool must have found the same number of words.
W_OURS=$("$DEMO" "${FILES_[@]}" --workers "$WORKERS" --no-sequential --top 1 | awk '/ words, / { print $(NF - 3) }')
W_PY=$(python3 "$HERE/counter.py" --workers "$WORKERS" "${FILES_[@]}" | awk '{ print $2 }')
W_MAWK=$(cat "$WORK/mawk.out")
W_SORT=$(awk '{ t += $1 } END { print t }' "$WORK/uniq.out")

printf '\n%s files x %s MB = %s bytes, %s workers, best of %s runs\n' "$FILES" "$SIZE_MB" "$BYTES" "$WORKERS" "$RUNS"
printf '%-44s %9s %9s %12s %12s\n' tool seconds MB/s "ours is" words
printf '%-44s %9.3f %9s %12s %12s\n' "ex6-solution ($WORKERS workers)" "$T_OURS" "$(mbps "$T_OURS")" "1.00x" "$W_OURS"
for row in "Counter + ProcessPoolExecutor ($WORKERS)|$T_PY|$W_PY" "mawk, associative array|$T_MAWK|$W_MAWK" "tr | sort | uniq -c (LC_ALL=C)|$T_SORT|$W_SORT"; do
    IFS='|' read -r label t w <<<"$row"
    printf '%-44s %9.3f %9s %11.2fx %12s\n' "$label" "$t" "$(mbps "$t")" "$(awk -v a="$t" -v b="$T_OURS" 'BEGIN { print a / b }')" "$w"
done
echo "load after: $(uptime)"
