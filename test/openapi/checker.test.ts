import { describe, expect, it } from 'vitest';
import { OpenApiChecker } from '../helpers/openapi-check.js';

/* The response checker itself: it must catch each kind of mismatch, and skip what it should. */
const doc = {
  openapi: '3.0.3',
  info: { title: 't', version: '1' },
  paths: {
    '/api/things/{id}': {
      get: {
        operationId: 'getThing',
        parameters: [{ in: 'path', name: 'id', required: true, schema: { type: 'integer' } }, { in: 'query', name: 'limit', required: true, schema: { type: 'integer' } }],
        responses: {
          200: {
            description: 'ok',
            headers: { ETag: { $ref: '#/components/headers/ETag' } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
          404: { $ref: '#/components/responses/NotFound' },
        },
      },
    },
  },
  components: {
    headers: { ETag: { required: true, schema: { type: 'string' } } },
    responses: { NotFound: { description: 'nf', content: { 'application/json': { schema: { type: 'object', required: ['detail'] } } } } },
    schemas: { Thing: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } } },
  },
};
const checker = new OpenApiChecker(doc);
const res = (url: string, status: number, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  ({ method: 'GET', url, status, headers, body: Buffer.from(body === undefined ? '' : JSON.stringify(body)) });

describe('the OpenAPI response checker', () => {
  it('accepts a response that matches', () => {
    expect(checker.check(res('/api/things/1?limit=2', 200, { id: 1 }, { 'content-type': 'application/json', etag: '"x"' }))).toEqual([]);
    expect(checker.check(res('/api/things/1?limit=2', 404, { detail: {} }))).toEqual([]);
  });

  it('names the operation, status and path of each mismatch', () => {
    const [undocumented] = checker.check(res('/api/things/1?limit=2', 409, { detail: {} }));
    expect(undocumented).toMatch(/getThing GET \/api\/things\/\{id\}: status 409 is not documented/);
    expect(checker.check(res('/api/things/1?limit=2', 200, { id: 'one' }, { 'content-type': 'application/json', etag: '"x"' })).join()).toMatch(/body does not match/);
    expect(checker.check(res('/api/things/1?limit=2', 200, { id: 1 })).join()).toMatch(/required header ETag missing/);
    expect(checker.check(res('/api/things/1?limit=2', 200, { id: 1 }, { 'content-type': 'text/html', etag: '"x"' })).join()).toMatch(/media type text\/html not documented/);
    expect(checker.check(res('/api/things/1', 200, { id: 1 }, { 'content-type': 'application/json', etag: '"x"' })).join()).toMatch(/required query parameter limit missing/);
  });

  it('fails an /api route the document lacks, and skips routes outside /api', () => {
    expect(checker.check(res('/api/others', 200, {}), [{ method: 'GET', url: '/api/others' }]).join()).toMatch(/no operation in the OpenAPI document/);
    expect(checker.check(res('/api/nothing', 404, { detail: {} }), [])).toEqual([]);
    expect(checker.check(res('/dav/calendars/x', 207, '<xml/>', { 'content-type': 'application/xml' }))).toEqual([]);
  });
});
