// A streaming client not written here, for the integration tests of the
// real cri-shim (tests/integration/streaming_test.cc): it opens the URL a
// CRI Exec, Attach or PortForward reply gave, speaks SPDY/3.1 through
// Node's spdy-transport or WebSocket through Node's ws, the way kubectl
// and client-go do, and reports what it received.
//
// Usage: node cri_stream_client.js PLAN_FILE   (the plan as JSON)
// Prints one line, the report as JSON, and exits 0 once the session ended
// (whatever the server did: the C++ test judges the report). Exits 1 with
// the reason on stderr when the client itself could not finish (timeout).
//
// Plan (every field but kind, transport and url is optional):
//   kind       "remote-command" | "port-forward" | "malformed-frame"
//   transport  "spdy" | "ws"
//   url        the URL from the CRI reply
//   protocols  SPDY: X-Stream-Protocol-Version values; WS: sub-protocols
//   streams    remote command: {stdin, stdout, stderr, tty, resize}; the
//              SPDY streams created, as client-go creates them: error
//              first, then stdin, stdout, stderr (not with tty), resize
//              (with tty, or when resize is true)
//   headers    extra headers on the SPDY error stream
//   steps      remote command, run in order once the streams exist:
//              {stdin: "text"}      data on stdin
//              {closeStdin: true}   SPDY: FIN on stdin; WS v5: [255, 0]
//              {resize: [w, h]}     {"Width":w,"Height":h} on resize
//              {rawResize: "text"}  bytes as they are on resize
//              {until: "text"}      wait until stdout holds text
//              {untilStderr: "text"} wait until stderr holds text
//              {rawBytes: "hex"}    SPDY: bytes on the socket as they are
//              {sleep: ms}
//   digest     count and SHA-256 stdout instead of reporting its bytes
//   connections  SPDY port-forward: [{port, send}], opened concurrently
//   sends      WS port-forward: the bytes to send on each port's data
//              channel, in the order of the URL's ports
//   expect     WS port-forward: per port, text whose arrival on its data
//              or error channel completes it; the client closes the
//              WebSocket once every port is complete (channels have no
//              half-close, so the server keeps them open until then)
//   waitClose  SPDY: finish when the server closes the connection
//   timeoutMs  give up (exit 1) after this long; 60000 by default
//
// Report: {httpStatus, httpBody, acceptedProtocols} when the upgrade was
// refused; otherwise {protocol, stdout | stdoutBytes + stdoutSha256,
// stderr, error, errorEnded, resets: {streamtype: code}, goaway,
// closeCode, closeReason, connectionError, closed} (remote command) or
// {connections: [{data, error, dataReset}]} (port forward).
'use strict'

const crypto = require('crypto')
const http = require('http')
const net = require('net')
const transport = require('spdy-transport')
const WebSocket = require('ws')

const plan = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'))
const report = {}

function fail (why) {
  process.stderr.write('cri_stream_client: ' + why + '\n' + JSON.stringify(report) + '\n')
  process.exit(1)
}
setTimeout(() => fail('timed out'), plan.timeoutMs || 60000).unref()
// Nothing left to wait for, yet no report: the session ended in a way this
// client did not expect. Say so rather than exit 0 with nothing printed.
process.on('beforeExit', () => {
  if (!finished) fail('the connection ended before the session finished')
})

let finished = false
function finish () {
  if (finished) return
  finished = true
  process.stdout.write(JSON.stringify(report) + '\n', () => process.exit(0))
}

// Collects a byte stream as latin1 text, or counts and hashes it.
function sink (digest) {
  const hash = crypto.createHash('sha256')
  let text = ''
  let bytes = 0
  let sha256 = null  // once computed, the hash is spent
  return {
    add (chunk) {
      bytes += chunk.length
      if (digest) hash.update(chunk)
      else text += chunk.toString('latin1')
    },
    text: () => text,
    put (into, name) {
      if (digest) {
        into[name + 'Bytes'] = bytes
        into[name + 'Sha256'] = sha256 = sha256 || hash.digest('hex')
      } else {
        into[name] = text
      }
    }
  }
}

