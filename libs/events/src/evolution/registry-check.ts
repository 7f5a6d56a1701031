import { checkEvolution, type EvolutionProblem } from './compatibility.js';

export type RegistryVerdict =
  | { status: 'new-subject' }
  | { status: 'compatible'; versions: number }
  | { status: 'incompatible'; versions: number; problems: EvolutionProblem[] };

const contentType = 'application/vnd.schemaregistry.v1+json';

async function call(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    ...init,
    headers: { accept: contentType, 'content-type': contentType },
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/**
 * Asks the registry whether `schema` may become the next version of `subject` under
 * the subject's compatibility rule (BACKWARD_TRANSITIVE here). The registry only says
 * yes or no, so on "no" every registered version is fetched and the backward check is
 * replayed locally to name the fields that broke.
 */
export async function checkAgainstRegistry(
  registryUrl: string,
  subject: string,
  schema: unknown,
): Promise<RegistryVerdict> {
  const base = `${registryUrl.replace(/\/$/, '')}/subjects/${encodeURIComponent(subject)}`;
  // Apicurio answers the compatibility endpoint with "compatible" for a subject that
  // does not exist (Confluent answers 404), so ask for the versions first.
  const listed = await call(`${base}/versions`);
  if (listed.status === 404) return { status: 'new-subject' };
  if (listed.status !== 200 || !Array.isArray(listed.body)) {
    throw new Error(
      `GET ${base}/versions answered ${listed.status}: ${JSON.stringify(listed.body)}`,
    );
  }
  const versions = listed.body as number[];
  const verdict = await call(
    `${registryUrl.replace(/\/$/, '')}/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest`,
    { method: 'POST', body: JSON.stringify({ schema: JSON.stringify(schema) }) },
  );
  const compatible = (verdict.body as { is_compatible?: unknown } | undefined)?.is_compatible;
  if (verdict.status !== 200 || typeof compatible !== 'boolean') {
    throw new Error(
      `compatibility check of ${subject} answered ${verdict.status}: ${JSON.stringify(verdict.body)}`,
    );
  }
  if (compatible) return { status: 'compatible', versions: versions.length };

  const registered = await Promise.all(
    versions.map(async (v) => {
      const { body } = await call(`${base}/versions/${v}`);
      return {
        label: `registry v${v}`,
        schema: JSON.parse((body as { schema: string }).schema) as unknown,
      };
    }),
  );
  return {
    status: 'incompatible',
    versions: versions.length,
    problems: checkEvolution(schema, registered, ['backward']),
  };
}
