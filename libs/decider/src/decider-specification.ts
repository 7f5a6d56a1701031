import { deepStrictEqual, fail } from 'node:assert/strict';
import type { Decider } from './decider.js';
import { fold } from './decider.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Given / when / then for deciders, usable in any test runner (it throws assertion
 * errors, which Jest reports with a diff):
 *
 *   DeciderSpecification.for(orderDecider)
 *     .given([orderPlaced])
 *     .when(cancelOrder)
 *     .then([orderCancelled]);
 */
export const DeciderSpecification = {
  for<Command, Event, State>(decider: Decider<Command, Event, State>) {
    return {
      given(events: readonly Event[]) {
        return {
          when(command: Command) {
            const run = () => decider.decide(command, fold(decider, events));
            return {
              then(expected: readonly Event[]): void {
                deepStrictEqual(run(), expected);
              },
              thenThrows<E extends Error>(
                errorClass: ErrorClass,
                check?: (error: E) => void,
              ): void {
                let produced: Event[];
                try {
                  produced = run();
                } catch (error) {
                  if (!(error instanceof errorClass)) {
                    fail(
                      `expected ${errorClass.name} but got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
                    );
                  }
                  check?.(error as E);
                  return;
                }
                fail(`expected ${errorClass.name} but decide returned ${JSON.stringify(produced)}`);
              },
            };
          },
        };
      },
    };
  },
};
