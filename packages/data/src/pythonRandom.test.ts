import { describe, expect, it } from 'vitest';
import { pythonRandom } from './pythonRandom.js';

// Reference values printed by CPython 3: [random.Random(seed).random() for _ in range(n)].
describe('pythonRandom', () => {
  it.each([
    [0, [0.8444218515250481, 0.7579544029403025, 0.420571580830845]],
    [42, [0.6394267984578837, 0.025010755222666936]],
    [2 ** 40 + 5, [0.5043802970418443, 0.2686044399723282]],
  ])('matches CPython for seed %d', (seed, expected) => {
    const random = pythonRandom(seed);
    expect(expected.map(() => random())).toEqual(expected);
  });

  it('keeps matching after the state is regenerated (more than 312 doubles)', () => {
    const random = pythonRandom(0);
    let last = 0;
    for (let i = 0; i < 1000; i++) last = random();
    expect(last).toBe(0.4804125346981437);
  });
});
