import { parseOptions } from './options.js';

describe('chaos options', () => {
  it('reads orders, duration, seed, faults and the output path', () => {
    expect(
      parseOptions([
        '--orders',
        '10000',
        '--duration',
        '720',
        '--seed',
        '42',
        '--faults',
        'kill,pause',
        '--out',
        'x.json',
      ]),
    ).toMatchObject({
      orders: 10_000,
      durationS: 720,
      seed: 42,
      faults: ['kill', 'pause'],
      out: 'x.json',
    });
  });

  it('names the option at fault', () => {
    expect(() => parseOptions(['--orders', '0'])).toThrow('--orders must be a positive integer');
    expect(() => parseOptions(['--faults', 'kill,flood'])).toThrow('--faults: unknown kind flood');
    expect(() => parseOptions(['--seed'])).toThrow('--seed needs a value');
    expect(() => parseOptions(['--bogus'])).toThrow('unknown option --bogus');
  });
});
