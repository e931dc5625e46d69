// Tells the flag source that flags/ changed, however the editor saved: in place, or by writing a temporary file and
// renaming it over the old one (vim, JetBrains, VS Code's atomic save), which a per-file watch would lose track of.
import { watch, type FSWatcher } from 'node:fs'

export type DirWatcher = { close: () => void }

/**
 * Watches the directory itself (so renames and new files count), debounces bursts of events into one call, re-arms
 * when the watch breaks (the directory replaced or briefly gone), and also calls on a slow timer as a net under
 * file systems whose events get lost (some container bind mounts). The callback must be cheap when nothing changed.
 * @example const w = watchDir('flags', () => reload(), { debounceMs: 100 }); w.close()
 */
export function watchDir(
  dir: string,
  onChange: () => void,
  { debounceMs = 100, pollMs = 5000, onError }: { debounceMs?: number; pollMs?: number; onError?: (err: Error) => void } = {},
): DirWatcher {
  let watcher: FSWatcher | undefined
  let debounce: NodeJS.Timeout | undefined
  let rearm: NodeJS.Timeout | undefined
  let closed = false

  const fire = () => {
    clearTimeout(debounce)
    debounce = setTimeout(() => {
      if (!closed) onChange()
    }, debounceMs)
    debounce.unref()
  }

  const arm = () => {
    if (closed) return
    try {
      // persistent: false: the watch alone never keeps the process alive; the server does.
      watcher = watch(dir, { persistent: false }, fire)
      watcher.on('error', (err) => {
        onError?.(err)
        watcher?.close()
        watcher = undefined
        scheduleRearm()
      })
    } catch (err) {
      onError?.(err as Error)
      scheduleRearm()
    }
  }

  const scheduleRearm = () => {
    if (closed) return
    clearTimeout(rearm)
    rearm = setTimeout(() => {
      arm()
      // Whatever happened while the watch was down is picked up now.
      fire()
    }, 1000)
    rearm.unref()
  }

  arm()
  const poll = pollMs > 0 ? setInterval(fire, pollMs).unref() : undefined

  return {
    close() {
      closed = true
      clearTimeout(debounce)
      clearTimeout(rearm)
      if (poll) clearInterval(poll)
      watcher?.close()
    },
  }
}
