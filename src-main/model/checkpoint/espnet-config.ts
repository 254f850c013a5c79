// The parts of an ESPnet classification `config.yaml` and `token_list` that a fine-tuned
// OpenBEATs checkpoint needs (spec §1, §3.5, §6). YAML is read with the failsafe schema, so
// class names such as `1` or `yes` stay the strings they are in the file.
import { readFile } from 'node:fs/promises'
import { parse } from 'yaml'
import { z } from 'zod'
import { AppError } from '../../errors'
import type { FbankNormalization } from '../types'

const EspnetConfigSchema = z.looseObject({
  encoder: z.string().optional(),
  encoder_conf: z
    .looseObject({
      fbank_mean: z.string().optional(),
      fbank_std: z.string().optional(),
      beats_config: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
    })
    .optional(),
  decoder: z.string().optional(),
  decoder_conf: z.looseObject({ pooling: z.string().optional() }).optional(),
  model_conf: z.looseObject({ classification_type: z.string().optional() }).optional(),
  token_list: z.union([z.array(z.string()), z.string()]).optional(),
})

export interface EspnetClassifierConfig {
  path: string
  /** Both constants, or whichever one the file gives (the caller fills the other). */
  fbankMean?: number
  fbankStd?: number
  /** `encoder_conf.beats_config` (training overrides; may name architecture keys). */
  beatsConfig?: Map<string, unknown>
  activation?: 'sigmoid' | 'softmax'
  /** The YAML's token list as written (the trailing `<unk>` still there). */
  tokenList?: string[]
  /** When `token_list` is a path instead of a list. */
  tokenListRef?: string
}

function number(path: string, key: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '' || raw === 'null' || raw === '~') return undefined
  const v = Number(raw)
  if (!Number.isFinite(v)) throw new AppError('CHECKPOINT_INVALID', `${path}: ${key} = ${JSON.stringify(raw)} is not a number`)
  return v
}

export async function readEspnetConfig(path: string): Promise<EspnetClassifierConfig> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new AppError('NOT_FOUND', `${path}: cannot read the ESPnet config (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
  }
  let doc: unknown
  try {
    doc = parse(text, { schema: 'failsafe', maxAliasCount: 100 })
  } catch (err) {
    throw new AppError('CHECKPOINT_INVALID', `${path}: not valid YAML (${err instanceof Error ? err.message : String(err)})`)
  }
  const parsed = EspnetConfigSchema.safeParse(doc)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new AppError('CHECKPOINT_INVALID', `${path}: unexpected ESPnet config: ${issue.path.join('.') || '(top)'}: ${issue.message}`)
  }
  const c = parsed.data
  if (c.encoder !== undefined && c.encoder !== 'beats') throw new AppError('CHECKPOINT_UNSUPPORTED', `${path}: encoder is ${c.encoder}, not beats`)
  if (c.decoder !== undefined && c.decoder !== 'linear') throw new AppError('CHECKPOINT_UNSUPPORTED', `${path}: decoder is ${c.decoder}; only the linear head is supported`)
  const pooling = c.decoder_conf?.pooling
  if (pooling !== undefined && pooling !== 'mean') throw new AppError('CHECKPOINT_UNSUPPORTED', `${path}: decoder pooling is ${pooling}; only mean pooling is supported`)
  const type = c.model_conf?.classification_type
  let activation: EspnetClassifierConfig['activation']
  if (type === 'multi-label') activation = 'sigmoid'
  else if (type === 'multi-class') activation = 'softmax'
  else if (type !== undefined) throw new AppError('CHECKPOINT_UNSUPPORTED', `${path}: classification_type ${type} is neither multi-label nor multi-class`)
  const bc = c.encoder_conf?.beats_config
  return {
    path,
    fbankMean: number(path, 'encoder_conf.fbank_mean', c.encoder_conf?.fbank_mean),
    fbankStd: number(path, 'encoder_conf.fbank_std', c.encoder_conf?.fbank_std),
    beatsConfig: bc && typeof bc === 'object' ? new Map(Object.entries(bc)) : undefined,
    activation,
    tokenList: Array.isArray(c.token_list) ? c.token_list : undefined,
    tokenListRef: typeof c.token_list === 'string' && c.token_list !== '' && c.token_list !== 'null' ? c.token_list : undefined,
  }
}

/** One token per line, as ESPnet writes `token_list`. */
export async function readTokenListFile(path: string): Promise<string[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new AppError('NOT_FOUND', `${path}: cannot read the token list (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
  }
  const lines = text.split(/\r?\n/)
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop()
  return lines.map((l) => l.trim())
}

/** Class labels from an ESPnet token list: the dummy `<unk>` that ends it is dropped (only that one). */
export function labelsFromTokenList(tokens: readonly string[]): string[] {
  return tokens.length > 0 && tokens[tokens.length - 1] === '<unk>' ? tokens.slice(0, -1) : [...tokens]
}

/** The normalisation rule of spec §3.5: the config's constants where given, else the released defaults. */
export function normalizationFrom(mean: number | undefined, std: number | undefined, fallback: FbankNormalization, where: string, warnings: string[]): FbankNormalization {
  if (mean !== undefined && std !== undefined) return { mean, std }
  if (mean !== undefined || std !== undefined) warnings.push(`${where} gives only fbank_${mean !== undefined ? 'mean' : 'std'}; the other is the default ${mean !== undefined ? fallback.std : fallback.mean}`)
  return { mean: mean ?? fallback.mean, std: std ?? fallback.std }
}
