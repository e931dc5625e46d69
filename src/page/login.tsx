// The sign-in form of the review page: the admin secret goes in a POST body, never in a URL.
import { Layout } from './layout.js'

export function LoginPage(props: { next: string; error?: string }) {
  return (
    <Layout title="Sign in">
      <section>
        <h1>Sign in</h1>
        <p class="muted">Paste your admin token (the secret part of your ADMIN_TOKEN entry). The browser keeps an HttpOnly session cookie for 12 hours.</p>
        {props.error ? <p class="bad">{props.error}</p> : null}
        <form method="post" action="/_proxy/login" class="inline">
          <input type="hidden" name="next" value={props.next} />
          <input type="password" name="token" autocomplete="current-password" aria-label="admin token" required />
          <button type="submit">Sign in</button>
        </form>
      </section>
    </Layout>
  )
}
