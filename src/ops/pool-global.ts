// Global average pooling: x [N, C, H, W] → [N, C], the mean of each channel's plane (ResNet's pooling
// before the heads). Composed from the differentiable mean over axes 2 and 3 (kernels/reduce).
import { checkOperands, type Tensor } from '../tensor.ts';
import { ShapeError } from '../runtime/errors.ts';
import { mean } from './reduce.ts';

export function globalAvgPool2d(x: Tensor): Tensor {
  checkOperands('globalAvgPool2d', { x });
  if (x.shape.length !== 4) throw new ShapeError('globalAvgPool2d', `input must be [N, C, H, W], got [${x.shape.join(', ')}]`);
  return mean(x, [2, 3]);
}