// ---------------------------------------------------------------- SPDY

// The HTTP upgrade to SPDY/3.1, as client-go's SpdyRoundTripper does it.
function spdyUpgrade (onSession) {
  const url = new URL(plan.url)
  const headers = { Connection: 'Upgrade', Upgrade: 'SPDY/3.1' }
  const request = http.request({
    host: url.hostname,
    port: url.port,
    method: 'POST',
    path: url.pathname + url.search,
    headers
  })
  for (const p of plan.protocols || []) {
    const previous = request.getHeader('X-Stream-Protocol-Version')
    request.setHeader('X-Stream-Protocol-Version', previous ? [].concat(previous, p) : [p])
  }
  request.on('response', (res) => {
    report.httpStatus = res.statusCode
    report.acceptedProtocols = res.headers['x-accepted-stream-protocol-versions'] || null
    let body = ''
    res.on('data', (d) => { body += d })
    res.on('end', () => { report.httpBody = body; finish() })
  })
  request.on('upgrade', (res, socket, head) => {
    report.httpStatus = res.statusCode
    report.protocol = res.headers['x-stream-protocol-version'] || ''
    if (head.length) socket.unshift(head)
    onSession(socket)
  })
  request.on('error', (e) => { report.connectionError = e.message; finish() })
  request.end()
}

function spdyConnection (socket) {
  const conn = transport.connection.create(socket, { protocol: 'spdy', isServer: false })
  conn.start(3.1)
  conn.on('frame', (frame) => {
    if (frame.type === 'GOAWAY') report.goaway = frame.code
  })
  conn.on('error', (e) => { report.connectionError = e.message })
  socket.on('close', () => {
    report.closed = true
    if (plan.waitClose) setImmediate(finish)  // after the streams' last events
  })
  return conn
}

// A stream the server refused or the session lost before the stream was
// ready is reported in streamErrors (and onStream is not called); a
// session that ends there ends the client (waitClose) or times it out.
function openStream (conn, headers, onStream) {
  const note = (e) => {
    report.streamErrors = report.streamErrors || {}
    report.streamErrors[headers.streamtype] = e.message
  }
  let ready = false
  const stream = conn.request({ method: 'POST', path: '/', headers }, (err, s) => {
    if (err) return note(err)
    ready = true
    onStream(s)
  })
  // Errors before the callback (a GOAWAY racing the request) would
  // otherwise be unhandled.
  stream.on('error', (e) => { if (!ready) note(e) })
}

