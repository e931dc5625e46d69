// Types for the part of autocannon's programmatic API the bench uses (the package ships none).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  namespace autocannon {
    type Options = {
      url: string
      connections?: number
      duration?: number
      pipelining?: number
      method?: string
      headers?: Record<string, string>
      body?: string | Buffer
      timeout?: number
      sampleInt?: number
      overallRate?: number
      /** Each connection cycles through these; a setupRequest may rewrite the request (defaults merged in). */
      requests?: Array<{ setupRequest?: (req: RequestData, context: Record<string, unknown>) => RequestData }>
    }
    type RequestData = { method: string; path: string; headers: Record<string, string>; body?: string | Buffer }
    type Result = {
      errors: number
      timeouts: number
      non2xx: number
      resets: number
      statusCodeStats: Record<string, { count: number }>
    }
    type Instance = EventEmitter & {
      stop(): void
      on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void): Instance
    }
  }

  function autocannon(opts: autocannon.Options, cb: (err: Error | null, result: autocannon.Result) => void): autocannon.Instance
  export = autocannon
}
