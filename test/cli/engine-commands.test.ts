// `fbank` and `embed` against the reference fixtures, their error lines, and `embed` on every real
// recording of ../shared (each succeeds or fails with a typed error naming the file).
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { runCli } from '../../src-main/cli/run-cli'
import { readNpy } from '../analysis/read-npy'
import { tempDir } from '../helpers/main-services'
import { describeShared, fixtureManifest, fixturePath, readF32, realPath } from '../helpers/shared-data'
import { CapturedStream } from './captured-stream'

const dirs: Array<{ cleanup(): void }> = []
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))

function out(): string {
  const d = tempDir('obs-cli-engine-')
  dirs.push(d)
  return d.path
}

async function cli(argv: string[]) {
  const stdout = new CapturedStream()
  const stderr = new CapturedStream()
  const code = await runCli(argv, { stdout, stderr, env: { OPENBEATS_DATA_DIR: join(out(), 'data') } })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

interface Wave {
  id: string
  wav: string
  frames: number
  patches: number
  tensor(name: string): Float32Array
}

function waves(): Wave[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the manifest is loose JSON test data
  return fixtureManifest().waves.filter((w: any) => w.sample_rate === 16000).map((w: any) => ({
    id: w.id,
    wav: fixturePath(w.wav),
    frames: w.num_fbank_frames,
    patches: w.num_patches,
    tensor: (name: string) => readF32(fixturePath(w.tensors[name].file)),
  }))
}

const SSL = () => fixturePath('checkpoints/openbeats_ssl_tiny.pt')

describeShared('fbank and embed commands on the fixtures', () => {
  it('fbank writes the normalised fbank [frames, 128] within 1e-2 of the reference', async () => {
    for (const w of waves()) {
      const file = join(out(), `${w.id}.npy`)
      const r = await cli(['fbank', w.wav, '--out', file])
      expect(r).toMatchObject({ code: 0, stderr: '' })
      const npy = readNpy(file)
      expect(npy.shape).toEqual([w.frames, 128])
      expect(maxAbsDiff(npy.data, w.tensor('fbank_normalized')), w.id).toBeLessThan(1e-2)
    }
  })

  it('fbank --mean/--std changes the normalisation as (x − M)/(2·S)', async () => {
    const [w] = waves()
    const file = join(out(), 'raw.npy')
    expect((await cli(['fbank', w.wav, '--out', file, '--mean', '0', '--std', '0.5'])).code).toBe(0)
    const raw = readNpy(file).data
    const ref = w.tensor('fbank_normalized').map((x) => x * 2 * 6.55582 + 15.41663)
    // The 1e-2 of the normalised values, times 2·6.55582.
    expect(maxAbsDiff(raw, ref)).toBeLessThan(1e-2 * 2 * 6.55582)
  })

  it('embed --pool none gives the last hidden state [patches, D] (row t·8+f) within 5e-3; --layer 1 gives hidden state 1', async () => {
    for (const w of waves()) {
      const last = join(out(), `${w.id}.npy`)
      expect((await cli(['embed', w.wav, '--checkpoint', SSL(), '--out', last])).code).toBe(0)
      const npy = readNpy(last)
      expect(npy.shape).toEqual([w.patches, 64])
      expect(maxAbsDiff(npy.data, w.tensor('hidden_2')), w.id).toBeLessThan(5e-3)
      const one = join(out(), `${w.id}.h1.npy`)
      expect((await cli(['embed', w.wav, '--checkpoint', SSL(), '--out', one, '--layer', '1', '--pool', 'none'])).code).toBe(0)
      expect(maxAbsDiff(readNpy(one).data, w.tensor('hidden_1')), `${w.id} hidden 1`).toBeLessThan(5e-3)
    }
  })

  it('embed --pool frame averages the 8 frequency patches of each time patch, --pool clip all patches', async () => {
    const w = waves()[0]
    const hidden = w.tensor('hidden_2')
    const T = w.patches / 8
    const frames = join(out(), 'frames.npy')
    const clip = join(out(), 'clip.npy')
    expect((await cli(['embed', w.wav, '--checkpoint', SSL(), '--out', frames, '--pool', 'frame'])).code).toBe(0)
    expect((await cli(['embed', w.wav, '--checkpoint', SSL(), '--out', clip, '--pool', 'clip'])).code).toBe(0)
    const refFrames = new Float32Array(T * 64)
    const refClip = new Float32Array(64)
    for (let t = 0; t < T; t++) for (let f = 0; f < 8; f++) for (let d = 0; d < 64; d++) refFrames[t * 64 + d] += hidden[(t * 8 + f) * 64 + d] / 8
    for (let p = 0; p < w.patches; p++) for (let d = 0; d < 64; d++) refClip[d] += hidden[p * 64 + d] / w.patches
    const f = readNpy(frames)
    expect(f.shape).toEqual([T, 64])
    expect(maxAbsDiff(f.data, refFrames)).toBeLessThan(5e-3)
    const c = readNpy(clip)
    expect(c.shape).toEqual([64])
    expect(maxAbsDiff(c.data, refClip)).toBeLessThan(5e-3)
  })

  it('embed --logits writes the ESPnet classifier logits [C] of the whole recording', async () => {
    for (const w of waves()) {
      const logits = join(out(), `${w.id}.logits.npy`)
      const r = await cli([
        'embed', w.wav, '--checkpoint', fixturePath('checkpoints/espnet_cls_tiny.pth'), '--config', fixturePath('checkpoints/espnet_cls_tiny.config.yaml'),
        '--out', join(out(), 'x.npy'), '--pool', 'clip', '--logits', logits,
      ])
      expect(r.code).toBe(0)
      const npy = readNpy(logits)
      expect(npy.shape).toEqual([5])
      expect(maxAbsDiff(npy.data, w.tensor('cls_logits')), w.id).toBeLessThan(5e-3)
    }
  })

  it('fails with one `error CODE: message` line: --logits without a head, a missing file, a bad --layer', async () => {
    const [w] = waves()
    const noHead = await cli(['embed', w.wav, '--checkpoint', SSL(), '--out', join(out(), 'a.npy'), '--logits', join(out(), 'l.npy')])
    expect(noHead.code).toBe(2)
    expect(noHead.stderr).toBe('error INVALID_REQUEST: openbeats_ssl_tiny.pt has no classifier head (a openbeats-ssl checkpoint without one): --logits needs a fine-tuned checkpoint\n')
    const missing = await cli(['fbank', join(out(), 'nothing.wav'), '--out', join(out(), 'b.npy')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^error AUDIO_NOT_FOUND: .*nothing\.wav: no such file\n$/)
    const layer = await cli(['embed', w.wav, '--checkpoint', SSL(), '--out', join(out(), 'c.npy'), '--layer', '3'])
    expect(layer.stderr).toBe('error INVALID_REQUEST: --layer must be an integer from 0 to 2 for this checkpoint, got "3"\n')
  })

  it('fbank and embed print the decoder\'s warnings and the zero-padding of a very short recording, naming the file', async () => {
    // a lying RIFF size, a chunk that overlaps 'data', a 'wamd' chunk without its pad byte
    const lying = realPath('edge_cases/Car300711-2014-Pass2-C1-16701_0_20141004_210909_000.wav')
    const f = await cli(['fbank', lying, '--out', join(out(), 'lying.npy')])
    expect(f.code).toBe(0)
    const lines = f.stderr.trim().split('\n')
    expect(lines).toHaveLength(3)
    for (const line of lines) expect(line.startsWith(`warning: ${lying}: `)).toBe(true)
    expect(lines[1]).toBe(`warning: ${lying}: chunk at offset 3840044 starts 2 byte(s) before the end of chunk 'data'; 'data' shortened to 3839998 bytes`)
    const e = await cli(['embed', lying, '--checkpoint', SSL(), '--out', join(out(), 'lying-e.npy'), '--pool', 'clip'])
    expect(e.code).toBe(0)
    expect(e.stderr).toBe(f.stderr)

    // 538 samples at 44.1 kHz: 196 at 16 kHz, less than one 400-sample frame
    const short = realPath('edge_cases/o_o_Col_de_Roncevaux_ferme_abandonnee10250_20140725_081655_173.wav')
    const shortNpy = join(out(), 'short.npy')
    const s = await cli(['fbank', short, '--out', shortNpy])
    expect(s.code).toBe(0)
    expect(readNpy(shortNpy).shape).toEqual([0, 128])
    expect(s.stderr).toBe(`warning: ${short}: shorter than one 25 ms frame (196 samples at 16 kHz): no frames written (embed zero-pads recordings shorter than 0.2 s)\n`)
    const se = await cli(['embed', short, '--checkpoint', SSL(), '--out', join(out(), 'short-e.npy')])
    expect(se.code).toBe(0)
    expect(se.stderr).toBe(`warning: ${short}: recording shorter than 0.2 s: zero-padded by 3004 samples\n`)
  })

  it('embed succeeds on every real recording, or fails with a typed error naming the file', async () => {
    const results: string[] = []
    for (const name of readdirSync(realPath('recordings')).sort()) {
      const file = join(out(), `${name}.npy`)
      const r = await cli(['embed', realPath(`recordings/${name}`), '--checkpoint', SSL(), '--out', file, '--pool', 'frame'])
      if (r.code === 0) {
        const npy = readNpy(file)
        expect(npy.shape[1]).toBe(64)
        expect(npy.shape[0], name).toBeGreaterThan(0)
        expect(npy.data.every(Number.isFinite), name).toBe(true)
        results.push(`${name}: ok`)
      } else {
        expect(r.stderr, name).toMatch(new RegExp(`^error AUDIO_[A-Z_]+: .*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
        results.push(`${name}: ${r.stderr.trim()}`)
      }
    }
    expect(results.filter((r) => r.endsWith(': ok')).length).toBe(results.length)
  })
})
