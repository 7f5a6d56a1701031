/**
 * A decider is an aggregate as three pure parts: `decide` turns a command and the
 * current state into new events (or throws a domain error), `evolve` folds one event
 * into the state, `initialState` is the state of an empty stream. Time and ids arrive
 * inside the command, so deciders stay deterministic and testable without I/O.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState: State;
}

/** The state after `events`, from the decider's initial state. */
export function fold<Command, Event, State>(
  decider: Decider<Command, Event, State>,
  events: readonly Event[],
): State {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState);
}
