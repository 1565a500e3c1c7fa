import { percentile } from './stats';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile([5, 1, 3], 100)).toBe(5);
    expect(percentile([], 50)).toBeNaN();
  });
});
