// The whole surface the page gets: `window.openbeats`, one named object per contract domain with
// one named function per method (built from the contract, so nothing else can be invoked), plus
// cancel and onEvent. Runs sandboxed; bundled with its imports (see electron.vite.config.ts).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  contract,
  ipcCallChannel,
  IPC_CANCEL_CHANNEL,
  IPC_EVENT_CHANNEL,
  PRELOAD_GLOBAL,
  type CallResult,
  type ContractSpec,
  type PreloadBridge,
} from '../../src-shared/contracts'

type BridgeDomains<C extends ContractSpec> = { [D in keyof C]: { [M in keyof C[D]]: (payload: unknown, callId: string) => Promise<CallResult> } }

function bridgeDomains<C extends ContractSpec>(spec: C): BridgeDomains<C> {
  const domains: Record<string, Record<string, (payload: unknown, callId: string) => Promise<CallResult>>> = {}
  for (const [domain, methods] of Object.entries(spec)) {
    domains[domain] = {}
    for (const name of Object.keys(methods)) {
      const channel = ipcCallChannel(`${domain}.${name}`)
      domains[domain][name] = (payload, callId) => ipcRenderer.invoke(channel, { callId, payload })
    }
  }
  return domains as BridgeDomains<C>
}

const bridge = {
  ...bridgeDomains(contract),
  cancel(callId: string) {
    ipcRenderer.send(IPC_CANCEL_CHANNEL, callId)
  },
  onEvent(handler: (event: string, payload: unknown) => void) {
    const listener = (_e: IpcRendererEvent, event: unknown, payload: unknown) => {
      if (typeof event === 'string') handler(event, payload)
    }
    ipcRenderer.on(IPC_EVENT_CHANNEL, listener)
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, listener)
    }
  },
} satisfies PreloadBridge

contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, bridge)
