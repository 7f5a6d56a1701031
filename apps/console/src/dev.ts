/**
 * What the console does only when it runs from its sources (`npm run console`, the
 * local stack, the e2e tests): bundle the page at start-up, and mint tokens of the
 * local stack's dev issuer. The `build` target leaves this module out of the bundle.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { UiAssets } from './ui-assets.js';

const uiDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ui');

/** The page bundled from src/ui with esbuild, as the `build` target bundles it. */
export async function uiFromSources(): Promise<UiAssets> {
  const bundle = await build({
    entryPoints: [path.join(uiDir, 'app.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    minify: true,
  });
  const [html, css] = await Promise.all([
    readFile(path.join(uiDir, 'index.html'), 'utf8'),
    readFile(path.join(uiDir, 'style.css'), 'utf8'),
  ]);
  return { html, css, script: bundle.outputFiles[0]!.text };
}

/**
 * Short-lived tokens of the local stack's dev issuer (what `npm run token` prints),
 * when the stack has one; undefined otherwise.
 */
export function devTokens(): () => Promise<string | undefined> {
  let cached: { token: string; until: number } | undefined;
  return async () => {
    if (cached && cached.until > Date.now()) return cached.token;
    const { allScopes, devIssuer, devKeyPaths, loadStackConfig } = await import('@orderflow/stack');
    const config = loadStackConfig();
    if (!existsSync(devKeyPaths(config).privateKey)) return undefined;
    const issuer = await devIssuer(config);
    const token = await issuer.mint({ scopes: allScopes, subject: 'console', ttlSeconds: 300 });
    cached = { token, until: Date.now() + 240_000 };
    return token;
  };
}
