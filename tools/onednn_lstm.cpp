// oneDNN 2.6's own LSTM primitive (the path PyTorch's CPU LSTM takes, through its bundled oneDNN) at the boostcamp
// notebook's sizes: 2 layers, sequence 28, input 28, hidden 256, batch-major input, weights reordered to oneDNN's
// preferred format once. A measurement of what the machine reaches with it, for docs/PERFORMANCE.md; not used by
// the package.
//   g++ -O2 tools/onednn_lstm.cpp -o /tmp/onednn_lstm -ldnnl -fopenmp && /tmp/onednn_lstm <batch> <threads>
#include <dnnl.hpp>
#include <chrono>
#include <cstdio>
#include <vector>
#include <omp.h>
using namespace dnnl; using tag = memory::format_tag; using dt = memory::data_type;
int main(int argc, char** argv) {
  int N = atoi(argv[1]), T = 28, C = 28, H = 256, th = atoi(argv[2]);
  omp_set_num_threads(th);
  engine eng(engine::kind::cpu, 0); stream s(eng);
  struct Layer { lstm_forward prim; memory wl, wi, b, dst, hy, cy, h0, c0; };
  std::vector<Layer> layers; memory src(memory::desc({T, N, C}, dt::f32, tag::ntc), eng);
  std::fill((float*)src.get_data_handle(), (float*)src.get_data_handle() + T*N*C, 0.1f);
  memory in = src;
  for (int l = 0; l < 2; l++) {
    int c = l == 0 ? C : H;
    memory::desc src_md({T, N, c}, dt::f32, l == 0 ? tag::ntc : tag::ntc), dst_md({T, N, H}, dt::f32, tag::ntc);
    memory::desc wl_any({1, 1, c, 4, H}, dt::f32, tag::any), wi_any({1, 1, H, 4, H}, dt::f32, tag::any);
    memory::desc b_md({1, 1, 4, H}, dt::f32, tag::ldgo), it_md({1, 1, N, H}, dt::f32, tag::ldnc);
    lstm_forward::desc d(prop_kind::forward_inference, rnn_direction::unidirectional_left2right, src_md, it_md, it_md,
                         wl_any, wi_any, b_md, dst_md, it_md, it_md);
    lstm_forward::primitive_desc pd(d, eng);
    memory uwl({{1, 1, c, 4, H}, dt::f32, tag::ldigo}, eng), uwi({{1, 1, H, 4, H}, dt::f32, tag::ldigo}, eng);
    std::fill((float*)uwl.get_data_handle(), (float*)uwl.get_data_handle() + c*4*H, 0.01f);
    std::fill((float*)uwi.get_data_handle(), (float*)uwi.get_data_handle() + H*4*H, 0.01f);
    memory wl(pd.weights_layer_desc(), eng), wi(pd.weights_iter_desc(), eng);
    reorder(uwl, wl).execute(s, uwl, wl); reorder(uwi, wi).execute(s, uwi, wi);
    memory b(b_md, eng); std::fill((float*)b.get_data_handle(), (float*)b.get_data_handle() + 4*H, 0.f);
    memory h0(it_md, eng), c0(it_md, eng); std::fill((float*)h0.get_data_handle(), (float*)h0.get_data_handle()+N*H, 0.f); std::fill((float*)c0.get_data_handle(), (float*)c0.get_data_handle()+N*H, 0.f);
    layers.push_back({lstm_forward(pd), wl, wi, b, memory(dst_md, eng), memory(it_md, eng), memory(it_md, eng), h0, c0});
  }
  double best = 1e9, tot = 0; int R = 20;
  for (int r = 0; r < R + 2; r++) {
    auto t0 = std::chrono::steady_clock::now();
    memory x = src;
    for (auto& L : layers) {
      L.prim.execute(s, {{DNNL_ARG_SRC_LAYER, x}, {DNNL_ARG_SRC_ITER, L.h0}, {DNNL_ARG_SRC_ITER_C, L.c0}, {DNNL_ARG_WEIGHTS_LAYER, L.wl}, {DNNL_ARG_WEIGHTS_ITER, L.wi},
                         {DNNL_ARG_BIAS, L.b}, {DNNL_ARG_DST_LAYER, L.dst}, {DNNL_ARG_DST_ITER, L.hy}, {DNNL_ARG_DST_ITER_C, L.cy}});
      x = L.dst;
    }
    s.wait();
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (r >= 2) { tot += ms; if (ms < best) best = ms; }
  }
  printf("oneDNN LSTM N=%d threads=%d: best %.2f ms, mean %.2f ms\n", N, th, best, tot / R);
}