function spdyRemoteCommand () {
  spdyUpgrade((socket) => {
    const conn = spdyConnection(socket)
    const want = plan.streams || {}
    const types = ['error']
    if (want.stdin) types.push('stdin')
    if (want.stdout) types.push('stdout')
    if (want.stderr && !want.tty) types.push('stderr')
    if (want.tty || want.resize) types.push('resize')

    const streams = {}
    const out = sink(plan.digest)
    const err = sink(false)
    const error = sink(false)
    report.resets = {}
    let ends = 0
    const awaited = types.filter((t) => t === 'error' || t === 'stdout' || t === 'stderr').length
    const collect = () => {
      out.put(report, 'stdout')
      report.stderr = err.text()
      report.error = error.text()
    }
    socket.on('close', collect)
    const ended = () => {
      if (++ends < awaited) return
      out.put(report, 'stdout')
      report.stderr = err.text()
      report.error = error.text()
      if (plan.waitClose) return
      // What kubectl does once it read the status: close the connection.
      conn.end(() => socket.destroy())
      setTimeout(finish, 100)
    }

    // One at a time, in client-go's order.
    const create = (i) => {
      if (i === types.length) return runSteps()
      const type = types[i]
      openStream(conn, Object.assign({ streamtype: type }, type === 'error' ? plan.headers || {} : {}), (stream) => {
        streams[type] = stream
        let done = false
        const end = () => { if (!done) { done = true; if (type !== 'stdin' && type !== 'resize') ended() } }
        stream.on('error', (e) => {
          report.resets[type] = e.message.replace('Got RST: ', '')
          end()
        })
        stream.on('data', (chunk) => {
          if (type === 'stdout') out.add(chunk)
          else if (type === 'stderr') err.add(chunk)
          else if (type === 'error') error.add(chunk)
        })
        stream.on('end', () => {
          if (type === 'error') report.errorEnded = true
          end()
        })
        create(i + 1)
      })
    }
    create(0)

    const runSteps = async () => {
      for (const step of plan.steps || []) {
        if (step.stdin !== undefined) streams.stdin.write(Buffer.from(step.stdin, 'latin1'))
        if (step.closeStdin) streams.stdin.end()
        if (step.resize) streams.resize.write(JSON.stringify({ Width: step.resize[0], Height: step.resize[1] }))
        if (step.rawResize !== undefined) streams.resize.write(step.rawResize)
        if (step.until !== undefined) await waitFor(() => out.text().includes(step.until))
        if (step.untilStderr !== undefined) await waitFor(() => err.text().includes(step.untilStderr))
        if (step.rawBytes !== undefined) socket.write(Buffer.from(step.rawBytes, 'hex'))
        if (step.sleep) await new Promise((resolve) => setTimeout(resolve, step.sleep))
      }
    }
  })
}

function waitFor (condition) {
  return new Promise((resolve) => {
    const check = () => (condition() ? resolve() : setTimeout(check, 20))
    check()
  })
}

// Port forwarding as client-go's portforward does it, per connection: an
// error stream (closed for writing at once), then a data stream, both
// with the same port and requestid headers.
function spdyPortForward () {
  spdyUpgrade((socket) => {
    const conn = spdyConnection(socket)
    const results = plan.connections.map(() => ({ data: '', error: '', dataReset: null }))
    report.connections = results
    let pending = plan.connections.length * 2
    const ended = () => {
      if (--pending > 0) return
      conn.end(() => socket.destroy())
      setTimeout(finish, 100)
    }
    plan.connections.forEach((c, i) => {
      const headers = { port: String(c.port), requestid: String(i) }
      openStream(conn, Object.assign({ streamtype: 'error' }, headers), (errorStream) => {
        errorStream.end()
        let done = false
        const end = () => { if (!done) { done = true; ended() } }
        errorStream.on('data', (d) => { results[i].error += d.toString('latin1') })
        errorStream.on('end', end)
        errorStream.on('error', end)
        openStream(conn, Object.assign({ streamtype: 'data' }, headers), (dataStream) => {
          let done = false
          const end = () => { if (!done) { done = true; ended() } }
          dataStream.on('data', (d) => { results[i].data += d.toString('latin1') })
          dataStream.on('end', end)
          dataStream.on('error', (e) => { results[i].dataReset = e.message.replace('Got RST: ', ''); end() })
          dataStream.write(c.send || '')
          dataStream.end()
        })
      })
    })
  })
}

// A frame no SPDY peer may send: a SYN_STREAM too short for its fixed
// fields. Reports the GOAWAY status the server answers with, if any.
function malformedFrame () {
  spdyUpgrade((socket) => {
    let received = Buffer.alloc(0)
    socket.on('data', (d) => { received = Buffer.concat([received, d]) })
    socket.on('error', (e) => { report.connectionError = e.message })
    socket.on('close', () => {
      report.closed = true
      for (let at = 0; at + 8 <= received.length;) {
        const control = received[at] & 0x80
        const length = received.readUIntBE(at + 5, 3)
        if (control && received.readUInt16BE(at + 2) === 7 && at + 16 <= received.length) {
          report.goaway = received.readUInt32BE(at + 12)
        }
        at += 8 + length
      }
      finish()
    })
    socket.write(Buffer.from([0x80, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]))
  })
}

