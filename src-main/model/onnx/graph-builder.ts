// A small typed layer over onnx-proto's generated messages: nodes get unique output names, small
// constants are de-duplicated, and weights travel as raw little-endian bytes (what ORT reads fastest).
import { onnx } from 'onnx-proto'

const DataType = onnx.TensorProto.DataType
const AttrType = onnx.AttributeProto.AttributeType

export type ElemType = 'float' | 'int64' | 'int8' | 'bool'

const ELEM_CODE: Record<ElemType, number> = {
  float: DataType.FLOAT,
  int64: DataType.INT64,
  int8: DataType.INT8,
  bool: DataType.BOOL,
}

export type AttrValue = { i: number } | { f: number } | { ints: number[] } | { s: string }

/** One graph input/output dimension: a fixed size or a symbolic name (dynamic axis). */
export type Dim = number | string

export interface ModelInfo {
  producerVersion: string
  docString?: string
  metadata?: Record<string, string>
}

export const OPSET_VERSION = 17
const IR_VERSION = 8
const MS_DOMAIN = 'com.microsoft'

function bytesOf(data: Float32Array | Int8Array | BigInt64Array): Uint8Array {
  // ONNX raw_data is little-endian; every platform ORT ships for is little-endian too.
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

function toAttribute(name: string, value: AttrValue): onnx.IAttributeProto {
  if ('i' in value) return { name, type: AttrType.INT, i: value.i }
  if ('f' in value) return { name, type: AttrType.FLOAT, f: value.f }
  if ('ints' in value) return { name, type: AttrType.INTS, ints: value.ints }
  return { name, type: AttrType.STRING, s: new TextEncoder().encode(value.s) }
}

function valueInfo(name: string, elem: ElemType, dims: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM_CODE[elem],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  }
}

export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = []
  private readonly initializers: onnx.ITensorProto[] = []
  private readonly inputs: onnx.IValueInfoProto[] = []
  private readonly outputs: onnx.IValueInfoProto[] = []
  private readonly constCache = new Map<string, string>()
  private readonly usedNames = new Set<string>()
  private usesMsDomain = false
  private counter = 0

  /** A name not used before, readable in Netron and ORT profiles. */
  fresh(prefix: string): string {
    let name = prefix
    while (this.usedNames.has(name)) name = `${prefix}_${++this.counter}`
    this.usedNames.add(name)
    return name
  }

  input(name: string, elem: ElemType, dims: Dim[]): string {
    this.usedNames.add(name)
    this.inputs.push(valueInfo(name, elem, dims))
    return name
  }

  /** Declares `value` as a graph output called `name` (through Identity so names can differ). */
  output(value: string, name: string, elem: ElemType, dims: Dim[]): void {
    this.usedNames.add(name)
    this.nodes.push({ opType: 'Identity', input: [value], output: [name], name: `out_${name}` })
    this.outputs.push(valueInfo(name, elem, dims))
  }

  /** Adds a node with `outputs` results; returns their names. */
  nodeN(opType: string, inputs: string[], outputs: number, attrs: Record<string, AttrValue> = {}, opts: { prefix?: string; domain?: 'ms' } = {}): string[] {
    const base = opts.prefix ?? opType.toLowerCase()
    const outNames = Array.from({ length: outputs }, () => this.fresh(base))
    if (opts.domain === 'ms') this.usesMsDomain = true
    this.nodes.push({
      opType,
      input: inputs,
      output: outNames,
      name: this.fresh(`n_${base}`),
      ...(opts.domain === 'ms' ? { domain: MS_DOMAIN } : {}),
      attribute: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)),
    })
    return outNames
  }

  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, opts: { prefix?: string; domain?: 'ms' } = {}): string {
    return this.nodeN(opType, inputs, 1, attrs, opts)[0]
  }

  floatInit(prefix: string, data: Float32Array, dims: number[]): string {
    const name = this.fresh(prefix)
    this.initializers.push({ name, dims, dataType: DataType.FLOAT, rawData: bytesOf(data) })
    return name
  }

  int8Init(prefix: string, data: Int8Array, dims: number[]): string {
    const name = this.fresh(prefix)
    this.initializers.push({ name, dims, dataType: DataType.INT8, rawData: bytesOf(data) })
    return name
  }

  /** A de-duplicated float constant (scalar when dims is []). */
  floatConst(values: number[], dims: number[] = []): string {
    const key = `f${JSON.stringify(dims)}${values.join(',')}`
    const hit = this.constCache.get(key)
    if (hit) return hit
    const name = this.floatInit('c', Float32Array.from(values), dims)
    this.constCache.set(key, name)
    return name
  }

  /** A de-duplicated int64 constant (1-D unless dims says otherwise). */
  int64Const(values: number[], dims: number[] = [values.length]): string {
    const key = `i${JSON.stringify(dims)}${values.join(',')}`
    const hit = this.constCache.get(key)
    if (hit) return hit
    const name = this.fresh('c')
    this.initializers.push({ name, dims, dataType: DataType.INT64, rawData: bytesOf(BigInt64Array.from(values.map((v) => BigInt(v)))) })
    this.constCache.set(key, name)
    return name
  }

  /** Serialises the model; the result is what ORT's InferenceSession accepts. */
  encode(info: ModelInfo): Uint8Array {
    const model: onnx.IModelProto = {
      irVersion: IR_VERSION,
      producerName: 'openbeats-studio',
      producerVersion: info.producerVersion,
      docString: info.docString ?? '',
      opsetImport: [{ domain: '', version: OPSET_VERSION }, ...(this.usesMsDomain ? [{ domain: MS_DOMAIN, version: 1 }] : [])],
      metadataProps: Object.entries(info.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: 'openbeats_encoder',
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    }
    return onnx.ModelProto.encode(model).finish()
  }
}
