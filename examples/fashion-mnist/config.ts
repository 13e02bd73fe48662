// Fashion-MNIST with a small conv net (Paddle's recognize_digits convolutional_neural_network, with batch
// norm): imgConvBnPool ×2 → fc → softmax. Data: Debian's dataset-fashion-mnist
// (/usr/share/datasets/fashion-mnist), or --data DIR holding the four *-ubyte(.gz) IDX files.
import { readFileSync } from 'node:fs';
import { fashionMnist, parseIdx } from '@oar/data';
import { dataType, layer, layerAttr } from '@oar/layers';
import { networks } from '@oar/networks';
import { defineConfig } from '@oar/worker';

export default defineConfig({
  description: 'Fashion-MNIST: imgConvBnPool(32) → imgConvBnPool(64) → fc(128) → softmax',
  options: {
    learningRate: { type: 'number', default: 1e-3, help: 'Adam learning rate' },
    data: { type: 'string', help: 'folder with Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist)' },
  },
  build(o) {
    const source = o.data ? { dir: o.data as string } : {};
    const pixel = layer.data({ name: 'pixel', type: dataType.denseVector(28 * 28), height: 28, width: 28 });
    const label = layer.data({ name: 'label', type: dataType.integerValue(10) });
    const block1 = networks.imgConvBnPool({ input: pixel, filterSize: 5, numFilters: 32, convPadding: 2, poolSize: 2, poolStride: 2 });
    const block2 = networks.imgConvBnPool({ input: block1, filterSize: 5, numFilters: 64, convPadding: 2, poolSize: 2, poolStride: 2 });
    const hidden = layer.fc({ input: block2, size: 128, act: 'relu', layerAttr: layerAttr({ dropRate: 0.3 }) });
    const output = layer.fc({ input: hidden, size: 10, act: 'softmax' });
    const cost = layer.classificationCost({ input: output, label });
    return {
      cost,
      output,
      optimizer: { type: 'adam', learningRate: o.learningRate as number },
      train: fashionMnist.train(source),
      test: fashionMnist.test(source),
      batchSize: 64,
      // `oar infer --input FILE`: each line names an IDX image file and an index in it, e.g. `t10k-images-idx3-ubyte.gz 0`.
      parseInput: (line) => {
        const [file, index] = line.trim().split(/\s+/);
        const idx = parseIdx(readFileSync(file!), file!);
        const i = Number(index ?? 0);
        return [Float32Array.from(idx.data.subarray(i * 784, (i + 1) * 784), (v) => Number(v) / 255)];
      },
      formatOutput: (row, line) => {
        const best = row.indexOf(Math.max(...row));
        return `${line}\t${CLASSES[best]}\t${row[best]!.toFixed(4)}`;
      },
    };
  },
});

const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
