// Unleash's admin API as `npm run flags` uses it: where the server is, how to call it, and what it answers.
export type AdminTarget = {
  /** The server's base URL (http://unleash:4242); a trailing /api is tolerated. */
  url: string
  /** An admin API token (or a personal access token). */
  token: string
  project: string
  /** Environments to compare and push; each must exist on the server. */
  environments: string[]
  /** Server flags with this prefix that flags/ lacks count as extra (default: the files' own prefix, e.g. "org."). */
  prefix?: string
}

export type FlagDiff =
  | { flag: string; kind: 'missing' }
  | { flag: string; kind: 'extra' }
  | { flag: string; kind: 'changed'; details: string[]; environments: string[]; metadata: boolean }

export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    body: string,
  ) {
    super(`${method} ${path} answered ${status}: ${body.slice(0, 500)}`)
    this.name = 'AdminApiError'
  }
}

/** The server's view of one flag, as GET /api/admin/projects/:p/features/:name returns it (the parts compared). */
export type ServerStrategy = {
  id: string
  name: string
  title?: string | null
  disabled?: boolean | null
  sortOrder?: number
  parameters?: Record<string, unknown>
  constraints?: Array<Record<string, unknown>>
  variants?: Array<Record<string, unknown>>
  segments?: number[]
}
export type ServerFeature = {
  name: string
  description?: string | null
  type?: string
  impressionData?: boolean
  environments: Array<{ name: string; enabled: boolean; strategies?: ServerStrategy[]; variants?: unknown[] }>
}

/** A caller bound to one server and token; `okStatuses` answer null instead of throwing. */
export function client(target: AdminTarget) {
  const base = target.url.replace(/\/+$/, '').replace(/\/api$/, '')
  return async function call<T>(method: string, path: string, body?: unknown, okStatuses: number[] = []): Promise<T | null> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: target.token,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    })
    const text = await res.text()
    if (okStatuses.includes(res.status)) return null
    if (!res.ok) throw new AdminApiError(res.status, method, path, text)
    return text ? (JSON.parse(text) as T) : null
  }
}

export const enc = encodeURIComponent

export type Call = ReturnType<typeof client>

