// The peer the receiver is compared with in bench/stack.sh: the seed's minimal Node receiver for
// GitHub webhooks. It reads the raw body, verifies X-Hub-Signature-256 (HMAC-SHA256, constant-time
// compare), logs one line per delivery and answers 202. It stores nothing and queues nothing, so it
// is an upper bound for "verify and log", not a peer in guarantees.
// Usage: GITHUB_WEBHOOK_SECRET=... node bench/peer/github-receiver.mjs <port>
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

const secret = process.env.GITHUB_WEBHOOK_SECRET;
if (!secret) {
  console.error('GITHUB_WEBHOOK_SECRET is not set');
  process.exit(2);
}
const port = Number(process.argv[2] ?? 8099);

createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/webhooks/github') {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const expected = Buffer.from('sha256=' + createHmac('sha256', secret).update(body).digest('hex'));
    const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(401).end();
      return;
    }
    console.log(`delivery ${req.headers['x-github-delivery']} ${req.headers['x-github-event']} ${body.length} bytes`);
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
  });
}).listen(port, '127.0.0.1', () => console.log(`peer listening on ${port}`));
