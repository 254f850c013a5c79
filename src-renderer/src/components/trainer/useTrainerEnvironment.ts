// The last Python/PyTorch check, shared by Settings and the Train view (a check starts Python and
// imports PyTorch: seconds, so it is not repeated for every view that shows the status).
import { ref, type Ref } from 'vue'
import type { TrainerEnvironment } from '../../../../src-shared/contracts'
import { api } from '../../api'
import { describeError } from '../../stores/toasts'

const environment = ref<TrainerEnvironment | null>(null)
const checking = ref(false)
const error = ref<string | null>(null)
let inFlight: Promise<void> | null = null

export interface TrainerEnvironmentState {
  environment: Ref<TrainerEnvironment | null>
  checking: Ref<boolean>
  error: Ref<string | null>
  /** Runs the check (again); concurrent calls share one run. */
  check(python?: string): Promise<void>
  /** Checks once if nothing has been checked yet. */
  ensureChecked(): Promise<void>
}

export function useTrainerEnvironment(): TrainerEnvironmentState {
  async function check(python?: string): Promise<void> {
    if (inFlight) return inFlight
    checking.value = true
    error.value = null
    inFlight = (async () => {
      try {
        environment.value = await api.trainer.check(python ? { python } : {})
      } catch (e) {
        error.value = describeError(e).message
      } finally {
        checking.value = false
        inFlight = null
      }
    })()
    return inFlight
  }
  return {
    environment,
    checking,
    error,
    check,
    ensureChecked: () => (environment.value || checking.value ? (inFlight ?? Promise.resolve()) : check()),
  }
}
