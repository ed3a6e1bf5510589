"""Exercise 6's benchmark, the Python side: collections.Counter over a ProcessPoolExecutor, the way
the seed's exercise counts words. One task per file; each worker reads its file, lowercases it and
counts the runs of word characters; the parent sums the Counters.

    python3 counter.py --workers 2 FILE...

Prints the seconds the count took (reading included, process start-up excluded), the total words
and the most frequent word, so the benchmark can check every tool found the same counts.
"""

import argparse
import re
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

WORD = re.compile(r"\w+")


def count_file(path):
    # errors="replace": invalid UTF-8 read lossily, as the Rust version does.
    with open(path, encoding="utf-8", errors="replace") as file:
        return Counter(WORD.findall(file.read().lower()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        # Start the workers before the clock: the Rust pool is created before its clock too.
        list(pool.map(abs, range(args.workers)))
        started = time.perf_counter()
        total = Counter()
        for counts in pool.map(count_file, args.files):
            total.update(counts)
        elapsed = time.perf_counter() - started
    word, count = total.most_common(1)[0]
    print(f"{elapsed:.3f} {sum(total.values())} {word} {count}")


if __name__ == "__main__":
    main()
