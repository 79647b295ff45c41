// conv2d geometry as WGSL override constants (kernel size, stride, padding), included by every conv2d
// kernel so that one pipeline per geometry is compiled from the same declarations.
override KH: u32 = 3u;
override KW: u32 = 3u;
override SH: u32 = 1u;
override SW: u32 = 1u;
override PH: u32 = 0u;
override PW: u32 = 0u;
