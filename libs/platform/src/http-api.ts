import type { Request, Response } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import type { Authenticator, Principal } from './auth.js';
import { hasScopes, insufficientScope } from './auth.js';
import type { Fields, OperationSpec } from './openapi-operation.js';
import { bearerScheme, describeOperation } from './openapi-operation.js';
import { SchemaComponents } from './openapi.js';
import { HttpProblem } from './problem.js';
import type { RateLimiter } from './rate-limit.js';
import { validate, validateHeaders } from './validation.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface OperationInput<P, Q, H, B> {
  params: Parsed<P>;
  query: Parsed<Q>;
  headers: Parsed<H>;
  body: Parsed<B>;
}

export type OperationHandler<P, Q, H, B> = (
  input: OperationInput<P, Q, H, B>,
  res: Response,
  req: Request,
) => Promise<void> | void;

/** What stands between a caller and an operation that declares scopes. */
export interface ApiGuards {
  authenticator: Authenticator;
  /** Limits the operations marked `rateLimited`, per client; absent: no limit. */
  writeLimiter?: RateLimiter | undefined;
}

export interface ApiInfo {
  title: string;
  version: string;
  description: string;
}

/**
 * A service's HTTP API, described as it is registered: each operation declares its
 * parameters, body and responses with zod schemas, its input is validated with those
 * schemas before the handler runs (400 problem+json naming each field at fault), and
 * the OpenAPI 3.1 document at /openapi.json is generated from the same declarations,
 * so the document and the API cannot drift apart. Requests with a method the path does
 * not declare get 405 with `Allow` (see the HTTP shell). An operation that declares
 * `scopes` first authenticates its caller's bearer token (401), checks the scopes (403)
 * and, if `rateLimited`, the caller's write rate (429), all before its input is read.
 */
export class HttpApi {
  readonly router = Router();
  private readonly paths = new Map<string, { pattern: RegExp; operations: Map<string, object> }>();
  private readonly components = new SchemaComponents();
  private document: object | undefined;
  private guards: ApiGuards | undefined;

  constructor(private readonly info: ApiInfo) {
    this.get(
      '/openapi.json',
      {
        operationId: 'openApiDocument',
        summary: 'This OpenAPI 3.1 document',
        responses: { 200: { description: 'The document', body: z.looseObject({}) } },
      },
      (_input, res) => {
        res.json(this.openApiDocument());
      },
    );
  }

  /** Sets the authenticator and rate limiter (the HTTP shell does, from the service's config). */
  protect(guards: ApiGuards): this {
    this.guards = guards;
    return this;
  }

  get<
    P extends Fields | undefined = undefined,
    Q extends Fields | undefined = undefined,
    H extends Fields | undefined = undefined,
  >(
    path: string,
    spec: OperationSpec<P, Q, H, undefined>,
    handler: OperationHandler<P, Q, H, undefined>,
  ): this {
    return this.route('get', path, spec, handler);
  }

  post<
    P extends Fields | undefined = undefined,
    Q extends Fields | undefined = undefined,
    H extends Fields | undefined = undefined,
    B extends z.ZodType | undefined = undefined,
  >(path: string, spec: OperationSpec<P, Q, H, B>, handler: OperationHandler<P, Q, H, B>): this {
    return this.route('post', path, spec, handler);
  }

  route<
    P extends Fields | undefined,
    Q extends Fields | undefined,
    H extends Fields | undefined,
    B extends z.ZodType | undefined,
  >(
    method: HttpMethod,
    path: string,
    spec: OperationSpec<P, Q, H, B>,
    handler: OperationHandler<P, Q, H, B>,
  ): this {
    if (this.document) throw new Error(`${method} ${path}: register routes before serving`);
    const entry = this.paths.get(path) ?? { pattern: templatePattern(path), operations: new Map() };
    if (entry.operations.has(method)) throw new Error(`${method} ${path} is registered twice`);
    entry.operations.set(method, describeOperation(spec, this.components));
    this.paths.set(path, entry);

    const expressPath = path.replaceAll(/\{(\w+)\}/g, ':$1');
    this.router[method](expressPath, async (req, res) => {
      if (spec.scopes) await this.admit(spec, req, res);
      const input = {
        params: spec.params && validate(spec.params, req.params, 'path'),
        query: spec.query && validate(spec.query, req.query, 'query string'),
        headers: spec.headers && validateHeaders(spec.headers, req),
        body: spec.body && validate(spec.body, jsonBody(req)),
      } as OperationInput<P, Q, H, B>;
      await handler(input, res, req);
    });
    return this;
  }

