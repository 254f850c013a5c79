// Worker: runs the PyTorch trainer for finetune, pretrain, tokenizer, gpu-embed and trainer-import jobs.
import { startTrainerWorker } from '../trainer/trainer-worker'

startTrainerWorker()
