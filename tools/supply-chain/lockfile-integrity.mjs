// Every package the lockfile installs is pinned by a sha512 integrity hash.
//
// lockfile-lint (the `lint` target's first command) checks the host and scheme of every
// `resolved` URL and the hash type of every `integrity` it finds, but passes an entry
// that has neither. With npm's `omit-lockfile-registry-resolved` setting (set on the
// machines this project is built on) registry packages are written without `resolved`:
// npm fetches them from the configured registry, and the integrity hash is then the
// only thing that pins their content. So a package without one fails here.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'package-lock.json';
const { packages = {} } = JSON.parse(readFileSync(file, 'utf8'));
const unpinned = Object.entries(packages)
  // '' is the root project; entries outside node_modules/ are the workspace's own
  // sources, and links point at them: none is downloaded.
  .filter(([key, entry]) => key.includes('node_modules/') && !entry.link)
  .filter(([, entry]) => !/^sha512-/.test(entry.integrity ?? ''))
  .map(([key]) => key);

if (unpinned.length > 0) {
  console.error(`${file}: ${unpinned.length} package(s) without a sha512 integrity hash:`);
  for (const key of unpinned) console.error(`  ${key}`);
  process.exit(1);
}
const count = Object.keys(packages).filter((key) => key.includes('node_modules/')).length;
console.log(`${file}: all ${count} packages pinned by sha512 integrity`);
