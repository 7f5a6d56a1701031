import {
  DEFAULT_DB_BATCH,
  combinedCeiling,
  dbBatchSize,
  expandIncludes,
  expandRepeats,
  expandScript,
  mirroredCommit,
  parsePgbenchOutput,
  scriptDefines,
} from './pgbench.js';

describe('pgbench scripts', () => {
  const files: Record<string, string> = {
    'common/outer.sql':
      'begin;\n-- @include common/inner.sql keys={{keys}}\ninsert into inbox values ({{id}});\n',
    'common/inner.sql': 'select lock({{keys}}::text[]);\n',
  };
  const read = (p: string) => {
    const text = files[p];
    if (text === undefined) throw new Error(`no ${p}`);
    return text;
  };

  it('expands nested includes with their parameters', () => {
    const script = expandIncludes('-- @include common/outer.sql keys=:keys id=:m1\ncommit;', read);
    expect(script).toBe(
      'begin;\nselect lock(:keys::text[]);\ninsert into inbox values (:m1);\ncommit;',
    );
  });

  it('fails loudly on a missing parameter', () => {
    expect(() => expandIncludes('-- @include common/inner.sql', read)).toThrow('needs keys=');
  });

  it('replaces the globals everywhere and copies repeated blocks', () => {
    const script = expandScript(
      [
        '-- {{batch}} orders',
        '-- @include common/inner.sql keys=:keys',
        '-- @repeat {{batch}}',
        'select :id_{{i}};',
        '-- @end',
        'commit;',
      ].join('\n'),
      read,
      { batch: '3' },
    );
    expect(script).toBe(
      '-- 3 orders\nselect lock(:keys::text[]);\nselect :id_1;\nselect :id_2;\nselect :id_3;\ncommit;',
    );
    expect(() => expandScript('select {{nope}};', read, { batch: '3' })).toThrow('{{nope}}');
    expect(() => expandRepeats('-- @repeat 2\nselect 1;')).toThrow('without @end');
  });

  it('reads the variables a script starts with', () => {
    expect(scriptDefines('-- @define carry=[]\nselect 1;\n  -- @define n=0')).toEqual([
      ['carry', '[]'],
      ['n', '0'],
    ]);
  });

  it('takes B from the option, else the measured mean, else the default', () => {
    expect(dbBatchSize(4, 7.6)).toEqual({ batch: 4, source: 'option' });
    expect(dbBatchSize(undefined, 7.6)).toEqual({ batch: 8, source: 'measured' });
    expect(dbBatchSize(undefined, 0.4)).toEqual({ batch: 1, source: 'measured' });
    expect(dbBatchSize(undefined, undefined)).toEqual({
      batch: DEFAULT_DB_BATCH,
      source: 'default',
    });
  });

  it('reads tps, failures and errors from pgbench output', () => {
    const ok =
      'number of transactions actually processed: 240\nnumber of failed transactions: 0 (0.000%)\ntps = 58.055192 (without initial connection time)\n';
    expect(parsePgbenchOutput(ok)).toEqual({
      tps: 58.055192,
      transactions: 240,
      failed: 0,
      error: undefined,
    });
    const bad =
      'pgbench: error: client 0 script 0 aborted in command 13 query 0: ERROR:  could not determine data type of parameter $1\n';
    expect(parsePgbenchOutput(bad).error).toContain('could not determine data type');
    expect(parsePgbenchOutput(bad).tps).toBeUndefined();
  });

  it('combines per-service rates into one database ceiling', () => {
    expect(combinedCeiling([100, 100, 100, 100])).toBe(25);
    expect(combinedCeiling([60, 120, 100, 130])).toBeCloseTo(
      1 / (1 / 60 + 1 / 120 + 1 / 100 + 1 / 130),
    );
    expect(combinedCeiling([100, 0])).toBeUndefined();
  });

  it('reads the commit the scripts mirror', () => {
    expect(mirroredCommit('# x\n\nMirrors commit: 84d7c33\n')).toBe('84d7c33');
    expect(mirroredCommit('Mirrors commit: 88b03b5 with the batched consumer, and later.\n')).toBe(
      '88b03b5 with the batched consumer, and later',
    );
    expect(mirroredCommit('nothing')).toBeUndefined();
  });
});
