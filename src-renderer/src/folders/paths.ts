// Server paths as the folder browser shows them. The server may run Windows or POSIX, so the
// separator is read from the path itself rather than assumed.

export interface PathCrumb {
  label: string
  path: string
}

/** '\\' for Windows-looking paths (drive letter or UNC), '/' otherwise. */
export function pathSeparator(path: string): '/' | '\\' {
  return /^[A-Za-z]:[\\/]|^\\\\/.test(path) || (path.includes('\\') && !path.includes('/')) ? '\\' : '/'
}

/** Breadcrumbs from the root: '/a/b' → '/', 'a', 'b'; 'C:\\a' → 'C:\\', 'a'. */
export function pathCrumbs(path: string): PathCrumb[] {
  const sep = pathSeparator(path)
  const unc = sep === '\\' && path.startsWith('\\\\')
  const drive = sep === '\\' ? /^[A-Za-z]:/.exec(path)?.[0] : undefined
  const parts = path.split(/[\\/]+/).filter((p) => p.length > 0)
  const crumbs: PathCrumb[] = []
  let current: string
  if (unc) {
    // \\server\share is the root of a UNC path.
    const root = `\\\\${parts.slice(0, 2).join('\\')}\\`
    crumbs.push({ label: root, path: root })
    parts.splice(0, 2)
    current = root
  } else if (drive) {
    const root = `${drive}\\`
    crumbs.push({ label: root, path: root })
    parts.shift()
    current = root
  } else {
    crumbs.push({ label: '/', path: '/' })
    current = '/'
  }
  for (const part of parts) {
    current = current.endsWith(sep) ? `${current}${part}` : `${current}${sep}${part}`
    crumbs.push({ label: part, path: current })
  }
  return crumbs
}

/** A child path of `dir` with the server's separator. */
export function joinPath(dir: string, name: string): string {
  const sep = pathSeparator(dir)
  return dir.endsWith('/') || dir.endsWith('\\') ? `${dir}${name}` : `${dir}${sep}${name}`
}

/** Why a new folder name cannot be used, or null when it can. */
export function folderNameProblem(name: string): string | null {
  const trimmed = name.trim()
  if (trimmed.length === 0) return 'Type a name for the new folder.'
  if (trimmed !== name) return 'The name cannot start or end with spaces.'
  if (/[\\/]/.test(name)) return 'A folder name cannot contain / or \\.'
  if (name === '.' || name === '..') return 'Choose a real folder name.'
  if (name.length > 255) return 'The name is too long (255 characters at most).'
  // Characters Windows refuses; refusing them everywhere keeps projects portable.
  if (/[<>:"|?*]/.test(name)) return 'Avoid < > : " | ? * in folder names.'
  return null
}

/** A folder name suggested from a project name: "Forest 2024 / north" → "forest-2024-north". */
export function folderNameFor(projectName: string): string {
  return projectName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
}
