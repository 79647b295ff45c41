// conv2d forward epilogue: store the accumulator unchanged.
fn epilogue(n: u32, o: u32, pixel: u32, acc: f32) -> f32 { return acc; }
