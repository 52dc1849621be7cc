import { describe, expect, it } from 'vitest';
import { AppError, outcomeOfError, outcomeOfStatus } from './errors.js';

describe('audit outcomes', () => {
  it('map statuses to ok, denied, invalid and error', () => {
    expect([200, 201, 204].map(outcomeOfStatus)).toEqual(['ok', 'ok', 'ok']);
    expect([401, 403, 404, 429].map(outcomeOfStatus)).toEqual(['denied', 'denied', 'denied', 'denied']);
    expect([400, 409, 410, 412, 413, 415].map(outcomeOfStatus)).toEqual(Array(6).fill('invalid'));
    expect([500, 503].map(outcomeOfStatus)).toEqual(['error', 'error']);
  });
  it('never passes a driver code through', () => {
    expect(outcomeOfError(Object.assign(new Error('numeric field overflow'), { code: '22003' }))).toEqual({ outcome: 'error', code: 'INTERNAL_ERROR' });
    expect(outcomeOfError(new AppError('PRECONDITION_FAILED', 'x'))).toEqual({ outcome: 'invalid', code: 'PRECONDITION_FAILED' });
  });
});
