import { Writable } from 'node:stream';
import { createLogger } from './logger.js';
import { StartupProgress } from './startup-progress.js';

/** A logger whose lines are kept, parsed. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'test', level: 'info', destination }) };
}

describe('StartupProgress', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('logs each step, and names the one still running in a warning until start-up is done', async () => {
    const { lines, logger } = capturedLogger();
    const progress = new StartupProgress(logger, 15_000);
    await progress.step('database migrations', () => Promise.resolve());
    let release: () => void = () => undefined;
    const registering = progress.step(
      'registering the event schemas',
      () => new Promise<void>((resolve) => (release = resolve)),
    );
    jest.advanceTimersByTime(31_000);
    release();
    await registering;
    progress.done();
    jest.advanceTimersByTime(60_000);

    expect(lines.map((l) => [l['level'], l['msg']])).toEqual([
      ['info', 'start-up: database migrations'],
      ['info', 'start-up: registering the event schemas'],
      ['warn', 'start-up is still waiting: registering the event schemas'],
      ['warn', 'start-up is still waiting: registering the event schemas'],
    ]);
    expect(lines[3]).toMatchObject({ step: 'registering the event schemas', waitedMs: 30_000 });
  });

  it('says nothing more for a step that began less than an interval ago', async () => {
    const { lines, logger } = capturedLogger();
    const progress = new StartupProgress(logger, 15_000);
    jest.advanceTimersByTime(10_000);
    void progress.step('connecting to Kafka', () => new Promise<void>(() => undefined));
    jest.advanceTimersByTime(5_000);
    progress.done();

    expect(lines.map((l) => l['msg'])).toEqual(['start-up: connecting to Kafka']);
  });
});
