import { contextBridge } from 'electron'
contextBridge.exposeInMainWorld('openbeats', { ping: () => 'pong' })
