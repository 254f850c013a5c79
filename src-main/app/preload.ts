import { contextBridge } from 'electron'
import { contract } from '../../src-shared/contracts'
contextBridge.exposeInMainWorld('openbeats', { methods: Object.keys(contract) })
