// One autocannon load run in this process, counted and timed from its 'response' events.
import autocannon from 'autocannon'
import { LatencyHistogram } from './histogram.js'

// autocannon's latency histogram rounds to whole milliseconds and its run can overshoot the requested
// duration by a sampling interval, so its own totals are not used for rates.

export type LoadOptions = {
  url: string
  connections: number
  durationSec: number
  method?: string
  headers?: Record<string, string>
  body?: string | Buffer
  /**
   * Requests taken in turn over all connections (one shared round-robin), each replacing the URL's path
   * and adding its headers over `headers`: e.g. several users each editing their own row, so concurrent
   * writes do not all queue on one row's lock.
   */
  rotate?: ReadonlyArray<{ path: string; headers?: Record<string, string> }>
  /** Open-loop pacing: requests per second over all connections (default: as fast as answers come). */
  overallRate?: number
}

export type LoadResult = {
  /** Responses received (any status). */
  responses: number
  non2xx: number
  /** Connection errors and timeouts seen by autocannon. */
  errors: number
  /** Wall time from start to the end of the run. */
  seconds: number
  rps: number
  /** Response bytes received (as autocannon counts them). */
  bytes: number
  latency: LatencyHistogram
}

/** @example const r = await runLoad({ url: 'http://127.0.0.1:8080/small', connections: 10, durationSec: 5 }) */
export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latency = new LatencyHistogram()
    let responses = 0
    let non2xx = 0
    let bytes = 0
    const rotate = opts.rotate?.length ? opts.rotate : null
    let next = 0
    const started = performance.now()
    const instance = autocannon(
      {
        url: opts.url,
        connections: opts.connections,
        duration: opts.durationSec,
        pipelining: 1,
        method: opts.method ?? 'GET',
        headers: opts.headers ?? {},
        ...(opts.body === undefined ? {} : { body: opts.body }),
        ...(opts.overallRate === undefined ? {} : { overallRate: opts.overallRate }),
        ...(rotate
          ? {
              requests: [{
                setupRequest: (req: autocannon.RequestData) => {
                  const r = rotate[next++ % rotate.length]!
                  return { ...req, path: r.path, headers: { ...req.headers, ...r.headers } }
                },
              }],
            }
          : {}),
        // A short sampling interval bounds how far a run overshoots its duration.
        sampleInt: 100,
        timeout: 10,
      },
      (err, result) => {
        const seconds = (performance.now() - started) / 1000
        if (err) return reject(err)
        resolve({ responses, non2xx, errors: result.errors + result.timeouts, seconds, rps: responses / seconds, bytes, latency })
      },
    )
    instance.on('response', (_client, statusCode, resBytes, responseTimeMs) => {
      responses++
      bytes += resBytes
      if (statusCode < 200 || statusCode > 299) non2xx++
      latency.record(responseTimeMs)
    })
  })
}
