/** The double's own contract (README in test/doubles/logs-ingestion), checked with raw HTTPS calls. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import https from 'node:https';
import { gzipSync } from 'node:zlib';
import { defaultStreamDeclarations, MAX_CALL_BYTES, startLogsIngestionDouble, type LogsIngestionDouble } from '../../doubles/logs-ingestion/server.js';

let double: LogsIngestionDouble;
beforeAll(async () => {
  double = await startLogsIngestionDouble({ token: 'raw-token', streams: ['Custom-A_CL'] });
});
afterAll(async () => {
  await double.close();
});

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function post(path: string, body: Buffer, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = https.request(`${double.endpoint}${path}`, { method: 'POST', ca: double.caPem, agent: false, headers: { authorization: 'Bearer raw-token', 'content-type': 'application/json', ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const path = (stream = 'Custom-A_CL', query = 'api%2Dversion=2023-01-01') => `/dataCollectionRules/${double.ruleId}/streams/${stream}?${query}`;
const gzipJson = (value: unknown) => gzipSync(Buffer.from(JSON.stringify(value)));

describe('Logs Ingestion double', () => {
  it('accepts a gzipped array with 204 and stores its rows', async () => {
    double.reset();
    const answer = await post(path(), gzipJson([{ A: 1 }, { A: 2 }]), { 'content-encoding': 'gzip' });
    expect(answer.status).toBe(204);
    expect(double.rows('Custom-A_CL')).toEqual([{ A: 1 }, { A: 2 }]);
    expect(double.calls).toEqual([expect.objectContaining({ stream: 'Custom-A_CL', status: 204, acceptedRows: 2 })]);
  });

  it('accepts the plain api-version spelling too', async () => {
    expect((await post(path('Custom-A_CL', 'api-version=2023-01-01'), Buffer.from('[]'))).status).toBe(204);
  });

  it.each([
    ['a wrong token', () => post(path(), Buffer.from('[]'), { authorization: 'Bearer nope' }), 401],
    ['no api-version', () => post(path('Custom-A_CL', ''), Buffer.from('[]')), 400],
    ['an undeclared stream', () => post(path('Custom-B_CL'), Buffer.from('[]')), 400],
    ['an unknown rule', () => post(`/dataCollectionRules/dcr-other/streams/Custom-A_CL?api-version=2023-01-01`, Buffer.from('[]')), 404],
    ['a body that is not JSON', () => post(path(), Buffer.from('{oops')), 400],
    ['a JSON object instead of an array', () => post(path(), Buffer.from('{"A":1}')), 400],
    ['a body that is not gzip despite the header', () => post(path(), Buffer.from('[]'), { 'content-encoding': 'gzip' }), 400],
  ])('rejects %s', async (_name, send, status) => {
    expect((await send()).status).toBe(status);
  });

  it('rejects a body over 1 MB after decompression with 413', async () => {
    const rows = Array.from({ length: 1100 }, () => ({ Text: 'y'.repeat(1000) }));
    const answer = await post(path(), gzipJson(rows), { 'content-encoding': 'gzip' });
    expect(answer.status).toBe(413);
    expect(Buffer.byteLength(JSON.stringify(rows))).toBeGreaterThan(MAX_CALL_BYTES);
  });

  it('plays injected faults for the next N calls, then recovers', async () => {
    double.reset();
    double.setFaults([
      { kind: 'throttle', times: 1, retryAfterSeconds: 7 },
      { kind: 'server-error', times: 1 },
      { kind: 'drop', times: 1 },
    ]);
    const throttled = await post(path(), Buffer.from('[{"A":1}]'));
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('7');
    expect((await post(path(), Buffer.from('[{"A":1}]'))).status).toBe(500);
    await expect(post(path(), Buffer.from('[{"A":1}]'))).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await post(path(), Buffer.from('[{"A":1}]'))).status).toBe(204);
    expect(double.rows('Custom-A_CL')).toEqual([{ A: 1 }]);
    expect(double.calls.map((call) => call.status)).toEqual([429, 500, 'dropped', 204]);
  });
});

describe('Logs Ingestion double with the scanner\'s stream declarations', () => {
  it('keeps the declared columns and drops (and reports) the others, like a data collection rule', async () => {
    const scanner = await startLogsIngestionDouble({ token: 'raw-token' });
    try {
      const [stream, columns] = [...defaultStreamDeclarations()][0]!;
      expect(columns.has('TimeGenerated')).toBe(true);
      const answer = await new Promise<number>((resolve, reject) => {
        const request = https.request(`${scanner.endpoint}/dataCollectionRules/${scanner.ruleId}/streams/${stream}?api-version=2023-01-01`, { method: 'POST', ca: scanner.caPem, agent: false, headers: { authorization: 'Bearer raw-token', 'content-type': 'application/json' } }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        });
        request.on('error', reject);
        request.end(JSON.stringify([{ TimeGenerated: '2026-01-01T00:00:00Z', Title: 'reserved', Misspelt: 1 }]));
      });
      expect(answer).toBe(204);
      expect(scanner.rows(stream)).toEqual([{ TimeGenerated: '2026-01-01T00:00:00Z' }]);
      expect(scanner.droppedColumns(stream)).toEqual(['Misspelt', 'Title']);
    } finally {
      await scanner.close();
    }
  });
});
