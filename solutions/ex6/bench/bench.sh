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
# DEMO=path/to/ex6-solution skips the build (a binary built already).
if [[ -z ${DEMO:-} ]]; then
    cargo build -q --release -p ex6-solution --bin ex6-solution --manifest-path "$ROOT/Cargo.toml"
    DEMO=$CARGO_TARGET_DIR/release/ex6-solution
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$DEMO" --out-dir "$WORK/corpus" --files "$FILES" --size-mb "$SIZE_MB" --seed 1 --no-sequential >/dev/null
FILES_=("$WORK"/corpus/*.txt)
BYTES=$(cat "${FILES_[@]}" | wc -c)

# Each tool runs as a whole process under GNU time: wall seconds and CPU seconds (user + system,
# children included), so a loaded machine shows in the CPU column as well as the wall clock.
TIMES=$WORK/times
measure() { # label, command...: appends "label wall cpu" for the best (lowest wall) of RUNS runs
    local label=$1 best=""
    shift
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f "%e %U %S" -o "$WORK/t" "$@" >"$WORK/out" 2>/dev/null
        read -r wall user sys <"$WORK/t"
        line="$wall $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
        if [[ -z $best ]] || awk -v a="$wall" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then best=$line; fi
    done
    printf '%s;%s;%s\n' "$label" "$best" "$(words_of "$label")" >>"$TIMES"
}
words_of() { # the total number of words the tool's last run found, from its output
    case $1 in
    ours*) awk '/ words, / { for (i = 1; i <= NF; i++) if ($(i + 1) ~ /^words,/) print $i }' "$WORK/out" ;;
    Counter*) awk '{ print $2 }' "$WORK/out" ;;
    mawk*) cat "$WORK/out" ;;
    *) awk '{ t += $1 } END { print t }' "$WORK/out" ;;
    esac
}
# Files end without a newline: each is fed separately, so no word is glued to the next file's.
per_file_words() { for file in "$@"; do tr -s ' \n' '\n\n' <"$file"; echo; done | grep -v '^$'; }
export -f per_file_words
: >"$TIMES"

echo "load before: $(uptime)"
measure "ours: ex6-solution, $WORKERS workers" "$DEMO" "${FILES_[@]}" --workers "$WORKERS" --no-sequential --top 1
measure "Counter + ProcessPoolExecutor ($WORKERS)" python3 "$HERE/counter.py" --workers "$WORKERS" "${FILES_[@]}"
measure "mawk, associative array" mawk '{ for (i = 1; i <= NF; i++) c[tolower($i)]++ } END { for (w in c) t += c[w]; print t }' "${FILES_[@]}"
measure "tr, sort, uniq -c (LC_ALL=C)" bash -c 'per_file_words "$@" | LC_ALL=C sort | LC_ALL=C uniq -c' _ "${FILES_[@]}"
echo "load after: $(uptime)"

printf '\n%s files x %s MB = %s bytes, %s workers, best of %s runs (whole processes)\n' "$FILES" "$SIZE_MB" "$BYTES" "$WORKERS" "$RUNS"
printf '%-40s %8s %8s %8s %8s %10s %10s %10s\n' tool "wall s" "MB/s" "CPU s" "CPU MB/s" "ours is" "(CPU)" words
read -r OURS_WALL OURS_CPU <<<"$(head -1 "$TIMES" | cut -d';' -f2)"
while IFS=';' read -r label times words; do
    read -r wall cpu <<<"$times"
    printf '%-40s %8.2f %8.1f %8.2f %8.1f %9.2fx %9.2fx %10s\n' "$label" "$wall" \
        "$(awk -v b="$BYTES" -v t="$wall" 'BEGIN { print b / 1e6 / t }')" "$cpu" \
        "$(awk -v b="$BYTES" -v t="$cpu" 'BEGIN { print b / 1e6 / t }')" \
        "$(awk -v a="$wall" -v b="$OURS_WALL" 'BEGIN { print a / b }')" \
        "$(awk -v a="$cpu" -v b="$OURS_CPU" 'BEGIN { print a / b }')" "$words"
done <"$TIMES"
echo "'ours is' is the tool's time over ours, wall clock then CPU (user + system): above 1.00x,"
echo "ours is faster. On a loaded machine the CPU column is the fair one: waiting for a core"
echo "costs wall time, not CPU time."
