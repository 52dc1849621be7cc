import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createContainer } from './container.js';
import { safeError } from './http/plugins/safe-error.js';

/** Process entry: config → container → app → listen; closes cleanly on SIGTERM/SIGINT. */
async function main() {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tandem: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  // Background failures (Redis dropping, a subscriber throwing) go to the app's log once it exists.
  let report: (err: unknown) => void = () => undefined;
  const container = await createContainer(config, (err) => report(err));
  const app = await buildApp(config, container);
  report = (err) => app.log.warn({ error: safeError(err) }, 'background error');
  // A client library's stray rejection while Redis or the database drops must not end the process.
  process.on('unhandledRejection', (err) => report(err));
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await app.close();
      await container.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ error: safeError(err) }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  await app.ready();
  // The OpenAPI document is generated on first use (~0.3 s of CPU for the YAML form): build both
  // forms before listening, so no request (anonymous ones to /docs/yaml included) pays for it.
  app.swagger();
  app.swagger({ yaml: true });
  await app.listen({ port: config.port, host: config.host });
}

main().catch((err) => {
  process.stderr.write(`tandem: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
