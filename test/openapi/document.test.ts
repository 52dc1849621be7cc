import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

/*
 * The OpenAPI document as a client author meets it: lint-clean (redocly, recommended rules), and
 * a TypeScript client generated from it (openapi-typescript) type-checks and works against the
 * running server through openapi-fetch without passing any optional parameter.
 */
const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const bin = (name: string) => join(repo, 'node_modules/.bin', name);

type Json = Record<string, any>;
let t: TestApp;
let doc: Json;
let dir: string;

beforeAll(async () => {
  t = await startTestApp();
  doc = t.app.swagger() as Json;
  dir = mkdtempSync(join(tmpdir(), 'tandem-openapi-'));
  writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc, null, 2));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

/** A copy with every local `$ref` to a response or header replaced by its target. */
function inlined(node: unknown): any {
  if (Array.isArray(node)) return node.map(inlined);
  if (!node || typeof node !== 'object') return node;
  const o = node as Json;
  if (typeof o.$ref === 'string' && /^#\/components\/(responses|headers)\//.test(o.$ref)) {
    return inlined(o.$ref.slice(2).split('/').reduce((n: Json, k: string) => n[k], doc));
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, inlined(v)]));
}

function operations(): { method: string; path: string; op: Json }[] {
  const out: { method: string; path: string; op: Json }[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) out.push({ method: method.toUpperCase(), path, op: inlined(op) });
  }
  return out;
}

/** Warnings we keep, each for a reason the document cannot change. */
const ACCEPTED_WARNINGS: { rule: string; pointer: RegExp; why: string }[] = [
  { rule: 'operation-4xx-response', pointer: /^#\/paths\/~1(health|ready|metrics)\/get\/responses$/, why: 'ops endpoints take no input and no token: they send no 4xx' },
  { rule: 'operation-2xx-response', pointer: /^#\/paths\/~1api~1notifications~1ws\/get\/responses$/, why: 'a WebSocket upgrade succeeds with 101' },
];

describe('the OpenAPI document', () => {
  it('passes redocly lint (recommended rules) with no errors and only the accepted warnings', async () => {
    const { stdout } = await run(bin('redocly'), ['lint', 'openapi.json', '--config', join(repo, 'redocly.yaml'), '--format=json'], {
      cwd: dir,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      timeout: 120_000,
    }).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr }));
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: Json[] };
    const describe = (p: Json) => `${p.severity} ${p.ruleId} at ${p.location?.[0]?.pointer}: ${p.message}`;
    const errors = report.problems.filter((p) => p.severity === 'error').map(describe);
    expect(errors, errors.join('\n')).toEqual([]);
    const unexpected = report.problems
      .filter((p) => p.severity === 'warn' && !ACCEPTED_WARNINGS.some((a) => a.rule === p.ruleId && a.pointer.test(p.location?.[0]?.pointer ?? '')))
      .map(describe);
    expect(unexpected, unexpected.join('\n')).toEqual([]);
    expect(report.totals.errors).toBe(0);
  }, 120_000);

  it('names every operation (camelCase, unique) and states its security', () => {
    const ids = operations().map((o) => o.op.operationId as string);
    for (const { method, path, op } of operations()) {
      expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(Array.isArray(op.security), `${method} ${path} security`).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
    const publicOps = operations().filter((o) => o.op.security.length === 0 || o.op.security.some((s: Json) => Object.keys(s).length === 0));
    expect(publicOps.map((o) => o.op.operationId).sort()).toEqual(['getHealth', 'getMetrics', 'getReadiness', 'login', 'refreshTokens', 'register']);
  });

  it('documents the statuses and headers every operation of its kind can send', () => {
    for (const { method, path, op } of operations()) {
      const where = `${op.operationId} ${method} ${path}`;
      const statuses = Object.keys(op.responses);
      expect(statuses, where).toContain('500');
      if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) expect(statuses, where).toEqual(expect.arrayContaining(['400', '413', '415']));
      if (op.security.some((s: Json) => 'bearer' in s)) expect(statuses, where).toContain('401');
      if (!['/health', '/ready', '/metrics'].includes(path)) {
        expect(op.responses['429']?.headers?.['Retry-After']?.required, where).toBe(true);
        const ok = Object.entries(op.responses as Json).find(([s]) => s.startsWith('2'));
        if (ok) expect(ok[1].headers?.['X-RateLimit-Remaining']?.required, where).toBe(true);
      }
      for (const [status, r] of Object.entries(op.responses as Json)) {
        if (r.content?.['application/json']) expect(Object.keys(r.content), `${where} ${status}`).toContain('application/x-msgpack');
      }
      if (op.requestBody?.content?.['application/json']) expect(Object.keys(op.requestBody.content), where).toContain('application/x-msgpack');
    }
    const login = doc.paths['/api/auth/login'].post;
    expect(Object.keys(login.requestBody.content)).toContain('application/x-www-form-urlencoded');
    expect(inlined(doc.paths['/api/events'].post.responses['201'].headers)).toMatchObject({ ETag: { required: true }, Location: { required: true } });
  });

  it('marks no parameter with a default as required', () => {
    const wrong = operations().flatMap(({ op }) =>
      ((op.parameters ?? []) as Json[]).filter((p) => p.required && p.schema?.default !== undefined).map((p) => `${op.operationId} ${p.name}`));
    expect(wrong).toEqual([]);
  });

  it('generates a TypeScript client that type-checks and works without optional parameters', async () => {
    await run(bin('openapi-typescript'), ['openapi.json', '-o', 'api.d.ts'], { cwd: dir, timeout: 120_000 });
    copyFileSync(join(repo, 'test/openapi/client-usage.ts'), join(dir, 'client-usage.ts'));
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: [], skipLibCheck: true },
      files: ['client-usage.ts'],
    }));
    const tsc = await run(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: dir, timeout: 180_000 }).then(() => '', (e: { stdout?: string }) => e.stdout || String(e));
    expect(tsc, tsc).toBe('');

    // The same file, run: its imports of the generated file are type-only. (A computed specifier,
    // so the main type-check does not follow it to the generated file it cannot see.)
    const usage = join(repo, 'test/openapi/client-usage.ts');
    const { clientRoundTrip } = (await import(usage)) as {
      clientRoundTrip(base: string, login: { username: string; password: string }, friendId: number):
        Promise<{ created: Json; listed: number; sharedWith: string[]; changedFields: string[] }>;
    };
    const base = await t.listen();
    const [owner, friend] = [await t.user('client'), await t.user('friend')];
    const out = await clientRoundTrip(base, { username: owner.username, password: owner.password }, friend.id);
    expect(out.created.recurrence_pattern).toMatchObject({ frequency: 'WEEKLY', by_weekday: ['MO', 'TH'], count: 10 });
    expect(out.listed).toBe(1);
    expect(out.sharedWith).toEqual([owner.username, friend.username]);
    expect(out.changedFields).toEqual(expect.arrayContaining(['title', 'recurrence_pattern']));
  }, 300_000); // two child processes (generator, tsc): seconds each, far more on a loaded machine
});
