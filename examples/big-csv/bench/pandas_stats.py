"""The pandas side of `cargo run -p example-big-csv --release -- bench`.

Reads the CSV with pandas.read_csv and computes count, sum, mean and sample standard deviation
per category with one groupby: what a Python user would write. Times read + groupby (not the
interpreter's start or `import pandas`), wall clock and CPU time, keeps the best of --runs, and prints one JSON object
so the Rust side can check the numbers agree before it compares the times.
"""

import argparse
import json
import time

import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("csv")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    best = cpu_best = float("inf")
    for _ in range(args.runs):
        start, cpu = time.perf_counter(), time.process_time()
        frame = pd.read_csv(args.csv)
        stats = frame.groupby("category")["value"].agg(["count", "sum", "mean", "std"])
        best = min(best, time.perf_counter() - start)
        cpu_best = min(cpu_best, time.process_time() - cpu)
    print(
        json.dumps(
            {
                "seconds": best,
                "cpu_seconds": cpu_best,
                "rows": int(len(frame)),
                "pandas": pd.__version__,
                "categories": {
                    name: [int(row["count"]), row["sum"], row["mean"], row["std"]]
                    for name, row in stats.iterrows()
                },
            }
        )
    )


if __name__ == "__main__":
    main()
