import { crashPoint } from './crash-point.js';

describe('crashPoint', () => {
  const saved = process.env['ORDERFLOW_CRASH_AT'];
  let kill: jest.SpyInstance;
  beforeEach(() => {
    kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
  });
  afterEach(() => {
    kill.mockRestore();
    if (saved === undefined) delete process.env['ORDERFLOW_CRASH_AT'];
    else process.env['ORDERFLOW_CRASH_AT'] = saved;
  });

  it('SIGKILLs this process at the point ORDERFLOW_CRASH_AT names', () => {
    process.env['ORDERFLOW_CRASH_AT'] = 'relay.after-send';
    crashPoint('relay.after-send');
    expect(kill).toHaveBeenCalledWith(process.pid, 'SIGKILL');
  });

  it('does nothing at any other point, or when unset', () => {
    process.env['ORDERFLOW_CRASH_AT'] = 'relay.after-send';
    crashPoint('relay.before-send');
    delete process.env['ORDERFLOW_CRASH_AT'];
    crashPoint('relay.after-send');
    expect(kill).not.toHaveBeenCalled();
  });
});
