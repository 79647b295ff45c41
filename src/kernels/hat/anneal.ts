// The s schedule of HAT (CPU side): s annealed from 1/smax to smax over the batches of an epoch.

/** s for the batch starting at sample batchStart of nTrain: 1/smax + (smax − 1/smax) · batchStart / nTrain. */
export function annealS(batchStart: number, nTrain: number, smax: number): number {
  return 1 / smax + (smax - 1 / smax) * batchStart / nTrain;
}
