// The inference engine: loads onnxruntime-node, so import it only where inference runs (workers, CLI).
export { createEncoderEngine, MIN_FRAMES, type EncoderEngine, type EncoderOutput, type EngineOptions, type EngineSource, type RunOptions } from './encoder-engine'
export { PROVIDER_ORDER, type ProviderAttempt, type ProviderName, type ProviderReport } from './providers'
export { classifierProbabilities } from './classifier-activation'
export { detectNvidiaGpu, installCudaProvider, missingCudaProviderFiles, type CudaInstallResult, type NvidiaGpu } from './cuda-provider'
