// Where the Python trainer package is and which interpreter runs it. The package ships as
// `resources/trainer` in the repository and as `<resources>/trainer` in a packaged app; the code
// that asks may run from the TypeScript sources, a bundle in out/main or out/main/workers, or an
// Electron utility process, so the folder is looked for rather than computed from one layout.
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { AppError } from '../errors'

const PACKAGE_MARKER = join('openbeats_trainer', '__init__.py')

function isTrainerDir(dir: string): boolean {
  return existsSync(join(dir, PACKAGE_MARKER))
}

/** The folder that holds the `openbeats_trainer` package (what goes on PYTHONPATH). */
export function trainerDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.OPENBEATS_TRAINER_DIR
  if (override) {
    if (!isTrainerDir(override)) throw new AppError('PYTHON_UNAVAILABLE', `OPENBEATS_TRAINER_DIR=${override} does not hold the openbeats_trainer package`)
    return override
  }
  const packaged = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath
  if (packaged && isTrainerDir(join(packaged, 'trainer'))) return join(packaged, 'trainer')
  let dir = resolve(__dirname)
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources', 'trainer')
    if (isTrainerDir(candidate)) return candidate
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  throw new AppError('PYTHON_UNAVAILABLE', `the trainer package (resources/trainer) was not found near ${__dirname}; set OPENBEATS_TRAINER_DIR to its folder`)
}

/** Debian/Ubuntu's python3 first (where `apt install python3-torch` puts PyTorch). */
const SYSTEM_PYTHON = '/usr/bin/python3'

/**
 * The interpreter for trainer jobs: the settings' path; else /usr/bin/python3 where it exists;
 * else `python3` (`python` on Windows) from the PATH.
 */
export function resolvePython(configured: string | null | undefined): string {
  if (configured && configured.trim().length > 0) return configured.trim()
  if (process.platform !== 'win32' && existsSync(SYSTEM_PYTHON)) return SYSTEM_PYTHON
  return process.platform === 'win32' ? 'python' : 'python3'
}

/** The child environment: the trainer importable, unbuffered output, no .pyc files in the app's resources. */
export function trainerEnv(dir: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const sep = process.platform === 'win32' ? ';' : ':'
  return {
    ...base,
    PYTHONPATH: base.PYTHONPATH ? `${dir}${sep}${base.PYTHONPATH}` : dir,
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONIOENCODING: 'utf-8',
  }
}
