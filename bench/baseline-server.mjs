import Fastify from 'fastify';

// The baseline: a bare Fastify route returning a small JSON object, on this machine, in this run
// (plain JavaScript, so it runs as directly as the production build of Tandem).
const app = Fastify({ logger: false });
app.get('/baseline', async () => ({ id: 1, username: 'baseline', email: 'baseline@example.com', created_at: '2026-01-01T00:00:00Z' }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
