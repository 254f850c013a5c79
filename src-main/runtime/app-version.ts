// The version shown in app.info and stamped into new projects; read from package.json at build time
// so there is a single source of truth.
import packageJson from '../../package.json'

export const APP_NAME = 'OpenBEATs Studio'
export const APP_VERSION: string = packageJson.version
