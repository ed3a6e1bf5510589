"""CPython's ProcessPoolExecutor on the task of core/benches/process_pool.rs (n + 1), 2 workers.

Run: python3 core/benches/python/process_pool.py [rounds]
Prints microseconds per task (median and quartiles over the rounds) for submit and for map with
chunksize 1, 100 and 1000, in the same table format as the Rust bench.
"""

import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor

WORKERS = 2


def increment(n):
    return n + 1


def submit_batch(pool, tasks):
    futures = [pool.submit(increment, n) for n in range(tasks)]
    return sum(f.result() for f in futures)


def map_batch(pool, tasks, chunksize):
    return sum(pool.map(increment, range(tasks), chunksize=chunksize))


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    contenders = [
        ("ProcessPoolExecutor, submit", 10_000, submit_batch),
        ("ProcessPoolExecutor, map chunksize=1", 10_000, lambda p, t: map_batch(p, t, 1)),
        ("ProcessPoolExecutor, map chunksize=100", 200_000, lambda p, t: map_batch(p, t, 100)),
        ("ProcessPoolExecutor, map chunksize=1000", 200_000, lambda p, t: map_batch(p, t, 1000)),
    ]
    times = {name: [] for name, _, _ in contenders}
    with ProcessPoolExecutor(WORKERS) as pool:
        # Start the workers before timing, as the Rust bench does.
        list(pool.map(increment, range(WORKERS * 4)))
        for round_ in range(rounds):
            for i in range(len(contenders)):
                name, tasks, run = contenders[(round_ + i) % len(contenders)]
                start = time.perf_counter()
                total = run(pool, tasks)
                elapsed = time.perf_counter() - start
                assert total == tasks * (tasks + 1) // 2, name
                times[name].append(elapsed * 1e6 / tasks)
    print(f"CPython {sys.version.split()[0]}, {WORKERS} workers, {rounds} rounds, trivial task (n + 1)")
    print("| executor | tasks per round | us per task (median) | quartiles |")
    print("|---|---:|---:|---:|")
    for name, tasks, _ in contenders:
        values = sorted(times[name])
        q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
        print(f"| {name} | {tasks} | {statistics.median(values):.3f} | {q[0]:.3f} - {q[2]:.3f} |")


if __name__ == "__main__":
    main()