  /** Authentication, scopes, rate: the caller's principal lands in `res.locals`. */
  private async admit(
    spec: { scopes?: readonly string[]; rateLimited?: boolean },
    req: Request,
    res: Response,
  ): Promise<void> {
    // Fails closed: a protected operation served without an authenticator is a bug.
    if (!this.guards)
      throw new Error(`${req.method} ${req.path} is protected, but no authenticator is set`);
    const principal = await this.guards.authenticator.authenticate(req.get('authorization'));
    if (!hasScopes(principal, spec.scopes ?? [])) throw insufficientScope(spec.scopes ?? []);
    const limiter = spec.rateLimited ? this.guards.writeLimiter : undefined;
    if (limiter) {
      const client = principal.subject
        ? `sub:${principal.subject}`
        : `ip:${req.ip ?? req.socket.remoteAddress}`;
      const admission = limiter.admit(client);
      if (!admission.allowed) {
        throw HttpProblem.tooManyRequests(
          `more than ${limiter.policy.ratePerSecond} writes per second from this client`,
          admission.retryAfterSeconds,
        );
      }
    }
    res.locals['principal'] = principal;
  }

  /** The methods declared for the path this request is for; undefined for an unknown path. */
  allowedMethods(path: string): string[] | undefined {
    const declared = [...this.paths.values()]
      .filter(({ pattern }) => pattern.test(path))
      .flatMap(({ operations }) => [...operations.keys()].map((m) => m.toUpperCase()));
    if (!declared.length) return undefined;
    return (declared.includes('GET') ? [...declared, 'HEAD'] : declared).sort();
  }

  private secured(): boolean {
    return [...this.paths.values()].some(({ operations }) =>
      [...operations.values()].some((operation) => 'security' in operation),
    );
  }

  /** The OpenAPI 3.1 document of every operation registered so far (then frozen). */
  openApiDocument(): object {
    this.document ??= {
      openapi: '3.1.0',
      info: this.info,
      paths: Object.fromEntries(
        [...this.paths].map(([path, { operations }]) => [path, Object.fromEntries(operations)]),
      ),
      components: {
        schemas: this.components.schemas,
        ...(this.secured() ? { securitySchemes: { [bearerScheme]: bearerTokens } } : {}),
      },
    };
    return this.document;
  }
}

const bearerTokens = {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'JWT',
  description:
    "A JWT from the configured issuer, for this API's audience, signed with a key of its JWKS. " +
    'Its `scope` claim (space-separated) names what it may do; it acts for the customer in its ' +
    "`customer_id` claim (else its `sub`) and sees only that customer's data, unless it has the " +
    '`orderflow:admin` scope.',
};

/** The caller of a protected operation, as its token says (set before the handler runs). */
export function principalOf(res: Response): Principal {
  const principal = res.locals['principal'] as Principal | undefined;
  if (!principal) throw new Error('principalOf: the operation declares no scopes');
  return principal;
}

/** Matches a concrete path against a template the way the router does (any case, optional trailing slash). */
function templatePattern(template: string): RegExp {
  const source = template
    .split(/\{\w+\}/)
    .map((literal) => literal.replaceAll(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${source}/?$`, 'i');
}

/** The JSON body, after the shell's JSON parser; other media types are refused. */
function jsonBody(req: Request): unknown {
  if (req.headers['content-type'] !== undefined && !req.is('application/json')) {
    throw new HttpProblem(415, 'Unsupported Media Type', 'request body must be application/json');
  }
  return req.body as unknown;
}
