import { parseOptions, parseScenarios, scenarioIds } from './options.js';

describe('bench options', () => {
  it('defaults to every scenario, 3 repetitions and the repository root', () => {
    const o = parseOptions([], '/repo');
    expect(o).toMatchObject({
      quick: false,
      reps: 3,
      root: '/repo',
      reference: false,
      seed: 42,
      out: undefined,
      dbBatch: undefined,
    });
    expect(o.only).toEqual(scenarioIds);
  });

  it('makes --quick one repetition unless --reps says otherwise', () => {
    expect(parseOptions(['--quick'], '/r').reps).toBe(1);
    expect(parseOptions(['--quick', '--reps', '2'], '/r').reps).toBe(2);
    expect(
      parseOptions(
        ['--reps=5', '--seed', '7', '--root', '/old', '--out=/tmp/x', '--reference'],
        '/r',
      ),
    ).toMatchObject({
      reps: 5,
      seed: 7,
      root: '/old',
      out: '/tmp/x',
      reference: true,
    });
  });

  it('takes the db scenario batch size', () => {
    expect(parseOptions(['--db-batch', '8'], '/r').dbBatch).toBe(8);
    expect(parseOptions(['--db-batch=3'], '/r').dbBatch).toBe(3);
    expect(() => parseOptions(['--db-batch', '0'], '/r')).toThrow('positive integer');
  });

  it('takes scenario names or the issue letters, in run order', () => {
    expect(parseScenarios('relay,throughput')).toEqual(['throughput', 'relay']);
    expect(parseScenarios('a, d')).toEqual(['throughput', 'burst', 'db']);
    expect(parseScenarios('email,idle')).toEqual(['burst', 'restart']);
  });

  it('refuses what it does not know', () => {
    expect(() => parseOptions(['--fast'], '/r')).toThrow('unknown option --fast');
    expect(() => parseOptions(['--only', 'nope'], '/r')).toThrow("unknown scenario 'nope'");
    expect(() => parseOptions(['--reps', '0'], '/r')).toThrow('positive integer');
    expect(() => parseOptions(['--root'], '/r')).toThrow('--root needs a value');
  });
});
