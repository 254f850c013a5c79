// Placeholder handlers for contract domains whose services are still being built. Every method
// answers UNSUPPORTED with a clear message. Each domain's real handlers replace its entry in the
// composition root; none may remain when the feature is called done.
import type { ContractSpec, DomainHandlers } from '../../src-shared/contracts'
import { AppError } from '../errors'
import type { MainCallContext } from '../ipc/router'

export function unbuiltDomain<D extends ContractSpec[string]>(name: string, spec: D): DomainHandlers<D, MainCallContext> {
  const handlers: Record<string, () => Promise<never>> = {}
  for (const method of Object.keys(spec)) {
    handlers[method] = async () => {
      throw new AppError('UNSUPPORTED', `${name}.${method} is not available in this build yet`)
    }
  }
  return handlers as DomainHandlers<D, MainCallContext>
}
