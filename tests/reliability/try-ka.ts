import { Agent } from 'node:http';
import { Stack, send, sleep } from './harness.ts';
const stack = await new Stack({ label: 'ka' }).init();
await stack.start();
const big = JSON.stringify({ email: 'a@b.cc', password: 'x'.repeat(150_000) });
const kinds: Record<string, () => Parameters<typeof send>[1]> = {
  big413: () => ({ method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, body: big }),
  ct415: () => ({ method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'text/plain' }, body: '{"a":1}' }),
  unauth401: () => ({ method: 'POST', path: '/api/v1/me/security/verify', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }),
  badjson: () => ({ method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, body: '{' }),
  login401: () => ({ method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, body: '{"email":"a@b.cc","password":"xxxxxxxx"}' }),
  get404: () => ({ method: 'GET', path: '/api/v1/nothing' }),
  nobody: () => ({ method: 'POST', path: '/api/v1/auth/logout', headers: {} }),
  bodyNoCt: () => ({ method: 'POST', path: '/api/v1/auth/logout', headers: {}, body: '{"a":1}' }),
  invalidUtf8: () => ({ method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]) }),
};
for (const [name, make] of Object.entries(kinds)) {
  let drops = 0;
  for (let i = 0; i < 20; i++) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const a = await send(stack.base, { ...make(), agent, headers: { ...make().headers, 'x-forwarded-for': `10.9.${i}.${name.length}` } }).catch((e) => ({ status: 'ERR ' + e.message }));
    await sleep(5);
    const b = await send(stack.base, { method: 'GET', path: '/healthz', agent }).catch((e) => { drops++; return { status: 'ERR ' + e.message }; });
    if (i === 0) console.log(name, (a as any).status, (b as any).status);
    agent.destroy();
  }
  console.log(name, 'drops of the next request:', drops, '/20');
}
await stack.dispose();
process.exit(0);
