import * as prettier from 'prettier';

/**
 * The repository's own formatting (Prettier, .prettierrc.json), so that a committed
 * reference run passes `npm run format:check` as written. Unformatted if Prettier fails.
 */
export async function formatted(file: string, text: string): Promise<string> {
  try {
    const options = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(text, { ...options, filepath: file });
  } catch {
    return text;
  }
}
