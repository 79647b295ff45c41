// Differentiable fused softmax–cross-entropy, and (not differentiable) accuracy helpers.
import { record } from '../autograd.ts';
import { checkOperands, type Tensor } from '../tensor.ts';
import { softmaxCrossEntropyBackward, softmaxCrossEntropyForward } from '../kernels/loss.ts';
export { argmax, countCorrect } from '../kernels/loss.ts';

/**
 * Mean cross-entropy of softmax(logits [B, N]) against int32 labels [B], shape [1]. The per-row
 * logsumexp is kept (owned by the caller's scope, like the output) for the one-kernel backward
 * dLogits = (softmax − onehot) / B · gradOut.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  checkOperands('softmaxCrossEntropy', { logits });
  checkOperands('softmaxCrossEntropy', { labels }, 'i32');
  const { loss, lse } = softmaxCrossEntropyForward(logits, labels);
  if (!logits.requiresGrad) {
    lse.dispose();
    return loss;
  }
  return record(loss, 'softmaxCrossEntropy', [logits, labels], (g) => [softmaxCrossEntropyBackward(logits, labels, lse, g), null]);
}
