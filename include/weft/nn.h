// weft/nn.h — dense layers for training programs, with serial semantics.
//
// Tensors are weft::DistArray<float, 2>: rows are examples, row-major. Operations are free
// functions over views of them: a Matrix (written) or ConstMatrix (read) names a whole
// array or, through nn::rows, a range of its rows (a minibatch). A DistArray converts to
// a view of all its rows. Views never own storage and never outlive their array.
//
// Every operation declares its effects next to its declaration with WEFT_EFFECTS: which
// of its parameters it reads, writes (overwrites every element without reading it),
// updates (reads and writes in place) or accumulates into (adds to). weftc reads these
// declarations from this header (an `annotate` attribute that only Clang sees) and
// models a call as accesses to the arrays its arguments view; nothing else is touched:
// no global state, no other array. A declaration without WEFT_EFFECTS is an unknown
// effect to weftc, like any call it cannot see. The grammar of the annotation text:
//
//   effects ::= "weft.effects:" (kind "(" param ("," param)* ")")*
//   kind    ::= "read" | "write" | "update" | "accumulate"
//
// where each param names a parameter of the declaration; scalars passed by value are
// read and need no entry. An argument of a view parameter is a DistArray (all its rows)
// or a call of a function declared with WEFT_VIEW:
//
//   view ::= "weft.view: rows(" array "," first "," count ")"
//
// whose result views rows [first, first + count) of its parameter `array`. weftc accepts
// no other argument for a view parameter (a view kept in a variable is an unknown
// effect: pass nn::rows(...) in the call). The view classes carry WEFT_VIEW_CLASS: weftc
// follows their conversions (a DistArray to a view, a Matrix to a ConstMatrix) to the
// array they view.
//
// How an operation treats a minibatch's rows, for the pipeline executor, which runs a
// microbatch (a range of the rows) at a time, is declared with WEFT_ROWS:
//
//   rows    ::= "weft.rows:" (role "(" target ("," target)* ")")*
//   role    ::= "rows" | "sum_rows" | "mean_rows"
//   target  ::= param | "return"
//
// rows(p): row i of p (read or written) goes with row i of every other rows parameter,
// and a written row depends on those rows only. sum_rows(p): p (or the value) is a sum,
// over the rows, of terms that depend on one row each (a weight gradient, a count).
// mean_rows(p) for a parameter: as rows(p), each row divided by the number of rows (the
// per-row gradient of a mean loss); mean_rows(return): the value is the mean over the
// rows of terms that depend on one row each (a mean loss). Parameters not named are not
// indexed by the rows (weights). An operation without WEFT_ROWS keeps a pipeline loop
// sequential; one whose WEFT_ROWS does not hold gives wrong results in parallel (where
// the shapes show it, the executor runs the loop as written instead).
//
// Errors: a shape mismatch throws weft::Error naming the operation, the argument and
// both shapes; a bad IDX file throws weft::Error with the path, the byte offset and what
// was expected there.
//
// Kernels: CPU kernels use OpenBLAS (single-threaded: the runtime owns parallelism).
#pragma once

#include "weft/weft.h"

#include <cstdint>
#include <string>

#if defined(__clang__)
#define WEFT_EFFECTS(...) __attribute__((annotate("weft.effects: " #__VA_ARGS__)))
#define WEFT_VIEW(...) __attribute__((annotate("weft.view: " #__VA_ARGS__)))
#define WEFT_VIEW_CLASS __attribute__((annotate("weft.view_class")))
#define WEFT_ROWS(...) __attribute__((annotate("weft.rows: " #__VA_ARGS__)))
#else
#define WEFT_EFFECTS(...)
#define WEFT_VIEW(...)
#define WEFT_VIEW_CLASS
#define WEFT_ROWS(...)
#endif

namespace weft {
namespace nn {

using Tensor = DistArray<float, 2>;
using Labels = DistArray<std::int32_t, 1>;

// A view of rows [first, first + rows) of a row-major float array with `cols` columns.
class WEFT_VIEW_CLASS ConstMatrix {
public:
  ConstMatrix(const Tensor &array) // NOLINT: a whole array is a view of all its rows
      : data_(array.data()), rows_(array.shape()[0]), cols_(array.shape()[1]) {}
  ConstMatrix(const float *data, std::int64_t rows, std::int64_t cols)
      : data_(data), rows_(rows), cols_(cols) {}

  const float *data() const { return data_; }
  std::int64_t rows() const { return rows_; }
  std::int64_t cols() const { return cols_; }
  const float &operator()(std::int64_t r, std::int64_t c) const { return data_[r * cols_ + c]; }

private:
  const float *data_;
  std::int64_t rows_, cols_;
};

class WEFT_VIEW_CLASS Matrix {
public:
  Matrix(Tensor &array) // NOLINT: a whole array is a view of all its rows
      : data_(array.data()), rows_(array.shape()[0]), cols_(array.shape()[1]) {}
  Matrix(float *data, std::int64_t rows, std::int64_t cols)
      : data_(data), rows_(rows), cols_(cols) {}
  operator ConstMatrix() const { return ConstMatrix(data_, rows_, cols_); } // NOLINT

  float *data() const { return data_; }
  std::int64_t rows() const { return rows_; }
  std::int64_t cols() const { return cols_; }
  float &operator()(std::int64_t r, std::int64_t c) const { return data_[r * cols_ + c]; }

private:
  float *data_;
  std::int64_t rows_, cols_;
};

// A view of labels [first, first + count) of a label vector.
class WEFT_VIEW_CLASS ConstLabels {
public:
  ConstLabels(const Labels &labels) // NOLINT: a whole vector is a view of all of it
      : data_(labels.data()), count_(labels.shape()[0]) {}
  ConstLabels(const std::int32_t *data, std::int64_t count) : data_(data), count_(count) {}

