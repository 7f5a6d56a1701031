import { z } from 'zod';
import { HttpApi } from './http-api.js';
import { problem } from './openapi-operation.js';
import { unresolvedRefs } from './openapi.js';
import { storedText } from './stored-text.js';

const money = z
  .strictObject({ amountMinor: z.number().int().min(1), currency: z.string() })
  .meta({ id: 'TestMoney' });
const line = z.strictObject({ sku: z.string(), price: money }).meta({ id: 'TestLine' });
const status = z.enum(['OPEN', 'DONE']).meta({ id: 'TestStatus' });

type Doc = {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};

function exampleApi() {
  const api = new HttpApi({ title: 'test', version: '1', description: 'test' });
  api.post(
    '/things/{thingId}',
    {
      operationId: 'putThing',
      summary: 'test',
      params: z.object({ thingId: z.guid() }),
      query: z.strictObject({ status: status.optional(), limit: z.coerce.number().default(5) }),
      headers: z.object({ 'Idempotency-Key': z.string().optional() }),
      body: z.strictObject({ lines: z.array(line) }),
      responses: {
        201: { description: 'made', body: z.strictObject({ total: money, status }) },
        404: problem('no such thing'),
      },
    },
    () => undefined,
  );
  return api;
}

describe('HttpApi', () => {
  const document = exampleApi().openApiDocument() as Doc;
  const operation = document.paths['/things/{thingId}']!['post']!;

  it('publishes every schema with an id once, under components, and every $ref resolves', () => {
    expect(unresolvedRefs(document)).toEqual([]);
    expect(JSON.stringify(document)).not.toContain('$defs');
    expect(Object.keys(document.components.schemas).sort()).toEqual([
      'Problem',
      'TestLine',
      'TestMoney',
      'TestStatus',
    ]);
    expect(document.components.schemas['TestLine']).toMatchObject({
      properties: { price: { $ref: '#/components/schemas/TestMoney' } },
      additionalProperties: false,
    });
  });

  it('describes parameters by location, with what is required', () => {
    expect(operation['parameters']).toEqual([
      expect.objectContaining({ name: 'thingId', in: 'path', required: true }),
      {
        name: 'status',
        in: 'query',
        required: false,
        schema: { $ref: '#/components/schemas/TestStatus' },
      },
      expect.objectContaining({ name: 'limit', in: 'query', required: false }),
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    ]);
  });

  it('documents what the HTTP shell answers besides the operation’s own responses', () => {
    const responses = operation['responses'] as Record<string, { content?: object }>;
    expect(Object.keys(responses).sort()).toEqual(['201', '400', '404', '413', '415', '431']);
    expect(responses['400']?.content).toEqual({
      'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
    });
  });

  it('refuses an id that a request and a response would see differently', () => {
    // A non-strict object allows more fields in a request than it shows in a response.
    const loose = z.object({ a: z.string() }).meta({ id: 'Loose' });
    const api = new HttpApi({ title: 't', version: '1', description: 't' });
    const spec = {
      operationId: 'x',
      summary: 'x',
      body: loose,
      responses: { 200: { description: 'x', body: loose } },
    };
    expect(() => api.post('/x', spec, () => undefined)).toThrow(
      'schema "Loose" has two different JSON Schemas; give one of them its own id',
    );
  });

  it('tells which methods a path declares, HEAD with GET', () => {
    const api = exampleApi();
    expect(api.allowedMethods('/things/5f0c')).toEqual(['POST']);
    expect(api.allowedMethods('/THINGS/5f0c/')).toEqual(['POST']);
    expect(api.allowedMethods('/openapi.json')).toEqual(['GET', 'HEAD']);
    expect(api.allowedMethods('/things/a/b')).toBeUndefined();
  });
});

describe('storedText', () => {
  const text = storedText(5);
  const errors = (value: unknown) =>
    text.safeParse(value).error?.issues.map((issue) => issue.message) ?? [];

  it('trims, and counts characters as code points', () => {
    expect(text.parse(' Ada ')).toBe('Ada');
    expect(text.parse('😀😀😀😀😀')).toBe('😀😀😀😀😀');
    expect(errors('abcdef')).toEqual(['at most 5 characters']);
  });

  it('refuses NUL and other control characters, lone surrogates and blank text', () => {
    expect(errors('a\u0000b')).toEqual(['not blank, and no control characters']);
    expect(errors('a\nb')).toEqual(['not blank, and no control characters']);
    expect(errors('a\ud800')).toEqual(['a lone UTF-16 surrogate is not text']);
    expect(errors(' \u3000 ')).toEqual(['not blank, and no control characters']);
    expect(storedText(5, { blank: true }).parse('  ')).toBe('');
  });

  it('publishes its rules: the pattern and maxLength a client can check', () => {
    const schema = z.toJSONSchema(text, { io: 'input' });
    expect(schema).toMatchObject({ type: 'string', maxLength: 5 });
    const pattern = new RegExp(String(schema.pattern), 'u');
    expect(pattern.test('Ada')).toBe(true);
    expect(pattern.test('a\u0000')).toBe(false);
    expect(pattern.test('   ')).toBe(false);
    expect(String(schema.description)).toMatch(/\\u0000.*\\ud800/);
  });
});

describe('HttpApi security', () => {
  const api = new HttpApi({ title: 'test', version: '1', description: 'test' });
  const ok = { 200: { description: 'ok' } };
  api.get('/open', { operationId: 'open', summary: 'open', responses: ok }, () => undefined);
  api.get(
    '/read',
    { operationId: 'read', summary: 'read', scopes: ['things:read'], responses: ok },
    () => undefined,
  );
  api.post(
    '/write',
    {
      operationId: 'write',
      summary: 'write',
      scopes: ['things:write'],
      rateLimited: true,
      responses: ok,
    },
    () => undefined,
  );
  const document = api.openApiDocument() as Doc & {
    components: { securitySchemes?: Record<string, unknown> };
  };
  const op = (path: string, method: string) => document.paths[path]![method]!;

  it('documents the bearer scheme and the scopes of each protected operation', () => {
    expect(document.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
      }) as unknown,
    });
    expect(op('/read', 'get')['security']).toEqual([{ bearerAuth: ['things:read'] }]);
    expect(op('/open', 'get')['security']).toBeUndefined();
  });

  it('documents 401 with its challenge, 403, and 429 with Retry-After where they can happen', () => {
    const responses = (path: string, method: string) =>
      op(path, method)['responses'] as Record<string, { headers?: Record<string, unknown> }>;
    expect(Object.keys(responses('/open', 'get')).sort()).toEqual(['200', '431']);
    expect(Object.keys(responses('/read', 'get')).sort()).toEqual(['200', '401', '403', '431']);
    expect(Object.keys(responses('/write', 'post')).sort()).toEqual([
      '200',
      '401',
      '403',
      '429',
      '431',
    ]);
    expect(Object.keys(responses('/read', 'get')['401']!.headers ?? {})).toContain(
      'WWW-Authenticate',
    );
    expect(Object.keys(responses('/write', 'post')['429']!.headers ?? {})).toContain('Retry-After');
  });
});
