// Writes the package.json of a service image (or the console's): exactly the npm
// packages its bundle requires at run time, pinned to the versions in package-lock.json.
//
//   node deploy/docker/manifest.mjs <service|console> <out-file>
//
// Why not the services' own package.json files: the workspace libraries are inlined by
// esbuild (tsconfig paths), so the bundle needs the union of what those libraries import,
// and esbuild's metafile (written by each service's `build` target) is the only list that
// cannot drift from the code. Transitive versions stay pinned because the image installs
// with the same package-lock.json next to this manifest.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';

const [service, outFile] = process.argv.slice(2);
if (!service || !outFile) {
  process.stderr.write('usage: node deploy/docker/manifest.mjs <service|console> <out-file>\n');
  process.exit(64);
}

/** services/<name>, or apps/<name> for the console; dist/ mirrors it. */
const home = existsSync(`services/${service}/package.json`) ? 'services' : 'apps';
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const meta = readJson(`dist/${home}/${service}/meta.json`);
const lock = readJson('package-lock.json');
const own = readJson(`${home}/${service}/package.json`);

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
const packageOf = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
const isBuiltin = (specifier) =>
  specifier.startsWith('node:') || builtinModules.includes(packageOf(specifier));

const output = meta.outputs[`dist/${home}/${service}/main.cjs`];
if (!output) throw new Error(`no dist/${home}/${service}/main.cjs in the metafile`);
// A relative external is a module the build leaves out on purpose (the console's
// development-only module), not a package.
const packages = [
  ...new Set(
    output.imports
      .filter((i) => i.external && !isBuiltin(i.path) && !i.path.startsWith('.'))
      .map((i) => packageOf(i.path)),
  ),
].sort();

/** The locked version the workspace resolves `name` to (hoisted copy first). */
function lockedVersion(name) {
  const hoisted = lock.packages[`node_modules/${name}`];
  if (hoisted && !hoisted.link) return hoisted.version;
  const nested = Object.entries(lock.packages).filter(
    ([key, entry]) => key.endsWith(`/node_modules/${name}`) && !entry.link,
  );
  const versions = [...new Set(nested.map(([, entry]) => entry.version))];
  if (versions.length !== 1) {
    throw new Error(`${name}: expected one locked version, found ${versions.join(', ') || 'none'}`);
  }
  return versions[0];
}

const manifest = {
  name: `@orderflow/${service}-image`,
  version: own.version,
  private: true,
  type: 'commonjs',
  dependencies: Object.fromEntries(packages.map((name) => [name, lockedVersion(name)])),
};
writeFileSync(outFile, `${JSON.stringify(manifest, null, 2)}\n`);
