// Adam (Kingma & Ba 2015) over a flat parameter region in compute memory, with classic L2:
// weightDecay·w is added to the gradient of the ranges that take decay (weights, not biases), as
// torch.optim.Adam's weight_decay does.

import type { ComputeContext, KernelCall } from '../numeric/compute-context'

export interface AdamOptions {
  lr: number
  weightDecay: number
  /** [start, end) float ranges of the parameters that take weight decay (multiples of 4). */
  decayRanges: readonly [number, number][]
  beta1?: number
  beta2?: number
  eps?: number
}

export class Adam {
  private readonly mPtr: number
  private readonly vPtr: number
  private t = 0

  constructor(
    private readonly ctx: ComputeContext,
    /** Floats in the parameter region (a multiple of 4). */
    private readonly size: number,
    private readonly opts: AdamOptions,
  ) {
    this.mPtr = ctx.alloc(4 * size)
    this.vPtr = ctx.alloc(4 * size)
    ctx.f32(this.mPtr, size).fill(0)
    ctx.f32(this.vPtr, size).fill(0)
  }

  step(paramPtr: number, gradPtr: number): void {
    const { lr, weightDecay } = this.opts
    const b1 = this.opts.beta1 ?? 0.9
    const b2 = this.opts.beta2 ?? 0.999
    this.t++
    const calls: KernelCall[] = []
    if (weightDecay > 0) {
      for (const [s, e] of this.opts.decayRanges) calls.push({ kernel: 'axpy', args: [gradPtr + 4 * s, paramPtr + 4 * s, e - s, weightDecay] })
    }
    const stepSize = lr / (1 - Math.pow(b1, this.t))
    const invC2 = 1 / (1 - Math.pow(b2, this.t))
    calls.push({ kernel: 'adam', args: [paramPtr, gradPtr, this.mPtr, this.vPtr, this.size, stepSize, b1, b2, this.opts.eps ?? 1e-8, invC2] })
    this.ctx.call(calls)
  }
}
