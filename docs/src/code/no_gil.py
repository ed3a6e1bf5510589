"""The same trial division as core/examples/no_gil.rs, in Python, for comparison.

    python3 docs/src/code/no_gil.py [LIMIT]
"""
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

CHUNKS = 64


def is_prime(n):
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    divisor = 3
    while divisor * divisor <= n:
        if n % divisor == 0:
            return False
        divisor += 2
    return True


def count_primes(bounds):
    start, end = bounds
    return sum(1 for n in range(start, end) if is_prime(n))


def chunks(limit):
    size = max(1, -(-limit // CHUNKS))
    return [(start, min(start + size, limit)) for start in range(0, limit, size)]


def best_of(rounds, f):
    """Runs f `rounds` times; returns its value and the best time."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        value = f()
        best = min(best, time.perf_counter() - start)
    return value, best


if __name__ == "__main__":
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    print(f"counting primes below {limit}, {CHUNKS} chunks, {os.cpu_count()} cores, best of 3 runs")
    expected, t_seq = best_of(3, lambda: sum(map(count_primes, chunks(limit))))
    with ThreadPoolExecutor(2) as pool:
        on_threads, t_threads = best_of(3, lambda: sum(pool.map(count_primes, chunks(limit))))
    with ProcessPoolExecutor(2) as pool:
        on_processes, t_processes = best_of(3, lambda: sum(pool.map(count_primes, chunks(limit))))
    assert expected == on_threads == on_processes
    print(f"{expected} primes")
    print(f"sequential                  {t_seq:7.3f} s   1.00x")
    print(f"ThreadPoolExecutor(2)       {t_threads:7.3f} s {t_seq / t_threads:6.2f}x")
    print(f"ProcessPoolExecutor(2)      {t_processes:7.3f} s {t_seq / t_processes:6.2f}x")
