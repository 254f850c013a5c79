// The globals a PyTorch state-dict pickle may name, implemented as plain data builders, and the
// persistent-id hook that turns torch's storage references into descriptors (nothing is read
// from the archive here). Everything not listed is refused by the unpickler as CHECKPOINT_UNSAFE.
import { AppError } from '../../errors'
import { isPickleGlobal, isTuple, pickleGlobal, type PickleGlobal } from './pickle'

export type TorchDtype = 'float32' | 'float16' | 'bfloat16' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool'

export const DTYPE_ITEMSIZE: Readonly<Record<TorchDtype, number>> = {
  float32: 4, float16: 2, bfloat16: 2, float64: 8, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
}

const STORAGE_CLASSES: Readonly<Record<string, TorchDtype>> = {
  FloatStorage: 'float32', HalfStorage: 'float16', BFloat16Storage: 'bfloat16', DoubleStorage: 'float64',
  LongStorage: 'int64', IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8', BoolStorage: 'bool',
}

/** A storage named by the pickle: entry `data/<key>` of the archive, `numel` items of `dtype`. */
export class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: TorchDtype,
    readonly numel: number,
    readonly location: string,
  ) {}
}

/** A tensor as `_rebuild_tensor_v2` describes it: a strided view into a storage (element units). */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
  ) {}

  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1)
  }
}

/** Marks a value that names a dtype or a storage class (`torch.float32`, `torch.HalfStorage`). */
interface DtypeMarker {
  dtype: TorchDtype
}

const MAX_STORAGE_ITEMS = 2 ** 40
const MAX_TENSOR_ITEMS = 2 ** 31

export interface TorchPickleHooks {
  globals: ReadonlyMap<string, PickleGlobal>
  persistentLoad: (pid: unknown) => StorageRef
}

