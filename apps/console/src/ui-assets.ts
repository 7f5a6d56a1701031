import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The page's three files: its HTML, its one script (bundled) and its style sheet. */
export interface UiAssets {
  html: string;
  script: string;
  css: string;
}

/**
 * The page as the console's `build` target wrote it (`dist/apps/console/ui`: app.js,
 * index.html, style.css), which is what the image serves: no bundler at run time.
 */
export async function prebuiltUi(dir: string): Promise<UiAssets> {
  const [html, script, css] = await Promise.all(
    ['index.html', 'app.js', 'style.css'].map((file) => readFile(path.join(dir, file), 'utf8')),
  );
  return { html: html!, script: script!, css: css! };
}
