import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DaemonSpec } from './process.js';
import { daemonLeftovers, readPid, startDaemon, stopDaemon } from './process.js';
import { commandLineOf, groupMembers } from './process-table.js';
import { eventually } from './test-support/eventually.js';
import type { PrivateService } from './test-support/private-service.js';
import { freePort } from './ports.js';
import { portIsFree, privateService, processesWith } from './test-support/private-service.js';

describe('a service run by the stack', () => {
  let orders: PrivateService;

  beforeAll(async () => {
    orders = await privateService('orders');
  });
  afterAll(() => orders.dispose());

  it('is one process: a SIGKILL of the recorded pid frees its port and leaves nothing behind', async () => {
    const pid = await orders.start();
    const marker = orders.component.daemon.marker;
    // The recorded pid runs the service itself, not a launcher with the service as its child.
    expect(commandLineOf(pid)).toContain(marker);
    expect(processesWith(marker, `HTTP_PORT=${orders.port}`)).toEqual([pid]);

    process.kill(pid, 'SIGKILL');

    await eventually(async () => {
      expect(await portIsFree(orders.port)).toBe(true);
      expect(processesWith(marker, `HTTP_PORT=${orders.port}`)).toEqual([]);
      // Nothing at all is left in its process group (tsx's esbuild helper included).
      expect(groupMembers(pid)).toEqual([]);
    }, 30_000);
    expect(readPid(orders.component.daemon)).toBeUndefined();
  });
});

describe('stopping a daemon (stack down)', () => {
  let stateDir: string;
  beforeAll(() => {
    stateDir = mkdtempSync(path.join(tmpdir(), 'orderflow-daemon-'));
  });
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('also stops a child that outlived its SIGKILLed parent and holds a port', async () => {
    const port = await freePort();
    const marker = `orderflow-test-wrapper-${port}`;
    // A wrapper like tsx's CLI: the parent only waits, the child does the work.
    const child = `require('node:net').createServer().listen(${port}, '127.0.0.1')`;
    const parent = `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(child)}, '${marker}'], { stdio: 'inherit' }); setInterval(() => {}, 1e6)`;
    const spec: DaemonSpec = {
      name: 'wrapper',
      command: process.execPath,
      args: ['-e', parent, marker],
      pidFile: path.join(stateDir, 'wrapper.pid'),
      logFile: path.join(stateDir, 'wrapper.log'),
      marker,
    };
    const pid = startDaemon(spec);
    await eventually(async () => expect(await portIsFree(port)).toBe(false));

    process.kill(pid, 'SIGKILL');
    await eventually(() => expect(readPid(spec)).toBeUndefined());
    // The orphan still holds the port: this is what a restart used to trip over.
    const [orphan] = daemonLeftovers(spec);
    expect(orphan).toBeDefined();
    expect(await portIsFree(port)).toBe(false);

    expect(await stopDaemon(spec)).toBe(true);
    expect(daemonLeftovers(spec)).toEqual([]);
    expect(commandLineOf(orphan!)).toBeFalsy();
    await eventually(async () => expect(await portIsFree(port)).toBe(true));
  });
});
