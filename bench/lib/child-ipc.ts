// Child side of the bench's IPC: answers the parent's calls and exits when the parent asks or disappears.
import { readFileSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export type CallMessage = { kind: 'call'; id: number; name: string; arg?: unknown }
export type ParentMessage = CallMessage | { kind: 'stop' }
export type ChildMessage =
  | { kind: 'ready'; info: Record<string, unknown> }
  | { kind: 'reply'; id: number; name: string; ok: true; value: unknown }
  | { kind: 'reply'; id: number; name: string; ok: false; error: string }

export type Handler = (arg: unknown) => unknown

/**
 * Wires this process to the bench parent. Built-in calls: 'usage', 'rss-reset' (opens a peak-RSS window), 'rss-peak' (closes it).
 * @example const parent = serveParent({ sampleRss: true }); parent.ready({ url })
 */
export function serveParent(opts: { sampleRss?: boolean; handlers?: Record<string, Handler>; onStop?: () => Promise<void> | void } = {}) {
  if (!process.send) throw new Error('this script is a bench child: run it through `npm run bench`')
  const send = (msg: ChildMessage) => process.send!(msg)

  // Peak RSS: sampled every 10 ms as the brief asks, and the kernel's exact high-water mark
  // (VmHWM, reset through clear_refs) as a cross-check that catches spikes between samples.
  // Sampling runs only inside a window (rss-reset … rss-peak): reading RSS goes through /proc and
  // cost ~170 µs a call on the bench machine under load, which would inflate CPU-per-request figures.
  let baseline = process.memoryUsage.rss()
  let sampledPeak = baseline
  let kernelPeakUsable = resetKernelPeak()
  let sampler: NodeJS.Timeout | null = null
  const sample = () => {
    const rss = process.memoryUsage.rss()
    if (rss > sampledPeak) sampledPeak = rss
  }
  const peak = () => ({ baseline, sampledPeak, kernelPeak: kernelPeakUsable ? kernelPeakBytes() : null })

  const handlers: Record<string, Handler> = {
    usage: () => ({ cpu: process.cpuUsage(), rss: process.memoryUsage.rss() }),
    'rss-reset': () => {
      if (!opts.sampleRss) throw new Error('this child does not sample RSS (serveParent({ sampleRss: true }))')
      baseline = process.memoryUsage.rss()
      sampledPeak = baseline
      kernelPeakUsable = resetKernelPeak()
      if (sampler) clearInterval(sampler)
      sampler = setInterval(sample, 10).unref()
      return peak()
    },
    /** Ends the window opened by rss-reset and returns its peak. */
    'rss-peak': () => {
      if (sampler) clearInterval(sampler)
      sampler = null
      sample()
      return peak()
    },
    ...opts.handlers,
  }

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    try {
      await opts.onStop?.()
    } finally {
      // process.exit (not a signal death) is what makes --cpu-prof write its profile.
      process.exit(0)
    }
  }
  process.on('message', (raw) => {
    const msg = raw as ParentMessage
    if (msg.kind === 'stop') return void stop()
    if (msg.kind !== 'call') return
    const handler = handlers[msg.name]
    if (!handler) return send({ kind: 'reply', id: msg.id, name: msg.name, ok: false, error: 'no such call' })
    Promise.resolve()
      .then(() => handler(msg.arg))
      .then(
        (value) => send({ kind: 'reply', id: msg.id, name: msg.name, ok: true, value }),
        (err: Error) => send({ kind: 'reply', id: msg.id, name: msg.name, ok: false, error: err.message }),
      )
  })
  // The parent died without cleaning up (SIGKILL, crash): its IPC channel closes and so do we.
  process.on('disconnect', () => void stop())
  process.on('SIGTERM', () => void stop())
  process.on('SIGINT', () => void stop())

  return {
    ready(info: Record<string, unknown>): void {
      send({ kind: 'ready', info })
    },
  }
}

function resetKernelPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
    return kernelPeakBytes() !== null
  } catch {
    return false
  }
}

function kernelPeakBytes(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'latin1'))
    return m ? Number(m[1]) * 1024 : null
  } catch {
    return null
  }
}

/**
 * Serves `server` as a bench child's HTTP upstream: keep-alive longer than the proxy pool's idle timeout
 * (so the upstream never closes a pooled socket under load), closed on the parent's stop, and announced
 * to the parent with its URL once listening.
 * @example serveUpstreamChild(createServer(handler), { bodyBytes: BODY.length })
 */
export function serveUpstreamChild(server: Server, info: Record<string, unknown> = {}): void {
  server.keepAliveTimeout = 65_000
  const parent = serveParent({
    onStop: () => {
      server.closeAllConnections()
      server.close()
    },
  })
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo
    parent.ready({ url: `http://127.0.0.1:${port}`, ...info })
  })
}
