// Electron IPC: one ipcMain.handle per contract method (the channel list comes from the contract,
// so there is no generic "invoke anything" channel), the sender checked to be our window's main
// frame, then the shared router.
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron'
import { IPC_CANCEL_CHANNEL, IpcCallEnvelope, CallId, ipcCallChannel, methodIds, type CallResult } from '../../src-shared/contracts'
import type { Router } from '../ipc/router'
import type { Logger } from '../runtime/logger'

export type SenderCheck = (event: IpcMainInvokeEvent | IpcMainEvent) => boolean

export function registerIpc(deps: { router: Router; isTrustedSender: SenderCheck; log: Logger }): () => void {
  const { router, log } = deps
  const channels = methodIds().map((id) => [id, ipcCallChannel(id)] as const)

  for (const [methodId, channel] of channels) {
    ipcMain.handle(channel, async (event, message: unknown): Promise<CallResult> => {
      if (!deps.isTrustedSender(event)) {
        log.warn('refused an IPC call from an untrusted sender', { method: methodId, url: event.senderFrame?.url?.slice(0, 200) })
        return { ok: false, error: { code: 'UNAUTHORIZED', message: 'this frame may not call the app' } }
      }
      const envelope = IpcCallEnvelope.safeParse(message)
      if (!envelope.success) {
        log.warn('malformed IPC call', { method: methodId })
        return { ok: false, error: { code: 'INVALID_REQUEST', message: `malformed call envelope for ${methodId}` } }
      }
      return router.dispatch(methodId, envelope.data.payload, { callId: `${event.sender.id}:${envelope.data.callId}`, transport: 'ipc' })
    })
  }

  const onCancel = (event: IpcMainEvent, callId: unknown) => {
    const id = CallId.safeParse(callId)
    if (!deps.isTrustedSender(event) || !id.success) return
    router.cancel(`${event.sender.id}:${id.data}`)
  }
  ipcMain.on(IPC_CANCEL_CHANNEL, onCancel)

  return () => {
    for (const [, channel] of channels) ipcMain.removeHandler(channel)
    ipcMain.removeListener(IPC_CANCEL_CHANNEL, onCancel)
  }
}
