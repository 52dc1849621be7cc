import WebSocket from 'ws';

/**
 * The live heap of a process started with `--inspect=127.0.0.1:<port>`: forces a full garbage
 * collection through the inspector protocol and reads what is left, so a growing live set (a leak)
 * can be told apart from V8 merely letting garbage pile up between collections.
 */
export async function connectLiveHeap(inspectPort: number): Promise<{ liveMb(): Promise<number>; close(): void }> {
  let targets: { webSocketDebuggerUrl: string }[] = [];
  for (let i = 0; i < 50 && !targets.length; i++) {
    targets = await fetch(`http://127.0.0.1:${inspectPort}/json/list`).then((r) => r.json()).catch(() => []);
    if (!targets.length) await new Promise((r) => setTimeout(r, 100));
  }
  if (!targets.length) throw new Error(`no inspector on port ${inspectPort}`);
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let id = 0;
  const pending = new Map<number, (result: any) => void>();
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.id !== undefined) pending.get(m.id)?.(m.result);
  });
  const send = (method: string) => new Promise<any>((resolve) => {
    pending.set(++id, resolve);
    ws.send(JSON.stringify({ id, method }));
  });
  return {
    async liveMb() {
      await send('HeapProfiler.collectGarbage');
      const usage = await send('Runtime.getHeapUsage');
      return usage.usedSize / 2 ** 20;
    },
    close: () => ws.close(),
  };
}
