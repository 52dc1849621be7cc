import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './cluster.js';

/** The newest installed PostgreSQL's bin folder (Debian layout), as `.ci/services.sh` finds it. */
function pgBin(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
  return `/usr/lib/postgresql/${versions[versions.length - 1]}/bin`;
}

// Asynchronous on purpose: a synchronous initdb holds the test worker's event loop, and past 60 s
// (a loaded machine) Vitest's own RPC from that worker times out and fails the run.
const asPostgres = (cmd: string) => promisify(execFile)('su', ['postgres', '-s', '/bin/sh', '-c', cmd], { timeout: 120_000 });

/**
 * A PostgreSQL server of the test's own (initdb into a temp folder, on a free port), so a fault
 * test can stop and start it without touching the shared server the other suites use.
 */
export class PrivatePostgres {
  private constructor(readonly dir: string, readonly port: number) {}
  get url() {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-pg-'));
    chmodSync(dir, 0o777); // the postgres user writes here
    const pg = new PrivatePostgres(dir, await freePort());
    await asPostgres(`'${pgBin()}/initdb' -D '${dir}/data' -U postgres --auth=trust -E UTF8 >/dev/null`);
    await pg.start();
    return pg;
  }

  async start(): Promise<void> {
    await asPostgres(`'${pgBin()}/pg_ctl' -D '${this.dir}/data' -l '${this.dir}/log' -w start -o "-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off" >/dev/null`);
  }

  /** Fast shutdown: open connections are terminated, as when the database host goes away. */
  async stop(): Promise<void> {
    await asPostgres(`'${pgBin()}/pg_ctl' -D '${this.dir}/data' -m fast -w stop >/dev/null`);
  }

  async destroy(): Promise<void> {
    try { await this.stop(); } catch { /* already stopped */ }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
