// BatchNorm's 1/σ of a channel from the value its kernel reads for it: in training the batch's invstd
// (batchnorm_stats), with EVAL the running variance, so 1/sqrt(var + eps). Included by the batchnorm kernels.
override EVAL: bool = false;

fn bn_invstd(stored: f32, eps: f32) -> f32 {
  if (EVAL) { return inverseSqrt(stored + eps); }
  return stored;
}
