#!/usr/bin/env python3
"""PyTorch side of bench/fashion-cnn.ts: training images/s of the Fashion-MNIST conv net of
examples/fashion-mnist/config.ts, on real Fashion-MNIST images.

Net: conv 5x5 32 pad 2 (+bias) -> batch norm -> relu -> max pool 2/2 -> conv 5x5 64 pad 2 (+bias) -> batch norm
-> relu -> max pool 2/2 -> fc 128 relu -> dropout 0.3 -> fc 10 -> softmax cross-entropy; Adam, lr 1e-3.

Usage: python3 fashion_cnn_torch.py '{"batch": 64, "torchThreads": 2, "steps": 30, "layout": "channels_last"}'
Prints one JSON line saying which torch and which BLAS libraries this process really loaded (from
/proc/self/maps), then one JSON line with the figures. The BLAS is chosen by the caller (LD_LIBRARY_PATH);
OPENBLAS_NUM_THREADS sets OpenBLAS's threads.
"""
import gzip
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch_blas import blas_kind, loaded_blas

DATA = '/usr/share/datasets/fashion-mnist'


def read_idx(name):
    """An IDX file (gzip) as a numpy array: magic 0x0000 0x08 ndim, big-endian int32 dims, then uint8 data."""
    with gzip.open(os.path.join(DATA, name), 'rb') as f:
        raw = f.read()
    ndim = raw[3]
    dims = np.frombuffer(raw, dtype='>i4', count=ndim, offset=4)
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(tuple(dims))


class FashionNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 5, padding=2)
        self.bn1 = nn.BatchNorm2d(32, eps=1e-5, momentum=0.1)
        self.conv2 = nn.Conv2d(32, 64, 5, padding=2)
        self.bn2 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2, 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2, 2)
        x = F.dropout(F.relu(self.fc1(x.flatten(1))), 0.3, self.training)
        return self.fc2(x)


def main():
    spec = json.loads(sys.argv[1])
    batch, steps, layout = spec.get('batch', 64), spec.get('steps', 30), spec.get('layout', 'channels_last')
    torch.set_num_threads(spec.get('torchThreads', 2))
    torch.manual_seed(1)
    paths = loaded_blas()
    print(json.dumps({'info': True, 'torch': torch.__version__, 'blas': blas_kind(paths), 'libraries': paths,
                      'torchThreads': torch.get_num_threads(), 'mkldnn': torch.backends.mkldnn.is_available(),
                      'openblasThreads': os.environ.get('OPENBLAS_NUM_THREADS')}), flush=True)
    images = read_idx('train-images-idx3-ubyte.gz')
    labels = read_idx('train-labels-idx1-ubyte.gz')
    batches = []
    for i in range(steps + 3):  # 3 warm-up steps, then the timed ones, each on its own batch
        lo = (i * batch) % (len(images) - batch)
        x = torch.from_numpy(images[lo:lo + batch].astype(np.float32) / 255).reshape(batch, 1, 28, 28)
        y = torch.from_numpy(labels[lo:lo + batch].astype(np.int64))
        if layout == 'channels_last':
            x = x.contiguous(memory_format=torch.channels_last)
        batches.append((x, y))
    model = FashionNet()
    if layout == 'channels_last':
        model = model.to(memory_format=torch.channels_last)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step(x, y):
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for x, y in batches[:3]:
        step(x, y)
    times = []
    started = time.perf_counter()
    for x, y in batches[3:]:
        t0 = time.perf_counter()
        step(x, y)
        times.append(time.perf_counter() - t0)
    total = time.perf_counter() - started
    median = statistics.median(times)
    print(json.dumps({'layout': layout, 'batch': batch, 'steps': len(times), 'msPerStep': median * 1e3,
                      'msMin': min(times) * 1e3, 'msMax': max(times) * 1e3, 'imagesPerSecond': batch / median,
                      'imagesPerSecondOverall': batch * len(times) / total}), flush=True)


if __name__ == '__main__':
    main()
