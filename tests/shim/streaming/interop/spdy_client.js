// A SPDY/3.1 client not written here (Node's spdy-transport) for the SPDY
// session's interop test (tests/shim/streaming/spdy/interop_test.cc). It opens
// two streams on one connection at once and pings:
//   "echo":     sends UPLOAD bytes, half-closes, expects them back, then FIN;
//   "download": half-closes at once, expects DOWNLOAD bytes, then FIN.
// Both byte sequences follow pattern() below (the C++ side computes it too).
// Several MiB each way, so both directions run through many window updates
// (spdy-transport honours windows strictly, unlike spdystream).
// Prints "OK ..." and exits 0, or prints the failure and exits 1.
//
// Usage: node spdy_client.js PORT UPLOAD_BYTES DOWNLOAD_BYTES
'use strict'

const net = require('net')
const transport = require('spdy-transport')

const [port, uploadBytes, downloadBytes] = process.argv.slice(2).map(Number)

function pattern (offset, length) {
  const b = Buffer.alloc(length)
  for (let i = 0; i < length; i++) {
    const n = offset + i
    b[i] = (n * 31 + (n >>> 8)) & 0xff
  }
  return b
}

function fail (message) {
  console.log('FAIL ' + message)
  process.exit(1)
}

setTimeout(() => fail('timed out'), 60000).unref()

const socket = net.connect({ host: '127.0.0.1', port }, () => {
  const conn = transport.connection.create(socket, { protocol: 'spdy', isServer: false })
  conn.start(3.1)
  conn.on('error', (err) => fail('connection: ' + err.message))

  let pending = 3
  const results = []
  function done (what) {
    results.push(what)
    if (--pending === 0) {
      console.log('OK ' + results.join('; '))
      conn.end(() => socket.destroy())
      setTimeout(() => process.exit(0), 200)
    }
  }

  function open (type, onStream) {
    conn.request({ method: 'POST', path: '/' + type, headers: { streamtype: type } }, (err, stream) => {
      if (err) fail(type + ': ' + err.message)
      stream.on('error', (e) => fail(type + ' stream: ' + e.message))
      stream.on('response', (code) => { if (code !== 200) fail(type + ': status ' + code) })
      onStream(stream)
    })
  }

  // Collects a stream's bytes and checks them against pattern() on 'end'.
  function expect (type, stream, length) {
    const chunks = []
    let received = 0
    stream.on('data', (c) => { chunks.push(c); received += c.length })
    stream.on('end', () => {
      if (received !== length) fail(type + ': got ' + received + ' bytes, want ' + length)
      if (!Buffer.concat(chunks).equals(pattern(0, length))) fail(type + ': bytes differ')
      done(type + ' ' + received + ' bytes')
    })
  }

  open('echo', (stream) => {
    expect('echo', stream, uploadBytes)
    const chunk = 100000 // not a multiple of any window: frames split unevenly
    let offset = 0
    ;(function writeMore () {
      while (offset < uploadBytes) {
        const n = Math.min(chunk, uploadBytes - offset)
        const more = stream.write(pattern(offset, n))
        offset += n
        if (!more) return stream.once('drain', writeMore)
      }
      stream.end()
    })()
  })

  open('download', (stream) => {
    expect('download', stream, downloadBytes)
    stream.end()
  })

  conn.ping(() => done('ping answered'))
})
socket.on('error', (err) => fail('socket: ' + err.message))
