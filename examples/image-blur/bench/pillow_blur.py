"""The Pillow side of `cargo run -p example-image-blur --release -- bench`.

Blurs every PNG of IN_DIR into OUT_DIR with Pillow's GaussianBlur(radius) on a
ProcessPoolExecutor: what a Python user would write. The workers are started (and Pillow
imported in them) before the clock starts; the time covers open, blur and save of every image; the CPU time is the workers'.
Prints one JSON object.
"""

import argparse
import json
import os
import resource
import time
from concurrent.futures import ProcessPoolExecutor

import PIL
from PIL import Image, ImageFilter


def blur(job):
    source, target, radius, compress_level = job
    with Image.open(source) as image:
        image.convert("RGB").filter(ImageFilter.GaussianBlur(radius)).save(
            target, compress_level=compress_level
        )
    return target


def warm_up(_):
    return os.getpid()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("in_dir")
    parser.add_argument("out_dir")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--radius", type=float, default=5.0)
    parser.add_argument("--compress-level", type=int, default=1)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    names = sorted(n for n in os.listdir(args.in_dir) if n.lower().endswith(".png"))
    jobs = [
        (os.path.join(args.in_dir, n), os.path.join(args.out_dir, n), args.radius, args.compress_level)
        for n in names
    ]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        list(pool.map(warm_up, range(args.workers * 4)))
        start = time.perf_counter()
        list(pool.map(blur, jobs))
        seconds = time.perf_counter() - start
    # The workers' CPU time, counted once they have exited (it includes the short warm-up).
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = children.ru_utime + children.ru_stime
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "images": len(jobs), "pillow": PIL.__version__}))


if __name__ == "__main__":
    main()