  const std::int32_t *data() const { return data_; }
  std::int64_t size() const { return count_; }
  std::int32_t operator[](std::int64_t i) const { return data_[i]; }

private:
  const std::int32_t *data_;
  std::int64_t count_;
};

// Rows [first, first + count) of an array (a minibatch). Throws weft::Error unless
// 0 <= first, 0 <= count and first + count <= the array's rows.
WEFT_VIEW(rows(array, first, count))
Matrix rows(Tensor &array, std::int64_t first, std::int64_t count);
WEFT_VIEW(rows(array, first, count))
ConstMatrix rows(const Tensor &array, std::int64_t first, std::int64_t count);
WEFT_VIEW(rows(array, first, count))
ConstLabels rows(const Labels &array, std::int64_t first, std::int64_t count);

// Y = X W^T + b for X (n x in), W (out x in), b (1 x out), Y (n x out). Y must not share
// storage with X, W or b (weft::Error).
WEFT_EFFECTS(read(X, W, b) write(Y))
WEFT_ROWS(rows(X, Y))
void linear(ConstMatrix X, ConstMatrix W, ConstMatrix b, Matrix Y);

// The gradients of linear, given dY = dL/dY (n x out): dW = dY^T X, db = the column sums
// of dY, dX = dY W. dW, db and dX are overwritten, not accumulated; none of them may share
// storage with X, W, dY or another of them (weft::Error).
WEFT_EFFECTS(read(X, W, dY) write(dW, db, dX))
WEFT_ROWS(rows(X, dY, dX) sum_rows(dW, db))
void linear_backward(ConstMatrix X, ConstMatrix W, ConstMatrix dY, Matrix dW, Matrix db,
                     Matrix dX);

// The gradients of linear without dX (the first layer, whose input is data).
WEFT_EFFECTS(read(X, dY) write(dW, db))
WEFT_ROWS(rows(X, dY) sum_rows(dW, db))
void linear_backward_weights(ConstMatrix X, ConstMatrix dY, Matrix dW, Matrix db);

// Y = max(X, 0), elementwise (Y may be X's array).
WEFT_EFFECTS(read(X) write(Y))
WEFT_ROWS(rows(X, Y))
void relu(ConstMatrix X, Matrix Y);

// dX = dY where Y > 0, else 0, for Y = relu(X) (dX may be dY's array, not Y's).
WEFT_EFFECTS(read(Y, dY) write(dX))
WEFT_ROWS(rows(Y, dY, dX))
void relu_backward(ConstMatrix Y, ConstMatrix dY, Matrix dX);

// The mean over the n rows of Z (n x classes, logits) of the cross entropy of
// softmax(Z row) with the row's label; dZ = (softmax(Z) - onehot(label)) / n (dZ may be Z's
// array). Throws weft::Error for a label outside [0, classes). An empty Z has loss 0.
WEFT_EFFECTS(read(Z, labels) write(dZ))
WEFT_ROWS(rows(Z, labels) mean_rows(dZ, return))
float softmax_cross_entropy(ConstMatrix Z, ConstLabels labels, Matrix dZ);

// The mean over the n rows of Y (n x c) of the mean squared difference to T (n x c):
// loss = 1/(n c) sum_ij (Y_ij - T_ij)^2; dY = 2 (Y - T) / (n c) (dY may be Y's array,
// not T's). A regression loss, for models whose targets are another model's outputs.
// An empty Y has loss 0.
WEFT_EFFECTS(read(Y, T) write(dY))
WEFT_ROWS(rows(Y, T) mean_rows(dY, return))
float mean_squared_error(ConstMatrix Y, ConstMatrix T, Matrix dY);

// The number of rows of Z whose largest logit is at the row's label (the first of equal
// largest logits counts).
WEFT_EFFECTS(read(Z, labels))
WEFT_ROWS(rows(Z, labels) sum_rows(return))
std::int64_t count_correct(ConstMatrix Z, ConstLabels labels);

// W -= lr * dW.
WEFT_EFFECTS(read(dW) update(W))
WEFT_ROWS()
void sgd(Matrix W, ConstMatrix dW, float lr);

// One Adam step (Kingma and Ba, 2015) for step number t >= 1 (the user counts steps):
// m = beta1 m + (1 - beta1) dW; v = beta2 v + (1 - beta2) dW^2;
// W -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps). m and v start at zero
// and have W's shape; the user owns them.
WEFT_EFFECTS(read(dW) update(W, m, v))
WEFT_ROWS()
void adam(Matrix W, ConstMatrix dW, Matrix m, Matrix v, std::int64_t t, float lr,
          float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f);

// Initialization: W uniform in [-sqrt(6 / (in + out)), +sqrt(6 / (in + out))) (Glorot)
// from weft's counter-based generator (DistArray::randomize), b zero.
void init_glorot(Tensor &W, std::uint64_t seed);

// IDX files (the MNIST and Fashion-MNIST format), plain or gzip-compressed as they are
// distributed: images as an (n x rows*cols) array scaled to [0, 1], labels as a vector.
// Throws weft::Error with the path, the byte offset (in the decompressed data) and what was
// expected there.
Tensor load_idx_images(const std::string &path);
Labels load_idx_labels(const std::string &path);

} // namespace nn
} // namespace weft
