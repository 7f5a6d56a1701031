import { z } from 'zod';
import type { JsonSchema, SchemaComponents } from './openapi.js';

export type Fields = z.ZodObject;

export interface ResponseSpec {
  description: string;
  /** An application/json body of this shape. */
  body?: z.ZodType;
  /** A body of another media type, such as text/plain. */
  content?: { mediaType: string; schema: JsonSchema };
  /** RFC 9457 problem details (application/problem+json). */
  problem?: true;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

export interface OperationSpec<
  P extends Fields | undefined,
  Q extends Fields | undefined,
  H extends Fields | undefined,
  B extends z.ZodType | undefined,
> {
  operationId: string;
  summary: string;
  description?: string;
  /** Path parameters, by the names in the path template (`/orders/{orderId}`). */
  params?: P;
  query?: Q;
  /** Request headers, by their canonical names (`Idempotency-Key`). */
  headers?: H;
  /** An application/json request body. */
  body?: B;
  /** Scopes the bearer token must carry, every one of them; absent: the operation is open. */
  scopes?: readonly string[];
  /** Counted against the caller's write rate limit (429 with Retry-After beyond it). */
  rateLimited?: boolean;
  responses: Record<number, ResponseSpec>;
}

/** The name of the bearer token scheme in `components.securitySchemes`. */
export const bearerScheme = 'bearerAuth';

/** A problem response, for `responses`. */
export const problem = (description: string): ResponseSpec => ({ description, problem: true });

const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(
        z.object({
          field: z.string().describe('A JSON pointer into the input, or a header name'),
          message: z.string(),
        }),
      )
      .optional()
      .describe('Every input at fault, for 400 and 422'),
    retryAfterSeconds: z.number().int().optional(),
    requiredScopes: z.array(z.string()).optional().describe('For 403: the scopes needed'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

const retryAfter = {
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
};

const correlationIdHeader = {
  'X-Correlation-Id': {
    description: "The saga's correlation id: the caller's, or a new one",
    schema: { type: 'string' },
  },
};

/**
 * The OpenAPI operation object of `spec`: its parameters by location, its body, and its
 * responses, with what the HTTP shell itself may answer (400 for invalid input, 413 and
 * 415 for a body, 431 for oversized headers) added.
 */
export function describeOperation(
  spec: OperationSpec<
    Fields | undefined,
    Fields | undefined,
    Fields | undefined,
    z.ZodType | undefined
  >,
  components: SchemaComponents,
) {
  const parameters = [
    ...describeParameters('path', spec.params, components),
    ...describeParameters('query', spec.query, components),
    ...describeParameters('header', spec.headers, components),
  ];
  const hasInput = parameters.length > 0 || spec.body !== undefined;
  // What the HTTP shell itself answers: invalid input, an oversized or non-JSON body,
  // and request headers larger than Node accepts.
  const shell: Record<number, ResponseSpec> = {
    431: problem('The request headers are too large'),
  };
  if (hasInput) shell[400] = problem('The input is invalid: each field at fault is named');
  if (spec.body) {
    shell[413] = problem('The request body is too large');
    shell[415] = problem('The request body is not UTF-8 application/json');
  }
  if (spec.scopes) {
    shell[401] = {
      ...problem(
        'No bearer token, or one that is expired, not signed by the issuer or not for this API',
      ),
      headers: {
        'WWW-Authenticate': {
          description: 'The RFC 6750 challenge, with error="invalid_token" for a bad token',
          schema: { type: 'string' },
        },
      },
    };
    shell[403] = problem(
      `The token lacks a scope this operation needs (${spec.scopes.join(', ')})`,
    );
  }
  if (spec.rateLimited) {
    shell[429] = {
      ...problem('This client sent more writes than its rate limit allows; retry later'),
      headers: retryAfter,
    };
  }
  const responses = { ...shell, ...spec.responses };
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.scopes ? { security: [{ [bearerScheme]: [...spec.scopes] }] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: components.toJsonSchema(spec.body, 'input') },
            },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(responses).map(([status, response]) => [
        status,
        describeResponse(Number(status), response, components),
      ]),
    ),
  };
}

function describeParameters(
  location: 'path' | 'query' | 'header',
  fields: Fields | undefined,
  components: SchemaComponents,
) {
  if (!fields) return [];
  const object = components.toJsonSchema(fields, 'input');
  const properties = (object['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, { description, ...schema }]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(description ? { description } : {}),
    schema,
  }));
}

function describeResponse(status: number, spec: ResponseSpec, components: SchemaComponents) {
  const content = spec.problem
    ? { 'application/problem+json': { schema: components.toJsonSchema(problemSchema, 'output') } }
    : spec.body
      ? { 'application/json': { schema: components.toJsonSchema(spec.body, 'output') } }
      : spec.content
        ? { [spec.content.mediaType]: { schema: spec.content.schema } }
        : undefined;
  // Node answers 431 before the request reaches the shell that sets X-Correlation-Id.
  const headers = status === 431 ? spec.headers : { ...correlationIdHeader, ...spec.headers };
  return {
    description: spec.description,
    ...(headers && Object.keys(headers).length ? { headers } : {}),
    ...(content ? { content } : {}),
  };
}
