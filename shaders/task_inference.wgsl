// Task-agnostic prediction from the logits of T task forwards of one batch, stacked task-major: task t's
// logits [B, N_t] start at element B · offset_t (offset_t = N_0 + … + N_{t−1}). Per row b it scores each
// task's logits and keeps the task with the highest score (the first on ties), then that task's argmax:
//   SCORE 0: the largest logit (the argmax over the concatenated heads, for networks shared by every task)
//   SCORE 1: the largest softmax probability, max_j x_j − logsumexp(x)
//   SCORE 2: the lowest entropy, as −H = Σ_j p_j x_j − logsumexp(x)
//   SCORE 3: the largest energy, logsumexp(x)
// STORE writes either the chosen task and class (out[b], out[B + b]) or, against the batch's true task and
// its within-task labels, 1.0/0.0 flags: task right (out[b]) and class right in the right task (out[B + b]).
struct Params { B: u32, T: u32, score: u32, trueTask: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
// classes[t] = N_t, classes[T + t] = offset_t.
@group(0) @binding(2) var<storage, read> classes: array<u32>;
{{BINDINGS}}

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let b = (wid.y * groups.x + wid.x) * WG + lid;
  let B = params.B;
  if (b >= B) {
    return;
  }
  var bestTask = 0u;
  var bestClass = 0u;
  var bestScore = 0.0;
  for (var t = 0u; t < params.T; t++) {
    let n = classes[t];
    let base = B * classes[params.T + t] + b * n;
    var m = logits[base];
    var arg = 0u;
    for (var j = 1u; j < n; j++) {
      let v = logits[base + j];
      if (v > m) {
        m = v;
        arg = j;
      }
    }
    var z = 0.0;
    var weighted = 0.0;
    for (var j = 0u; j < n; j++) {
      let e = exp(logits[base + j] - m);
      z += e;
      weighted += e * (logits[base + j] - m);
    }
    let lse = m + log(z);
    var score = m;
    if (params.score == 1u) {
      score = m - lse;
    } else if (params.score == 2u) {
      // Σ p_j x_j − lse with the shift by m cancelling: Σ p_j (x_j − m) − log z.
      score = weighted / z - log(z);
    } else if (params.score == 3u) {
      score = lse;
    }
    if (t == 0u || score > bestScore) {
      bestScore = score;
      bestTask = t;
      bestClass = arg;
    }
  }
  {{STORE}}
}
