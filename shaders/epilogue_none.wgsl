// Matmul epilogue: store the accumulator unchanged.
fn epilogue(row: u32, col: u32, acc: f32) -> f32 { return acc; }
