#!/usr/bin/env python3
"""PyTorch side of bench/lstm.ts: training tokens/s of the 2-layer LSTM text classifier on the same batches.

Model: embedding (vocab, emb) -> nn.LSTM(emb, hidden, num_layers=2) -> the top layer's h at each sequence's last
real step -> linear 2 -> cross-entropy; Adam. Two ways to feed the LSTM ("mode"):
  packed: pack_padded_sequence (enforce_sorted=False); the state h_n is taken at each sequence's end.
  padded: the batch padded to its longest sequence, the output gathered at index length - 1. The LSTM is causal,
          so this is exactly the packed result (padding after a sequence cannot reach its earlier steps).
In torch 1.13 on CPU the packed path slices the packed data per step and each slice's gradient is a zero tensor of
the whole packed size plus an add (SliceBackward0), so its backward grows with (steps x tokens).

Usage: python3 lstm_torch.py '{"data": "/tmp/.../batches.json", "mode": "padded", "torchThreads": 1, "warmup": 2, "steps": 10,
                               "learningRate": 0.001, "vocab": 5000, "emb": 128, "hidden": 256}'
The data file holds {"batches": [{"lengths": [...], "ids": [...flat...], "labels": [...]}], "short": [...]}; the
timed batches are those after the warm-up ones (cycled if there are fewer); with "shortWarmup": true the warm-up
runs on "short" (the warm-up batches cut to 32 steps). Prints one JSON line saying which torch and which
BLAS libraries this process really loaded (from /proc/self/maps), then one JSON line with the figures.
The BLAS is chosen by the caller (LD_LIBRARY_PATH); OPENBLAS_NUM_THREADS sets OpenBLAS's threads.
"""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence
from torch_blas import blas_kind, loaded_blas


class LstmClassifier(nn.Module):
    def __init__(self, vocab, emb, hidden, packed):
        super().__init__()
        self.packed = packed
        self.embedding = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, num_layers=2, batch_first=True)
        self.fc = nn.Linear(hidden, 2)

    def forward(self, ids, lengths):
        x = self.embedding(ids)
        if self.packed:
            _, (h, _) = self.lstm(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
            return self.fc(h[-1])  # the top layer's h at each sequence's last real step
        out, _ = self.lstm(x)
        return self.fc(out[torch.arange(len(lengths)), lengths - 1])


def tensors(batch):
    """The padded [batch, longest] ids, the lengths and the labels of one batch."""
    lengths = batch['lengths']
    ids = torch.zeros(len(lengths), max(lengths), dtype=torch.long)
    flat = torch.tensor(batch['ids'], dtype=torch.long)
    at = 0
    for row, n in enumerate(lengths):
        ids[row, :n] = flat[at:at + n]
        at += n
    return ids, torch.tensor(lengths, dtype=torch.long), torch.tensor(batch['labels'], dtype=torch.long)


def main():
    spec = json.loads(sys.argv[1])
    torch.set_num_threads(spec['torchThreads'])
    torch.manual_seed(1)
    paths = loaded_blas()
    print(json.dumps({'info': True, 'torch': torch.__version__, 'blas': blas_kind(paths), 'libraries': paths,
                      'torchThreads': torch.get_num_threads(), 'openblasThreads': os.environ.get('OPENBLAS_NUM_THREADS')}),
          flush=True)
    with open(spec['data']) as f:
        data = json.load(f)
    batches = data['batches']
    warmup, steps = spec['warmup'], spec['steps']
    model = LstmClassifier(spec['vocab'], spec['emb'], spec['hidden'], spec['mode'] == 'packed')
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=spec['learningRate'])

    def step(batch):
        ids, lengths, labels = tensors(batch)
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        opt.step()
        return loss.item()

    for batch in (data['short'] if spec.get('shortWarmup') else batches)[:warmup]:
        step(batch)
    timed = batches[warmup:] or batches
    times, tokens, losses = [], [], []
    for i in range(steps):
        batch = timed[i % len(timed)]
        t0 = time.perf_counter()
        losses.append(step(batch))
        times.append(time.perf_counter() - t0)
        tokens.append(sum(batch['lengths']))
        print(f"torch {spec['mode']} batch {i + 1}/{steps}: {times[-1] * 1e3:.0f} ms, {tokens[-1]} tokens", file=sys.stderr, flush=True)
    print(json.dumps({'steps': len(times), 'tokensPerSecond': statistics.median(n / t for n, t in zip(tokens, times)),
                      'overall': sum(tokens) / sum(times), 'msPerBatch': statistics.median(times) * 1e3,
                      'msMin': min(times) * 1e3, 'msMax': max(times) * 1e3, 'firstLoss': losses[0],
                      'lastLoss': losses[-1]}), flush=True)


if __name__ == '__main__':
    main()