/** Allow-list and persistent-id hook for one checkpoint file (`source` names it in errors). */
export function torchPickleHooks(source: string): TorchPickleHooks {
  const invalid = (reason: string): AppError => new AppError('CHECKPOINT_INVALID', `${source}: ${reason}`)
  const dtypeOf = new WeakMap<PickleGlobal, DtypeMarker>()
  const globals = new Map<string, PickleGlobal>()
  const add = (g: PickleGlobal): PickleGlobal => {
    globals.set(`${g.module}.${g.name}`, g)
    return g
  }

  for (const [cls, dtype] of Object.entries(STORAGE_CLASSES)) dtypeOf.set(add(pickleGlobal('torch', cls)), { dtype })
  // Untyped storages are bytes; torch reads them as uint8 and the tensor's own dtype is lost.
  dtypeOf.set(add(pickleGlobal('torch', 'UntypedStorage')), { dtype: 'uint8' })
  dtypeOf.set(add(pickleGlobal('torch.storage', 'UntypedStorage')), { dtype: 'uint8' })
  for (const dtype of Object.keys(DTYPE_ITEMSIZE) as TorchDtype[]) dtypeOf.set(add(pickleGlobal('torch', dtype)), { dtype })

  const int = (v: unknown, what: string, max = Number.MAX_SAFE_INTEGER): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw invalid(`${what} is not a sane non-negative integer: ${String(v)}`)
    return v
  }
  const intTuple = (v: unknown, what: string): number[] => {
    if (!Array.isArray(v)) throw invalid(`${what} is not a tuple`)
    return v.map((x, i) => int(x, `${what}[${i}]`))
  }

  const rebuildTensor = add(pickleGlobal('torch._utils', '_rebuild_tensor_v2', {
    call: (args) => {
      if (args.length < 4) throw invalid(`_rebuild_tensor_v2 with ${args.length} arguments`)
      const [storage, offset, size, stride] = args
      if (!(storage instanceof StorageRef)) throw invalid('_rebuild_tensor_v2 without a storage reference')
      const shape = intTuple(size, 'tensor size')
      const strides = intTuple(stride, 'tensor stride')
      if (shape.length !== strides.length) throw invalid(`tensor size ${JSON.stringify(shape)} and stride ${JSON.stringify(strides)} differ in rank`)
      const ref = new TensorRef(storage, int(offset, 'storage offset'), shape, strides)
      if (ref.numel > MAX_TENSOR_ITEMS) throw invalid(`tensor of shape ${JSON.stringify(shape)} is absurdly large`)
      return ref
    },
  }))
  const tensorArg = (v: unknown, fn: string): TensorRef => {
    if (!(v instanceof TensorRef)) throw invalid(`${fn} without a tensor`)
    return v
  }
  const rebuildParameter = add(pickleGlobal('torch._utils', '_rebuild_parameter', { call: (args) => tensorArg(args[0], '_rebuild_parameter') }))
  const rebuildParameterWithState = add(pickleGlobal('torch._utils', '_rebuild_parameter_with_state', {
    call: (args) => tensorArg(args[0], '_rebuild_parameter_with_state'),
  }))
  // Tensors with Python attributes or Parameter subclasses: rebuild with an allowed function, keep the data.
  const tensorTypes = [add(pickleGlobal('torch', 'Tensor')), add(pickleGlobal('torch.nn.parameter', 'Parameter'))]
  const rebuilders = [rebuildTensor, rebuildParameter, rebuildParameterWithState]
  add(pickleGlobal('torch._tensor', '_rebuild_from_type_v2', {
    call: (args) => {
      const [func, newType, funcArgs] = args
      if (!rebuilders.includes(func as PickleGlobal) || !tensorTypes.includes(newType as PickleGlobal) || !Array.isArray(funcArgs)) {
        throw invalid('_rebuild_from_type_v2 with an unexpected function or type')
      }
      return tensorArg((func as PickleGlobal).call?.(funcArgs), '_rebuild_from_type_v2')
    },
  }))

  add(pickleGlobal('collections', 'OrderedDict', {
    call: (args) => {
      const d = new Map<unknown, unknown>()
      if (args.length > 1) throw invalid('OrderedDict with more than one argument')
      if (args.length === 1 && args[0] !== null) {
        if (!Array.isArray(args[0])) throw invalid('OrderedDict from something that is not a list of pairs')
        for (const pair of args[0]) {
          if (!Array.isArray(pair) || pair.length !== 2) throw invalid('OrderedDict item that is not a pair')
          d.set(pair[0], pair[1])
        }
      }
      return d
    },
    // state_dict()'s OrderedDict carries `_metadata` (module versions) as an attribute: not needed.
    build: (target) => target,
  }))

  const storages = new Map<string, StorageRef>()
  const persistentLoad = (pid: unknown): StorageRef => {
    if (!isTuple(pid) || pid.length !== 5 || pid[0] !== 'storage') throw invalid(`unexpected persistent id ${describe(pid)}`)
    const [, type, key, location, numel] = pid
    const marker = isPickleGlobal(type) ? dtypeOf.get(type) : undefined
    if (!marker) throw invalid(`storage of unknown type ${describe(type)}`)
    if (typeof key !== 'string' || !/^[\w.-]{1,64}$/.test(key)) throw invalid(`storage key ${describe(key)} is not a plain name`)
    const n = int(numel, `size of storage ${key}`, MAX_STORAGE_ITEMS)
    const id = `${key}:${marker.dtype}`
    let ref = storages.get(id)
    if (!ref) {
      ref = new StorageRef(key, marker.dtype, n, typeof location === 'string' ? location : 'cpu')
      storages.set(id, ref)
    } else if (ref.numel !== n) {
      throw invalid(`storage ${key} is referenced with sizes ${ref.numel} and ${n}`)
    }
    return ref
  }
  return { globals, persistentLoad }
}

function describe(v: unknown): string {
  if (isPickleGlobal(v)) return `${v.module}.${v.name}`
  if (typeof v === 'string') return JSON.stringify(v.slice(0, 80))
  if (Array.isArray(v)) return `(${v.length}-tuple)`
  return String(v).slice(0, 80)
}
