import { checkEvolution, formatProblems } from './compatibility.js';

const money = {
  type: 'record',
  name: 'Money',
  namespace: 'orderflow.common',
  fields: [
    { name: 'amountMinor', type: 'long' },
    { name: 'currency', type: 'string' },
  ],
};
const v1 = {
  type: 'record',
  name: 'PaymentAuthorized',
  namespace: 'orderflow.payments',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'paymentId', type: 'string' },
    { name: 'amount', type: money },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['OK', 'HELD'] } },
  ],
};
const withFields = (fields: { name: string; type: unknown; default?: unknown }[]) => ({
  ...v1,
  fields,
});
const older = [{ label: 'git 1a2b3c4', schema: v1 }];

describe('checkEvolution', () => {
  it('accepts an identical schema and an added optional field with a default', () => {
    expect(checkEvolution(v1, older)).toEqual([]);
    const added = withFields([
      ...v1.fields,
      { name: 'note', type: ['null', 'string'], default: null },
    ]);
    expect(checkEvolution(added, older)).toEqual([]);
  });

  it('rejects a removed required field: readers of the older version need it', () => {
    const removed = withFields(v1.fields.filter((f) => f.name !== 'paymentId'));
    const problems = checkEvolution(removed, older);
    expect(problems).toEqual([
      {
        direction: 'forward',
        against: 'git 1a2b3c4',
        reasons: ['paymentId: removed, but readers on git 1a2b3c4 require it (no default there)'],
        diff: ['- paymentId: string'],
      },
    ]);
  });

  it('rejects a changed type, naming the nested field, in both directions', () => {
    const changed = withFields(
      v1.fields.map((f) =>
        f.name === 'amount'
          ? {
              ...f,
              type: {
                ...money,
                fields: [{ name: 'amountMinor', type: 'string' }, money.fields[1]],
              },
            }
          : f,
      ),
    );
    const problems = checkEvolution(changed, older);
    expect(problems.map((p) => p.direction)).toEqual(['backward', 'forward']);
    expect(problems[0]?.reasons).toEqual(['amount.amountMinor: type changed from long to string']);
    expect(problems[0]?.diff).toEqual(['~ amount.amountMinor: long -> string']);
  });

  it('rejects a required field added without a default', () => {
    const added = withFields([...v1.fields, { name: 'customerId', type: 'string' }]);
    expect(checkEvolution(added, older, ['backward'])[0]?.reasons).toEqual([
      'customerId: added without a default, so data written with git 1a2b3c4 has no value for it',
    ]);
  });

  it('accepts a promotion the old reader can also take back only when it can', () => {
    // int -> long is readable by the new schema (backward) but not by the old one.
    const intVersion = withFields([...v1.fields, { name: 'attempt', type: 'int', default: 0 }]);
    const longVersion = withFields([...v1.fields, { name: 'attempt', type: 'long', default: 0 }]);
    const history = [{ label: 'git 5d6e7f8', schema: intVersion }];
    expect(checkEvolution(longVersion, history, ['backward'])).toEqual([]);
    expect(checkEvolution(longVersion, history, ['forward'])[0]?.reasons).toEqual([
      'attempt: type changed from int to long',
    ]);
  });

  it('explains enum changes in the direction that breaks', () => {
    const enumWith = (symbols: string[]) =>
      withFields(
        v1.fields.map((f) =>
          f.name === 'status' ? { ...f, type: { type: 'enum', name: 'Status', symbols } } : f,
        ),
      );
    expect(checkEvolution(enumWith(['OK']), older, ['backward'])[0]?.reasons).toEqual([
      'status: enum symbols removed (HELD) that data written with git 1a2b3c4 may contain',
    ]);
    expect(
      checkEvolution(enumWith(['OK', 'HELD', 'VOID']), older, ['forward'])[0]?.reasons,
    ).toEqual(['status: enum symbols added (VOID) that readers on git 1a2b3c4 do not know']);
  });

  it('checks against every older version, not only the latest', () => {
    const v2 = withFields([
      ...v1.fields,
      { name: 'note', type: ['null', 'string'], default: null },
    ]);
    const v3 = withFields(v2.fields.filter((f) => f.name !== 'paymentId'));
    const history = [...older, { label: 'git 9f8e7d6', schema: v2 }];
    expect(checkEvolution(v3, history).map((p) => p.against)).toEqual([
      'git 1a2b3c4',
      'git 9f8e7d6',
    ]);
  });

  it('formats problems as readable lines', () => {
    const removed = withFields(v1.fields.filter((f) => f.name !== 'paymentId'));
    expect(formatProblems(checkEvolution(removed, older))).toEqual([
      'git 1a2b3c4 cannot read data written with this version:',
      '  - paymentId: removed, but readers on git 1a2b3c4 require it (no default there)',
      '  diff:',
      '    - paymentId: string',
    ]);
  });
});
