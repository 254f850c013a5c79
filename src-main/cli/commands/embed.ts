import { rmSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { NpyWriter, writeNpy } from '../../analysis/npy'
import { AppError } from '../../errors'
import { embedFile } from '../../model/embed/embed-file'
import type { EncoderEngine } from '../../model/engine/encoder-engine'
import type { ProviderName } from '../../model/engine/providers'
import { loadCheckpoint } from '../../model/checkpoint/load-checkpoint'
import { buildEncoderGraph } from '../../model/onnx/encoder-graph'
import type { LoadedCheckpoint } from '../../model/types'
import { stringOption, type CliCommand } from '../command'
import { createProgressBar } from '../progress-bar'

const POOLS = ['none', 'frame', 'clip'] as const
const PROVIDERS = ['cpu', 'auto', 'cuda', 'webgpu', 'dml', 'coreml'] as const

async function engineFor(loaded: LoadedCheckpoint, layers: number, withHead: boolean, provider: string): Promise<EncoderEngine> {
  const { createEncoderEngine } = await import('../../model/engine/encoder-engine')
  const graph = buildEncoderGraph(loaded.architecture, loaded.encoder, { layers, ...(withHead && loaded.head ? { head: loaded.head } : {}) })
  const providers: readonly ProviderName[] | undefined = provider === 'auto' ? undefined : [provider as ProviderName]
  return createEncoderEngine({ modelBytes: graph.bytes }, { providers })
}

export const embedCommand: CliCommand = {
  name: 'embed',
  summary: 'OpenBEATs embeddings of a recording straight from a checkpoint, as float32 .npy',
  usage:
    'AUDIO --checkpoint CKPT [--config config.yaml] [--token-list FILE] --out FILE.npy [--layer K] [--pool none|frame|clip] [--logits FILE.npy] [--provider cpu|auto|cuda|…]\n\n' +
    '  --pool none   [patches, D], row t·8+f (default)   frame  [T\', D] (mean of the 8 frequency patches, 6.25 Hz)   clip  [D]\n' +
    '  --layer K     hidden state K (0 = after the positional convolution) instead of the last layer\n' +
    '  --logits F    the classifier logits [C] of a fine-tuned checkpoint (over the whole recording)',
  options: {
    checkpoint: { type: 'string' },
    config: { type: 'string' },
    'token-list': { type: 'string' },
    out: { type: 'string' },
    layer: { type: 'string' },
    pool: { type: 'string' },
    logits: { type: 'string' },
    provider: { type: 'string' },
  },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const audio = resolve(ctx.positionals[0])
    const checkpoint = stringOption(ctx, 'checkpoint')
    const outText = stringOption(ctx, 'out')
    if (!checkpoint) throw new AppError('INVALID_REQUEST', 'embed needs --checkpoint CKPT')
    if (!outText) throw new AppError('INVALID_REQUEST', 'embed needs --out FILE.npy')
    const out = resolve(outText)
    const poolText = stringOption(ctx, 'pool') ?? 'none'
    const pool = POOLS.find((p) => p === poolText)
    if (!pool) throw new AppError('INVALID_REQUEST', `--pool must be none, frame or clip, got "${poolText}"`)
    const provider = stringOption(ctx, 'provider') ?? 'cpu'
    if (!(PROVIDERS as readonly string[]).includes(provider)) throw new AppError('INVALID_REQUEST', `--provider must be one of ${PROVIDERS.join(', ')}, got "${provider}"`)
    const logitsText = stringOption(ctx, 'logits')
    const config = stringOption(ctx, 'config')
    const tokenList = stringOption(ctx, 'token-list')

    const loaded = await loadCheckpoint(
      { checkpointPath: resolve(checkpoint), ...(config ? { configPath: resolve(config) } : {}), ...(tokenList ? { tokenListPath: resolve(tokenList) } : {}) },
      { signal: ctx.signal },
    )
    const L = loaded.architecture.layers
    const layerText = stringOption(ctx, 'layer')
    const layer = layerText === undefined ? L : Number(layerText)
    if (!Number.isInteger(layer) || layer < 0 || layer > L) throw new AppError('INVALID_REQUEST', `--layer must be an integer from 0 to ${L} for this checkpoint, got "${layerText}"`)
    if (logitsText && !loaded.head) {
      throw new AppError('INVALID_REQUEST', `${basename(checkpoint)} has no classifier head (a ${loaded.family} checkpoint without one): --logits needs a fine-tuned checkpoint`)
    }

    const engine = await engineFor(loaded, layer, layer === L, provider)
    const writer = pool === 'clip' ? null : new NpyWriter(out, loaded.architecture.dim)
    let shape: number[]
    let logits: Float32Array | undefined
    // A bar only on a terminal: piped stderr stays clean for scripts.
    const bar = ctx.io.stderr.isTTY ? createProgressBar(ctx.io.stderr, 'Embedding') : null
    try {
      const result = await embedFile(audio, engine, {
        signal: ctx.signal,
        onChunk: (c) => writer?.push(pool === 'none' ? c.patches : c.frames),
        onProgress: (p) => bar?.update({ done: Math.round(p.doneSeconds), total: Math.round(p.totalSeconds), unit: 'audio-s', rate: null, etaSeconds: null, message: null }),
      })
      bar?.done()
      // decode warnings (a lying header clamped, a missing pad byte) and zero-padding of a very short recording
      for (const w of result.warnings) ctx.io.stderr.write(`warning: ${audio}: ${w}\n`)
      if (writer) shape = writer.close()
      else {
        writeNpy(out, result.clip, [result.dim])
        shape = [result.dim]
      }
      logits = result.logits
    } catch (err) {
      bar?.done()
      writer?.abandon()
      rmSync(out, { force: true })
      throw err
    } finally {
      await engine.dispose()
    }
    ctx.io.stdout.write(`${pool === 'none' ? 'patch' : pool} embeddings [${shape.join(', ')}]${layer < L ? ` of hidden state ${layer}` : ''} → ${out}\n`)

    if (logitsText) {
      // A package stopped early has no head: the logits come from a full pass.
      if (!logits) {
        const full = await engineFor(loaded, L, true, provider)
        try {
          logits = (await embedFile(audio, full, { signal: ctx.signal })).logits
        } finally {
          await full.dispose()
        }
      }
      if (!logits) throw new AppError('INTERNAL', 'the model produced no logits')
      writeNpy(resolve(logitsText), logits, [logits.length])
      ctx.io.stdout.write(`logits [${logits.length}] (${loaded.head?.activation ?? 'sigmoid'} task) → ${resolve(logitsText)}\n`)
    }
  },
}
