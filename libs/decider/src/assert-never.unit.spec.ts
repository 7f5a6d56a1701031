import { assertNever } from './assert-never.js';

type Shape = { kind: 'circle'; radius: number } | { kind: 'square'; side: number };

const area = (shape: Shape): number => {
  switch (shape.kind) {
    case 'circle':
      return Math.PI * shape.radius ** 2;
    case 'square':
      return shape.side ** 2;
    default:
      return assertNever(shape);
  }
};

describe('assertNever', () => {
  it('ends an exhaustive switch', () => {
    expect(area({ kind: 'square', side: 3 })).toBe(9);
  });

  it('throws, naming the value, when one slips past the types at run time', () => {
    expect(() => area({ kind: 'triangle' } as unknown as Shape)).toThrow(
      'unhandled case: {"kind":"triangle"}',
    );
  });
});
