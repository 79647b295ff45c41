// Matmul epilogue: store the accumulator unchanged. (Every matmul epilogue defines epilogue_row and
// epilogue_col, values the core computes once per row and per column of its block, and epilogue.)
fn epilogue_row(row: u32) -> vec4<f32> { return vec4<f32>(); }
fn epilogue_col(col: u32) -> vec4<f32> { return vec4<f32>(); }
fn epilogue(row: u32, col: u32, acc: f32, rv: vec4<f32>, cv: vec4<f32>) -> f32 { return acc; }
