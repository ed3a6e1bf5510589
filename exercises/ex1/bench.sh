#!/usr/bin/env bash
# Exercise 1's benchmark (not a test): your compressor against gzip and pigz, on the same
# generated files, side by side. Takes the best of RUNS runs of each, since other work on the
# machine can only slow a run down.
#
#   bash exercises/ex1/bench.sh                  # yours: 10 files x 10 MB, then one 100 MB file
#   PACKAGE=ex1-solution bash exercises/ex1/bench.sh            # the reference solution
#   FILES=4 SIZE=25MB WORKERS=2 RUNS=5 bash exercises/ex1/bench.sh
#
# Needs gzip and pigz (Debian: `apt-get install gzip pigz`).
set -euo pipefail

FILES=${FILES:-10}
SIZE=${SIZE:-10MB}
WORKERS=${WORKERS:-2}
LEVEL=${LEVEL:-6}
RUNS=${RUNS:-3}
PACKAGE=${PACKAGE:-ex1}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

for tool in gzip pigz; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install $tool" >&2; exit 1; }
done
cargo build -q --release -p "$PACKAGE" --bin "$PACKAGE" --manifest-path "$ROOT/Cargo.toml"
DEMO=$CARGO_TARGET_DIR/release/$PACKAGE
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
best() { sort -g | head -1; }
mbps() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.1f", b / 1e6 / t }'; }

# Best time (seconds) of `$@` over RUNS runs.
time_best() {
    for _ in $(seq "$RUNS"); do
        local start end
        start=$(now)
        "$@" >/dev/null 2>&1
        end=$(now)
        awk -v s="$start" -v e="$end" 'BEGIN { print e - s }'
    done | best
}

# Best parallel time reported by the demo (it times only the compression, not the generation).
demo_best() {
    for _ in $(seq "$RUNS"); do
        "$DEMO" "$@" --level "$LEVEL" --workers "$WORKERS" |
            awk '/^parallel/ { t = $3; if (sub(/ms$/, "", t)) t /= 1000; else sub(/s$/, "", t); print t }'
    done | best
}

compare() {
    local label=$1 dir=$2 files=("${@:3}")
    local bytes ours gz pz ours_size gz_size pz_size
    bytes=$(cat "${files[@]}" | wc -c)
    if [[ $label == files ]]; then
        ours=$(demo_best "${files[@]}")
    else
        ours=$(demo_best --big --block-size 1MiB "${files[@]}")
    fi
    ours_size=$(cat "${files[@]/%/.gz}" | wc -c)
    gzip -t "${files[@]/%/.gz}" # our output is valid for gzip -d, blocks included
    gz=$(time_best gzip "-$LEVEL" -k -f "${files[@]}")
    gz_size=$(cat "${files[@]/%/.gz}" | wc -c)
    pz=$(time_best pigz "-$LEVEL" -p "$WORKERS" -k -f "${files[@]}")
    pz_size=$(cat "${files[@]/%/.gz}" | wc -c)
    printf '\n%s: %s bytes, level %s, %s workers, best of %s runs\n' "$label" "$bytes" "$LEVEL" "$WORKERS" "$RUNS"
    printf '%-36s %9s %9s %8s %12s\n' tool seconds MB/s ratio "vs ours"
    printf '%-36s %9.3f %9s %7.2fx %12s\n' "$PACKAGE ($label, $WORKERS w.)" "$ours" "$(mbps "$bytes" "$ours")" "$(awk -v a="$bytes" -v b="$ours_size" 'BEGIN{print a/b}')" "1.00x"
    printf '%-36s %9.3f %9s %7.2fx %11.2fx\n' "gzip -$LEVEL (sequential)" "$gz" "$(mbps "$bytes" "$gz")" "$(awk -v a="$bytes" -v b="$gz_size" 'BEGIN{print a/b}')" "$(awk -v a="$gz" -v b="$ours" 'BEGIN{print a/b}')"
    printf '%-36s %9.3f %9s %7.2fx %11.2fx\n' "pigz -$LEVEL -p $WORKERS" "$pz" "$(mbps "$bytes" "$pz")" "$(awk -v a="$bytes" -v b="$pz_size" 'BEGIN{print a/b}')" "$(awk -v a="$pz" -v b="$ours" 'BEGIN{print a/b}')"
}

echo "load: $(uptime)"
"$DEMO" --dir "$WORK/many" --files "$FILES" --size "$SIZE" --workers 1 --level 0 >/dev/null
compare files "$WORK/many" "$WORK"/many/*.txt
"$DEMO" --dir "$WORK/big" --files "$FILES" --size "$SIZE" --big --workers 1 --level 0 >/dev/null
compare "one big file" "$WORK/big" "$WORK"/big/*.txt
echo
echo "'vs ours' is the tool's time over ours: above 1.00x, ours is faster."
