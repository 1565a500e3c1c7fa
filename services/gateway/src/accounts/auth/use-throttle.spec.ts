import { UseThrottle } from './use-throttle';

describe('UseThrottle', () => {
  it('lets one record through per interval and key', () => {
    let clock = 0;
    const throttle = new UseThrottle(60_000, 100, () => clock);
    expect(throttle.shouldRecord('a')).toBe(true);
    expect(throttle.shouldRecord('a')).toBe(false);
    expect(throttle.shouldRecord('b')).toBe(true);
    clock = 59_999;
    expect(throttle.shouldRecord('a')).toBe(false);
    clock = 60_000;
    expect(throttle.shouldRecord('a')).toBe(true);
  });

  it('stays bounded', () => {
    let clock = 0;
    const throttle = new UseThrottle(60_000, 5, () => clock);
    for (let i = 0; i < 20; i += 1) {
      clock += 1;
      throttle.shouldRecord(`k${i}`);
    }
    expect(throttle.shouldRecord('k19')).toBe(false);
  });
});
