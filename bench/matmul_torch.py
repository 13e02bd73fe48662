#!/usr/bin/env python3
"""PyTorch side of bench/matmul.ts: matMul GFLOP/s, one JSON line per case, after one line saying
which torch and which BLAS libraries this process really loaded (from /proc/self/maps).

Usage: python3 matmul_torch.py '{"threads": 2, "shapes": [[64, 512, 1536]], "variants": ["A·B"]}'
The BLAS is chosen by the caller (LD_LIBRARY_PATH); OPENBLAS_NUM_THREADS sets OpenBLAS's threads.
"""
import json
import os
import statistics
import sys
import time

import torch
from torch_blas import blas_kind, loaded_blas


def operands(m, k, n, variant):
    a = torch.rand(k, m).t() if variant.startswith('Aᵀ') else torch.rand(m, k)
    b = torch.rand(n, k).t() if variant.endswith('Bᵀ') else torch.rand(k, n)
    return a, b


def gflops(m, k, n, variant, min_seconds=0.5, min_reps=5, max_reps=50):
    a, b = operands(m, k, n, variant)
    for _ in range(2):
        torch.mm(a, b)
    times = []
    started = time.perf_counter()
    while len(times) < max_reps and (len(times) < min_reps or time.perf_counter() - started < min_seconds):
        t0 = time.perf_counter()
        torch.mm(a, b)
        times.append(time.perf_counter() - t0)
    rates = [2 * m * k * n / t / 1e9 for t in times]
    return statistics.median(rates), min(rates), max(rates), len(rates)


def main():
    spec = json.loads(sys.argv[1])
    torch.set_num_threads(1)  # one gemm call: OpenBLAS's own threads do the work
    paths = loaded_blas()
    print(json.dumps({'info': True, 'torch': torch.__version__, 'blas': blas_kind(paths), 'libraries': paths,
                      'openblasThreads': os.environ.get('OPENBLAS_NUM_THREADS')}), flush=True)
    for m, k, n in spec['shapes']:
        for variant in spec['variants']:
            median, low, high, reps = gflops(m, k, n, variant)
            print(json.dumps({'shape': [m, k, n], 'variant': variant, 'gflops': median, 'min': low, 'max': high,
                              'reps': reps}), flush=True)


if __name__ == '__main__':
    main()
