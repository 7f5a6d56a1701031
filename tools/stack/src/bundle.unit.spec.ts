import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serviceBuild, serviceEntry, serviceMarker } from './components/service.js';
import type { BundleBuild } from './process.js';
import { bundleStaleness } from './process.js';
import { workspaceRoot } from './workspace.js';

describe('whether a bundle is built again', () => {
  let dir: string;
  let build: BundleBuild;
  /** Seconds since the epoch: every file gets an explicit time, no clock is waited on. */
  const touch = (file: string, at: number, text = '') => {
    const full = path.join(dir, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
    utimesSync(full, at, at);
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'orderflow-bundle-'));
    build = {
      cwd: dir,
      command: 'true',
      outfile: 'dist/app/main.cjs',
      metafile: 'dist/app/meta.json',
      settings: ['project.json'],
    };
    touch('project.json', 1_000);
    touch('src/main.ts', 1_000);
    touch('lib/index.ts', 1_000);
    const inputs = { 'src/main.ts': {}, 'lib/index.ts': {} };
    touch('dist/app/meta.json', 2_000, JSON.stringify({ inputs, outputs: {} }));
    touch('dist/app/main.cjs', 2_000);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('no: it is newer than its sources and settings', () => {
    expect(bundleStaleness(build)).toBeUndefined();
  });

  it('yes: it is missing', () => {
    rmSync(path.join(dir, build.outfile));
    expect(bundleStaleness(build)).toBe('not built yet');
  });

  it('yes: a bundled source changed, named', () => {
    touch('lib/index.ts', 3_000);
    expect(bundleStaleness(build)).toBe('lib/index.ts changed');
  });

  it('yes: a bundled source is gone', () => {
    rmSync(path.join(dir, 'src/main.ts'));
    expect(bundleStaleness(build)).toBe('src/main.ts is gone');
  });

  it('yes: the build settings changed', () => {
    touch('project.json', 3_000);
    expect(bundleStaleness(build)).toBe('project.json changed');
  });

  it('yes: there is no list of its sources (an older build)', () => {
    rmSync(path.join(dir, build.metafile));
    expect(bundleStaleness(build)).toBe('its list of sources is missing');
  });
});

describe('a service run by the stack', () => {
  const root = workspaceRoot(__dirname);

  it("builds with its Nx build target's command, into the file it runs", () => {
    const build = serviceBuild('payments', root);
    expect(build.command).toMatch(/^esbuild services\/payments\/src\/main\.ts /);
    expect(build.outfile).toBe('dist/services/payments/main.cjs');
    expect(build.metafile).toBe('dist/services/payments/meta.json');
    const entry = serviceEntry('payments', root, {});
    expect(entry.args).toEqual([
      '--enable-source-maps',
      path.join(root, 'dist/services/payments/main.cjs'),
    ]);
    expect(entry.args.join(' ')).toContain(serviceMarker('payments'));
  });

  it('runs from source with ORDERFLOW_FROM_SOURCE=1, recognised by the same marker', () => {
    const entry = serviceEntry('payments', root, { ORDERFLOW_FROM_SOURCE: '1' });
    expect(entry.args).toEqual([
      '--import',
      'tsx',
      path.join(root, 'services/payments/src/main.ts'),
    ]);
    expect(entry.args.join(' ')).toContain(serviceMarker('payments'));
  });
});
