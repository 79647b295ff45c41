// conv2d forward epilogue: store the accumulator unchanged.
fn epilogue_channel(o: u32) -> vec4<f32> { return vec4<f32>(); }
fn epilogue(n: u32, o: u32, pixel: u32, acc: f32, ch: vec4<f32>) -> f32 { return acc; }
