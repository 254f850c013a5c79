// Checkpoint → model package: build the ONNX graph from the loaded weights and write it with a
// manifest that records where it came from and how to feed it. A pure file operation; registering
// the package in a project happens in the models service.
import { throwIfAborted } from '../../errors'
import { buildEncoderGraph, type AttentionKernel, type Quantization } from '../onnx/encoder-graph'
import type { LoadedCheckpoint } from '../types'
import { CONVERTER_VERSION, type ModelManifest } from './manifest'
import { writeModelPackage } from './write-package'

export interface ConvertOptions {
  /** File name of the checkpoint (for provenance; no path). */
  sourceFileName: string
  /** Display name; defaults to the source file name. */
  name?: string
  quantization?: Quantization
  /** Stop after this many layers (the package then outputs hidden state k; no classifier head). */
  layer?: number
  attention?: AttentionKernel
  replace?: boolean
  signal?: AbortSignal
}

export async function convertCheckpoint(loaded: LoadedCheckpoint, destDir: string, opts: ConvertOptions): Promise<ModelManifest> {
  throwIfAborted(opts.signal)
  const arch = loaded.architecture
  const layers = opts.layer ?? arch.layers
  const quantization = opts.quantization ?? 'none'
  const attention = opts.attention ?? 'fused'
  const graph = buildEncoderGraph(arch, loaded.encoder, {
    head: loaded.head,
    layers,
    quantization,
    attention,
    info: { producerVersion: CONVERTER_VERSION, docString: `OpenBEATs encoder converted from ${opts.sourceFileName}` },
  })
  throwIfAborted(opts.signal)
  const head = graph.hasLogits && loaded.head ? { labels: loaded.head.labels, activation: loaded.head.activation } : undefined
  const warnings = [...loaded.warnings]
  if (loaded.head && !graph.hasLogits) warnings.push(`classifier head dropped: the package stops after layer ${layers} of ${arch.layers}`)
  return writeModelPackage(
    destDir,
    {
      graph: graph.bytes,
      manifest: {
        name: opts.name ?? opts.sourceFileName,
        family: loaded.family,
        architecture: arch,
        normalization: loaded.normalization,
        ...(head ? { head } : {}),
        ...(layers < arch.layers ? { hiddenLayer: layers } : {}),
        quantization,
        attention,
        source: { kind: 'checkpoint', fileName: opts.sourceFileName, sha256: loaded.sourceSha256 },
        pretrained: true,
        note: head
          ? `Converted from ${opts.sourceFileName}: encoder and a ${head.labels.length}-class ${head.activation} classifier.`
          : `Converted from ${opts.sourceFileName}: encoder only (embeddings; add a classifier head by training one).`,
        warnings,
      },
    },
    { replace: opts.replace, signal: opts.signal },
  )
}
