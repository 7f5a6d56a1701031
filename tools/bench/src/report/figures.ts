import type { ScenarioId } from '../options.js';
import type { Stat } from '../stats.js';
import { stat } from '../stats.js';

/** One reported number: the median over repetitions with min and max, or why there is none. */
export interface Figure {
  id: string;
  scenario: ScenarioId;
  label: string;
  unit: string;
  stat: Stat | undefined;
  /** Shown beside the number, or instead of it ("n/a: …"). */
  note?: string;
  /** Why the target this figure serves is missed even without a number (e.g. rate not sustainable). */
  unmet?: string;
}

/** The figures of a run, in the order they were measured. */
export class Figures {
  readonly all: Figure[] = [];

  add(figure: Figure): Figure {
    const i = this.all.findIndex((f) => f.id === figure.id);
    if (i >= 0) this.all[i] = figure;
    else this.all.push(figure);
    return figure;
  }

  /** A figure from one value per repetition. */
  fromValues(
    scenario: ScenarioId,
    id: string,
    label: string,
    unit: string,
    values: readonly (number | undefined)[],
    note?: string,
  ): Figure {
    return this.add({ id, scenario, label, unit, stat: stat(values), ...(note ? { note } : {}) });
  }

  missing(
    scenario: ScenarioId,
    id: string,
    label: string,
    unit: string,
    note: string,
    unmet?: string,
  ): Figure {
    return this.add({
      id,
      scenario,
      label,
      unit,
      stat: undefined,
      note,
      ...(unmet ? { unmet } : {}),
    });
  }

  get(id: string): Figure | undefined {
    return this.all.find((f) => f.id === id);
  }
}
