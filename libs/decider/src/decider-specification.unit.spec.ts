import type { Decider } from './decider.js';
import { DeciderSpecification } from './decider-specification.js';

type Command = { type: 'Add'; amount: number } | { type: 'Close' };
type Event = { type: 'Added'; data: { amount: number } } | { type: 'Closed'; data: null };
type State = { total: number; closed: boolean };

class ClosedError extends Error {}

const counter: Decider<Command, Event, State> = {
  initialState: { total: 0, closed: false },
  decide(command, state) {
    if (state.closed) throw new ClosedError('closed');
    switch (command.type) {
      case 'Add':
        return [{ type: 'Added', data: { amount: command.amount } }];
      case 'Close':
        return state.total > 0 ? [{ type: 'Closed', data: null }] : [];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'Added':
        return { ...state, total: state.total + event.data.amount };
      case 'Closed':
        return { ...state, closed: true };
    }
  },
};

const spec = DeciderSpecification.for(counter);

describe('DeciderSpecification', () => {
  it('passes when decide returns the expected events for the given history', () => {
    spec
      .given([{ type: 'Added', data: { amount: 2 } }])
      .when({ type: 'Close' })
      .then([{ type: 'Closed', data: null }]);
    spec.given([]).when({ type: 'Close' }).then([]);
  });

  it('fails, with a diff, when the events differ', () => {
    expect(() =>
      spec
        .given([])
        .when({ type: 'Add', amount: 1 })
        .then([{ type: 'Added', data: { amount: 2 } }]),
    ).toThrow(/Expected values to be strictly deep-equal/);
  });

  it('checks the domain error class', () => {
    const closed: Event[] = [
      { type: 'Added', data: { amount: 1 } },
      { type: 'Closed', data: null },
    ];
    spec.given(closed).when({ type: 'Add', amount: 1 }).thenThrows(ClosedError);
    expect(() => spec.given(closed).when({ type: 'Close' }).thenThrows(TypeError)).toThrow(
      /expected TypeError but got Error: closed/,
    );
    expect(() => spec.given([]).when({ type: 'Close' }).thenThrows(ClosedError)).toThrow(
      /decide returned \[\]/,
    );
  });
});
