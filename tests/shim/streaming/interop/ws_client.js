// A WebSocket client that is not cri-shim's: Node's ws, driving one
// scenario against the server under test (tests/shim/streaming/websocket/
// interop_test.cc). Usage: node ws_client.js <scenario> <url>
// Exits 0 when the server behaved, 1 with the reason on stderr otherwise.
'use strict';
const WebSocket = require('ws');

const [scenario, url] = process.argv.slice(2);

function fail(why) {
  console.error(`${scenario}: ${why}`);
  process.exit(1);
}
setTimeout(() => fail('timed out'), 15000).unref();

// Messages in arrival order, as {channel, data: Buffer}, decoded per protocol.
function channelClient(protocols, onReady) {
  const ws = new WebSocket(url, protocols);
  const queue = [];
  let waiter = null;
  ws.on('message', (message, isBinary) => {
    let entry;
    if (ws.protocol.includes('base64')) {
      if (isBinary) fail('binary message on a base64 protocol');
      const text = message.toString();
      entry = { channel: text.charCodeAt(0) - 48, data: Buffer.from(text.slice(1), 'base64') };
    } else {
      if (!isBinary) fail('text message on a binary protocol');
      entry = { channel: message[0], data: message.subarray(1) };
    }
    queue.push(entry);
    if (waiter) { const w = waiter; waiter = null; w(); }
  });
  ws.on('error', (e) => fail(`socket error: ${e.message}`));
  ws.on('unexpected-response', (_, res) => fail(`refused with HTTP ${res.statusCode}`));
  const next = () => new Promise((resolve) => {
    const take = () => resolve(queue.shift());
    if (queue.length) take(); else waiter = take;
  });
  const send = (channel, data) => {
    if (ws.protocol.includes('base64')) {
      ws.send(String.fromCharCode(48 + channel) + Buffer.from(data).toString('base64'));
    } else {
      ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
    }
  };
  const closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('open', () => onReady({ ws, next, send, closed }));
}

async function expectMessage(next, channel, text) {
  const m = await next();
  if (!m) fail('no message');
  if (m.channel !== channel || m.data.toString('latin1') !== text) {
    fail(`expected [${channel}] ${JSON.stringify(text)}, got [${m.channel}] ${JSON.stringify(m.data.toString('latin1'))}`);
  }
}

async function exec(c, protocol, closeSignal) {
  if (c.ws.protocol !== protocol) fail(`negotiated ${JSON.stringify(c.ws.protocol)}, wanted ${protocol}`);
  await expectMessage(c.next, 1, '');  // kubelet's "streams are open" notice
  c.send(0, 'hello from node\n');
  await expectMessage(c.next, 1, 'echo:hello from node\n');
  if (closeSignal) {
    c.ws.send(Buffer.from([255, 0]));  // stdin EOF
  } else {
    c.send(0, 'exit\n');
  }
  await expectMessage(c.next, 3, '{"metadata":{},"status":"Success"}');
  const { code } = await c.closed;
  if (code !== 1000) fail(`closed with ${code}, wanted 1000`);
}

const scenarios = {
  'exec-v5': () => channelClient(['v5.channel.k8s.io', 'v4.channel.k8s.io'], (c) => exec(c, 'v5.channel.k8s.io', true).then(done)),
  'exec-v4': () => channelClient(['v4.channel.k8s.io', 'channel.k8s.io'], (c) => exec(c, 'v4.channel.k8s.io', false).then(done)),
  'exec-v4-base64': () => channelClient(['v4.base64.channel.k8s.io'], (c) => exec(c, 'v4.base64.channel.k8s.io', false).then(done)),
  'reject': () => {
    const ws = new WebSocket(url, ['v3.channel.k8s.io', 'v2.channel.k8s.io']);
    ws.on('open', () => fail('the server accepted an unsupported protocol'));
    ws.on('error', () => {});
    ws.on('unexpected-response', (_, res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        if (res.statusCode !== 400) fail(`HTTP ${res.statusCode}, wanted 400`);
        if (!body.includes('requested protocol(s) are not supported')) fail(`body ${JSON.stringify(body)}`);
        done();
      });
    });
  },
  'portforward': () => channelClient(['v4.channel.k8s.io'], async (c) => {
    if (c.ws.protocol !== 'v4.channel.k8s.io') fail(`negotiated ${c.ws.protocol}`);
    await expectMessage(c.next, 0, '\x50\x00');  // port 80, little-endian
    await expectMessage(c.next, 1, '\x50\x00');
    await expectMessage(c.next, 2, '\x90\x1f');  // port 8080
    await expectMessage(c.next, 3, '\x90\x1f');
    c.send(2, 'ping');
    await expectMessage(c.next, 2, 'pong');
    const { code } = await c.closed;
    if (code !== 1000) fail(`closed with ${code}, wanted 1000`);
    done();
  }),
};

function done() {
  console.log(`${scenario}: ok`);
  process.exit(0);
}

if (!scenarios[scenario]) fail('unknown scenario');
scenarios[scenario]();
