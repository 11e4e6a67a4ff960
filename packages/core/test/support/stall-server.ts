import { createServer, type Server, type Socket } from 'node:net'

/**
 * A raw TCP server on 127.0.0.1 that plays a daemon gone wrong: `silent` accepts every connection and
 * never answers; `drip` answers a well-formed HTTP reply one byte per `dripMs` (so a reply is never
 * complete within any timeout a test uses). Counts connections; close() ends every socket.
 */
export interface StallServer {
  url: string
  port: number
  connections(): number
  close(): Promise<void>
}

export async function startStallServer(
  mode: 'silent' | 'drip',
  options: { dripMs?: number; port?: number } = {},
): Promise<StallServer> {
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  let connections = 0
  const reply = Buffer.from(
    'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n' +
      `{"version":"0.0.1","uptime":"1s","total_jobs":0,"running_jobs":0}`.padEnd(64),
  )
  const server: Server = createServer((socket) => {
    connections++
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
    if (mode === 'silent') return
    let sent = 0
    const timer = setInterval(() => {
      if (sent >= reply.length || socket.destroyed) {
        clearInterval(timer)
        timers.delete(timer)
        return
      }
      socket.write(reply.subarray(sent, sent + 1))
      sent++
    }, options.dripMs ?? 1_000)
    timers.add(timer)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', resolve)
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    connections: () => connections,
    async close() {
      for (const timer of timers) clearInterval(timer)
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
