// Parent side of the bench's child processes: spawn with IPC, track, and kill them on every way out.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { CallMessage, ChildMessage, ParentMessage } from './child-ipc.js'

// A crashed or interrupted run must leave no orphan holding a port or a core.

export type SpawnOptions = {
  /** Shown in progress lines and errors; defaults to the script's file name. */
  name?: string
  env?: Record<string, string>
  /** Extra node flags put before `--import tsx` (e.g. --cpu-prof). */
  execArgv?: string[]
  /** The child's stdout: 'ignore' is /dev/null (where the proxy's JSON logs go in the bench). */
  stdout?: 'ignore' | 'inherit'
  readyTimeoutMs?: number
}

export type ProcessUsage = {
  /** process.cpuUsage() of the child, µs. */
  cpu: { user: number; system: number }
  rss: number
}

export type PeakRss = {
  /** RSS when the peak was last reset, bytes. */
  baseline: number
  /** Highest RSS sampled every ~10 ms in the window, bytes. */
  sampledPeak: number
  /** The kernel's high-water mark since the reset (VmHWM), bytes; null where /proc lacks it. */
  kernelPeak: number | null
}

export type BenchChild = {
  name: string
  pid: number
  /** What the child sent with its ready message (e.g. its url). */
  info: Record<string, unknown>
  /** Calls a handler the child registered with serveParent(). */
  call<T = unknown>(name: string, arg?: unknown): Promise<T>
  usage(): Promise<ProcessUsage>
  /** Opens a peak-RSS window (sampling every ~10 ms); the child must pass sampleRss to serveParent. */
  resetPeakRss(): Promise<PeakRss>
  /** Closes the window and returns its peak. */
  peakRss(): Promise<PeakRss>
  /** Asks the child to exit (so --cpu-prof profiles get written), then kills it after a grace. */
  stop(): Promise<void>
  exited: Promise<number | null>
}

const live = new Set<ChildProcess>()

/** Synchronous last resort for process 'exit' and signal handlers: nothing async runs there. */
export function killAllChildren(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL')
    } catch {
      // Already gone: nothing to clean.
    }
  }
  live.clear()
}

/** @example const upstream = await spawnChild(new URL('../children/upstream.ts', import.meta.url)) */
export async function spawnChild(script: string | URL, opts: SpawnOptions = {}): Promise<BenchChild> {
  const path = typeof script === 'string' ? script : fileURLToPath(script)
  const name = opts.name ?? path.replace(/^.*\//, '').replace(/\.ts$/, '')
  const child = spawn(process.execPath, [...(opts.execArgv ?? []), '--import', 'tsx', path], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', opts.stdout ?? 'ignore', 'inherit', 'ipc'],
  })
  live.add(child)
  let nextId = 1
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child)
      const err = new Error(`bench child ${name} exited (${signal ?? `code ${code}`})`)
      for (const p of pending.values()) p.reject(err)
      pending.clear()
      resolve(code)
    })
  })
  child.on('message', (raw) => {
    const msg = raw as ChildMessage
    if (msg.kind !== 'reply') return
    const p = pending.get(msg.id)
    if (!p) return
    pending.delete(msg.id)
    if (msg.ok) p.resolve(msg.value)
    else p.reject(new Error(`${name}.${msg.name}: ${msg.error}`))
  })

  const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`bench child ${name} was not ready within ${opts.readyTimeoutMs ?? 30_000} ms`))
    }, opts.readyTimeoutMs ?? 30_000)
    const onMessage = (raw: unknown) => {
      const msg = raw as ChildMessage
      if (msg.kind !== 'ready') return
      clearTimeout(timer)
      child.off('message', onMessage)
      resolve(msg.info)
    }
    child.on('message', onMessage)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`bench child ${name} exited before it was ready (code ${code}); its stderr is above`))
    })
  })

  function call<T>(callName: string, arg?: unknown): Promise<T> {
    if (!child.connected) return Promise.reject(new Error(`bench child ${name} is not running`))
    const id = nextId++
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      const msg: CallMessage = { kind: 'call', id, name: callName, arg }
      child.send(msg)
    })
  }

  return {
    name,
    pid: child.pid!,
    info,
    call,
    usage: () => call<ProcessUsage>('usage'),
    resetPeakRss: () => call<PeakRss>('rss-reset'),
    peakRss: () => call<PeakRss>('rss-peak'),
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const stopMsg: ParentMessage = { kind: 'stop' }
      if (child.connected) child.send(stopMsg)
      else child.kill('SIGTERM')
      // A CPU profile of a busy minute takes a moment to write; after that the child is killed.
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}
