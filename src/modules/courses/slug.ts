const MAX_SLUG_LENGTH = 80;

/** URL slug from a title: ASCII, lower-case, words joined by hyphens ("Intro to X!" -> "intro-to-x"). */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/g, '');
  return slug || 'course';
}

/**
 * The first free variant of `base` given the slugs already taken that start with it: `base`,
 * then the lowest free of `base-2`, `base-3`... Numbers that belong to other titles ("Python X
 * 2024" is `python-x-2024`) do not push the count up.
 */
export function nextFreeSlug(base: string, taken: readonly string[]): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  let suffix = 2;
  while (used.has(`${base}-${suffix}`)) suffix++;
  return `${base}-${suffix}`;
}
