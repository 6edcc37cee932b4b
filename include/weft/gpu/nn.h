// weft/gpu/nn.h — weft::nn's dense layers on a CUDA device.
//
// The operations of weft/nn.h with the same names, meanings and argument checks, on views
// of device memory (weft/gpu/device.h), each run in the stream of the Context it is given:
// GEMMs in cuBLAS (FP32, no TF32), the elementwise parts and the reductions in CUDA
// kernels. Results agree with weft::nn's CPU kernels up to float rounding (the order of
// the sums differs). Built only with CUDA: link weft::weft_gpu.
//
// Errors: a shape mismatch throws weft::Error "weft::gpu::<op>: <arg> is <shape> but <ref> is
// <shape> (<what is needed>)" before any work is enqueued; so does an output that overlaps
// an input where weft::nn refuses it. A failing CUDA or cuBLAS call throws weft::Error with
// the call, its file:line and the error's description.
#pragma once

#include "weft/gpu/device.h"

#include <cstdint>

namespace weft {
namespace gpu {

// Y = X W^T + b for X (n x in), W (out x in), b (1 x out), Y (n x out). Y must not share
// storage with X, W or b.
void linear(Context &ctx, ConstMatrix X, ConstMatrix W, ConstMatrix b, Matrix Y);

// The gradients of linear, given dY = dL/dY (n x out): dW = dY^T X, db = the column sums
// of dY, dX = dY W, each overwritten; none may share storage with X, W, dY or another.
void linear_backward(Context &ctx, ConstMatrix X, ConstMatrix W, ConstMatrix dY, Matrix dW,
                     Matrix db, Matrix dX);

// The gradients of linear without dX (the first layer, whose input is data).
void linear_backward_weights(Context &ctx, ConstMatrix X, ConstMatrix dY, Matrix dW, Matrix db);

// Y = max(X, 0), elementwise (Y may be X's rows exactly).
void relu(Context &ctx, ConstMatrix X, Matrix Y);

// dX = dY where Y > 0, else 0 (dX may be dY's rows exactly, not Y's).
void relu_backward(Context &ctx, ConstMatrix Y, ConstMatrix dY, Matrix dX);

// The mean over the n rows of Z (n x classes) of the cross entropy of softmax(Z row) with the
// row's label, returned to the host (waits for the stream); dZ = (softmax(Z) - onehot) / n
// (dZ may be Z's rows exactly). A label outside [0, classes) throws weft::Error naming the
// first such row, and dZ is then left untouched. An empty Z has loss 0.
float softmax_cross_entropy(Context &ctx, ConstMatrix Z, ConstLabels labels, Matrix dZ);

// The number of rows of Z whose largest logit is at the row's label (the first of equal
// largest logits counts); waits for the stream.
std::int64_t count_correct(Context &ctx, ConstMatrix Z, ConstLabels labels);

// W -= lr * dW.
void sgd(Context &ctx, Matrix W, ConstMatrix dW, float lr);

// One Adam step for step number t >= 1, as nn::adam: m and v start at zero and have W's
// shape.
void adam(Context &ctx, Matrix W, ConstMatrix dW, Matrix m, Matrix v, std::int64_t t, float lr,
          float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f);

} // namespace gpu
} // namespace weft
