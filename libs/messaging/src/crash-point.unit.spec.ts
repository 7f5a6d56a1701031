import type * as CrashPointModule from './crash-point.js';

/** The point is read once, when the module loads (at start-up), as a service would. */
function loadWith(value: string | undefined): (name: string) => void {
  const saved = process.env['ORDERFLOW_CRASH_AT'];
  if (value === undefined) delete process.env['ORDERFLOW_CRASH_AT'];
  else process.env['ORDERFLOW_CRASH_AT'] = value;
  let crashPoint: (name: string) => void = () => undefined;
  jest.isolateModules(() => {
    ({ crashPoint } = jest.requireActual<typeof CrashPointModule>('./crash-point.js'));
  });
  if (saved === undefined) delete process.env['ORDERFLOW_CRASH_AT'];
  else process.env['ORDERFLOW_CRASH_AT'] = saved;
  return crashPoint;
}

describe('crashPoint', () => {
  let kill: jest.SpyInstance;
  beforeEach(() => {
    kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
  });
  afterEach(() => kill.mockRestore());

  it('SIGKILLs this process at the point ORDERFLOW_CRASH_AT names', () => {
    loadWith('relay.after-send')('relay.after-send');
    expect(kill).toHaveBeenCalledWith(process.pid, 'SIGKILL');
  });

  it('does nothing at any other point, or when unset', () => {
    loadWith('relay.after-send')('relay.before-send');
    loadWith(undefined)('relay.after-send');
    expect(kill).not.toHaveBeenCalled();
  });
});
