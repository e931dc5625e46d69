// Campaign slugs as gp-api makes them: the user's name slugified, with `-2`, `-3`… when taken.

/**
 * Lowercase ASCII words joined by dashes; accents dropped, anything else a separator.
 * @example slugify('José  O\'Brien') // 'jose-o-brien'
 */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '')
}

/** The base itself when free, else the first free `base-<n>` from 2 up. */
export function nextFreeSlug(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`
}
