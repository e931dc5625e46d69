// The diff review page's surface: its routes under /_proxy and the admin guard that lets a browser
// sign in (bearer tokens keep working for scripts).
export { mountReview, type ReviewDeps } from './mount.js'
export { adminGuard, verifySession, SESSION_COOKIE } from './session.js'