// ----------------------------------------------------------- WebSocket

function wsConnect (onOpen) {
  const ws = new WebSocket(plan.url, plan.protocols || [])
  ws.on('unexpected-response', (_, res) => {
    report.httpStatus = res.statusCode
    let body = ''
    res.on('data', (d) => { body += d })
    res.on('end', () => { report.httpBody = body; finish() })
  })
  ws.on('error', (e) => { report.connectionError = e.message })
  ws.on('open', () => {
    report.httpStatus = 101
    report.protocol = ws.protocol
    onOpen(ws)
  })
  return ws
}

function wsRemoteCommand () {
  const out = sink(plan.digest)
  const err = sink(false)
  const error = sink(false)
  const ws = wsConnect(async (ws) => {
    const send = (channel, data) => ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data, 'latin1')]))
    for (const step of plan.steps || []) {
      if (step.stdin !== undefined) send(0, step.stdin)
      if (step.closeStdin) ws.send(Buffer.from([255, 0]))
      if (step.resize) send(4, JSON.stringify({ Width: step.resize[0], Height: step.resize[1] }))
      if (step.rawResize !== undefined) send(4, step.rawResize)
      if (step.until !== undefined) await waitFor(() => out.text().includes(step.until))
      if (step.untilStderr !== undefined) await waitFor(() => err.text().includes(step.untilStderr))
      if (step.sleep) await new Promise((resolve) => setTimeout(resolve, step.sleep))
    }
  })
  ws.on('message', (message) => {
    const data = message.subarray(1)
    if (message[0] === 1) out.add(data)
    else if (message[0] === 2) err.add(data)
    else if (message[0] === 3) error.add(data)
  })
  ws.on('close', (code, reason) => {
    if (report.httpStatus !== 101) return
    report.closeCode = code
    report.closeReason = reason.toString()
    out.put(report, 'stdout')
    report.stderr = err.text()
    report.error = error.text()
    finish()
  })
}

// kubelet's WebSocket port forwarding: port i has data channel 2i and
// error channel 2i+1, each starting with the port (2 bytes, little-endian).
function wsPortForward () {
  const results = []
  let closing = false
  const ws = wsConnect(() => {})
  ws.on('message', (message) => {
    const channel = message[0]
    const index = channel >> 1
    const r = results[index] || (results[index] = { data: '', error: '', port: null, errorPort: null })
    let data = message.subarray(1)
    const portField = channel % 2 ? 'errorPort' : 'port'
    if (r[portField] === null && data.length >= 2) {
      r[portField] = data.readUInt16LE(0)
      data = data.subarray(2)
      if (channel % 2 === 0 && plan.sends && plan.sends[index]) ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(plan.sends[index], 'latin1')]))
    }
    if (channel % 2) r.error += data.toString('latin1')
    else r.data += data.toString('latin1')
    const complete = (plan.expect || []).every((text, i) =>
      results[i] && (results[i].data + results[i].error).includes(text))
    if (plan.expect && complete && !closing) {
      closing = true
      setTimeout(() => ws.close(1000), 100)
    }
  })
  ws.on('close', (code, reason) => {
    if (report.httpStatus !== 101) return
    report.closeCode = code
    report.closeReason = reason.toString()
    report.connections = results
    finish()
  })
}

const run = {
  'spdy remote-command': spdyRemoteCommand,
  'spdy port-forward': spdyPortForward,
  'spdy malformed-frame': malformedFrame,
  'ws remote-command': wsRemoteCommand,
  'ws port-forward': wsPortForward
}[plan.transport + ' ' + plan.kind]
if (!run) fail('unknown transport and kind: ' + plan.transport + ' ' + plan.kind)
run()
