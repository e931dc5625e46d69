// Header rules of a forwarding proxy (RFC 9110 §7.6): hop-by-hop fields go, X-Forwarded-* are set,
// everything else travels byte for byte, in its order and casing, duplicates included.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/**
 * Connection-specific fields that a proxy must not forward (RFC 9110 §7.6.1), plus the ones undici
 * manages itself (`host` comes from the fixed upstream; `expect` was answered by node already).
 */
const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
])

/** Names listed in a Connection header are hop-by-hop for that message too (RFC 9110 §7.6.1). */
function connectionListed(value: string | undefined): Set<string> | null {
  if (!value) return null
  // The common values name no other header: no set to build for them.
  const plain = value.length <= 10 ? value.toLowerCase() : ''
  if (plain === 'keep-alive' || plain === 'close') return null
  const names = new Set<string>()
  for (const token of value.split(',')) {
    const name = token.trim().toLowerCase()
    if (name) names.add(name)
  }
  return names.size ? names : null
}

export type ForwardedRequestHeaders = {
  /** Flat [name, value, …] list as undici accepts it. */
  headers: string[]
  requestId: string
  /** Whether the request carries a body (RFC 9112 §6.3), read from the same pass. */
  hasBody: boolean
  /** The client's Authorization, for routing decisions (not re-read from the raw list). */
  authorization: string | undefined
  cookie: string | undefined
  organizationId: string | undefined
}

const REQUEST_ID = /^[\w.:@/+=-]{1,200}$/

/**
 * Builds the upstream request headers from the client's raw headers in one pass.
 * @example const { headers, requestId } = requestHeaders(req)
 */
export function requestHeaders(req: IncomingMessage): ForwardedRequestHeaders {
  // Only rawHeaders is read: touching req.headers makes node build a second copy of every header.
  const raw = req.rawHeaders
  let connection: string | undefined
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!
    if (name.length === 10 && name.toLowerCase() === 'connection') connection = connection ? `${connection},${raw[i + 1]}` : raw[i + 1]
  }
  const listed = connectionListed(connection)
  let hasBody = false
  const out: string[] = []
  let requestId: string | undefined
  let forwardedFor: string | undefined
  let host: string | undefined
  let authorization: string | undefined
  let cookie: string | undefined
  let organizationId: string | undefined
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!
    const value = raw[i + 1]!
    const lower = name.toLowerCase()
    switch (lower) {
      case 'host':
        host = value
        continue
      case 'expect':
        continue
      case 'x-request-id':
        // A client-sent id is kept when it is a sane token; anything else would poison the logs.
        if (REQUEST_ID.test(value)) requestId = value
        continue
      case 'x-forwarded-for':
        forwardedFor = forwardedFor ? `${forwardedFor}, ${value}` : value
        continue
      case 'x-forwarded-proto':
      case 'x-forwarded-host':
        continue
      case 'authorization':
        authorization = value
        break
      case 'cookie':
        cookie = cookie ? `${cookie}; ${value}` : value
        break
      case 'x-organization-id':
        organizationId = value
        break
      case 'transfer-encoding':
        hasBody = true
        break
      case 'content-length':
        if (value !== '0') hasBody = true
        break
    }
    if (HOP_BY_HOP.has(lower) || (listed !== null && listed.has(lower))) continue
    out.push(name, value)
  }
  requestId ??= randomUUID()
  const peer = req.socket.remoteAddress ?? 'unknown'
  out.push('x-forwarded-for', forwardedFor ? `${forwardedFor}, ${peer}` : peer)
  out.push('x-forwarded-proto', (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http')
  if (host !== undefined) out.push('x-forwarded-host', host)
  out.push('x-request-id', requestId)
  return { headers: out, requestId, hasBody, authorization, cookie, organizationId }
}

/**
 * Filters upstream response headers (raw Buffers from undici) into a flat list for writeHead.
 * @example res.writeHead(status, responseHeaders(raw, extra, requestId))
 */
export function responseHeaders(raw: Buffer[], extra: readonly string[], requestId: string): string[] {
  let listed: Set<string> | null = null
  let hasRequestId = false
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 10 && raw[i]!.toString('latin1').toLowerCase() === 'connection') {
      listed = connectionListed(raw[i + 1]!.toString('latin1'))
    }
  }
  const out: string[] = []
  for (let i = 0; i < raw.length; i += 2) {
    // latin1 keeps any byte the upstream sent in a value intact on the way back out.
    const name = raw[i]!.toString('latin1')
    const lower = name.toLowerCase()
    if (HOP_BY_HOP.has(lower) || (listed !== null && listed.has(lower))) continue
    if (lower === 'x-request-id') hasRequestId = true
    out.push(name, raw[i + 1]!.toString('latin1'))
  }
  for (const v of extra) out.push(v)
  // The client learns the id its request was logged under, unless the upstream named its own.
  if (!hasRequestId) out.push('x-request-id', requestId)
  return out
}

/**
 * The request target in origin-form. An absolute-form target (`GET http://other/x`) keeps only its
 * path and query: the upstream is fixed by configuration and a client never picks it.
 */
export function originForm(url: string): string | null {
  if (url.charCodeAt(0) === 47 /* / */) return url
  if (/^https?:\/\//i.test(url)) {
    const start = url.indexOf('//') + 2
    for (let i = start; i < url.length; i++) {
      const ch = url.charCodeAt(i)
      if (ch === 47 /* / */) return url.slice(i)
      if (ch === 63 /* ? */) return `/${url.slice(i)}`
    }
    return '/'
  }
  // `*` (OPTIONS *) and authority-form belong to no resource of ours.
  return null
}
