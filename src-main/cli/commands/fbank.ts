import { rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { NpyWriter } from '../../analysis/npy'
import { stream16k } from '../../audio'
import { AppError } from '../../errors'
import { FbankExtractor, fbankFrameCount, FBANK_FRAME_SHIFT, FBANK_NUM_BINS, fbankSamplesForFrames } from '../../features/fbank'
import { DEFAULT_NORMALIZATION } from '../../model/types'
import { stringOption, type CliCommand, type CommandContext } from '../command'

function numberOption(ctx: CommandContext, name: string, fallback: number): number {
  const text = stringOption(ctx, name)
  if (text === undefined) return fallback
  const value = Number(text)
  if (!Number.isFinite(value)) throw new AppError('INVALID_REQUEST', `--${name} must be a number, got "${text}"`)
  return value
}

export const fbankCommand: CliCommand = {
  name: 'fbank',
  summary: 'the normalised 128-bin Kaldi fbank the model sees, as a float32 .npy [frames, 128]',
  usage: 'AUDIO --out FILE.npy [--mean M --std S]   (defaults 15.41663 / 6.55582: (fbank − M) / (2·S))',
  options: { out: { type: 'string' }, mean: { type: 'string' }, std: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const out = stringOption(ctx, 'out')
    if (!out) throw new AppError('INVALID_REQUEST', 'fbank needs --out FILE.npy')
    const norm = { mean: numberOption(ctx, 'mean', DEFAULT_NORMALIZATION.mean), std: numberOption(ctx, 'std', DEFAULT_NORMALIZATION.std) }
    const extractor = new FbankExtractor(norm)
    const audio = resolve(ctx.positionals[0])
    const warn = (message: string): void => void ctx.io.stderr.write(`warning: ${audio}: ${message}\n`)
    const writer = new NpyWriter(resolve(out), FBANK_NUM_BINS)
    try {
      // Frames are computed as whole 400-sample windows arrive; the unused tail carries over.
      let carry = new Float32Array(0)
      let samples = 0
      for await (const block of stream16k(audio, { signal: ctx.signal, onWarning: warn })) {
        samples += block.length
        const buffer = new Float32Array(carry.length + block.length)
        buffer.set(carry)
        buffer.set(block, carry.length)
        const frames = fbankFrameCount(buffer.length)
        if (frames > 0) {
          writer.push(extractor.compute(buffer.subarray(0, fbankSamplesForFrames(frames))).data)
          carry = buffer.slice(frames * FBANK_FRAME_SHIFT)
        } else {
          carry = buffer
        }
      }
      const [frames] = writer.close()
      if (frames === 0) warn(`shorter than one 25 ms frame (${samples} samples at 16 kHz): no frames written (embed zero-pads recordings shorter than 0.2 s)`)
      ctx.io.stdout.write(`${frames} frames × ${FBANK_NUM_BINS} bins → ${resolve(out)}\n`)
    } catch (err) {
      writer.abandon()
      rmSync(resolve(out), { force: true })
      throw err
    }
  },
}
