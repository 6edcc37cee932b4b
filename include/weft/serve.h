// weft/serve.h — parity codes for serving the models weft trains, with serial semantics.
//
// A parity code (Parity Models, Kosaian, Rashmi and Venkataraman, SOSP 2019) protects k
// queries X_1..X_k sent to k copies of a model F with one parity query P = E(X_1..X_k)
// sent to a parity model Fp, trained so that Fp(P) ~ F(X_1) + ... + F(X_k). When the
// output of one query X_m is late or lost, the subtraction decoder (r = 1) recovers an
// approximation of it from the other k - 1 outputs and the parity output:
//
//   F(X_m) ~ Fp(P) - sum_{j != m} F(X_j).
//
// Queries and outputs are rows of weft::nn matrices (one query per row, d features; one
// output per row, c values). Two encoders:
//
//   addition        P = X_1 + ... + X_k, for any k >= 2; with a linear F (no bias) the
//                   parity model can be F itself and decoding is exact.
//   concatenation   for images of h x w pixels (row-major, h and w even) and k = 2 or
//                   4: P is a grid of the k queries, each downsampled by averaging
//                   (k = 2: 1 x 2 pixel blocks, the two h x w/2 halves side by side;
//                   k = 4: 2 x 2 blocks, the four h/2 x w/2 quarters in row-major
//                   order), so P is an image of the queries' own size.
//
// A Group collects the k + 1 results of one group as they arrive and answers the k
// queries as soon as any k of them are in. The serving runtime that dispatches groups
// to workers is weft/serving.h.
//
// Errors (weft::Error, "weft::serve::<what>: ..."): a code that is not one of the above,
// matrices whose shapes do not fit the code, a slot outside the group, answers asked of
// a group that lacks two results.
#pragma once

#include "weft/nn.h"
#include "weft/weft.h"

#include <cstdint>
#include <string>
#include <vector>

namespace weft {
namespace serve {

using nn::ConstMatrix;
using nn::Matrix;

enum class Encoding { addition, concatenation };

// A code: its encoder, k (queries per group) and, for concatenation, the image shape
// that the d = image_rows * image_cols features of a query have.
struct Code {
  Encoding encoding = Encoding::addition;
  std::int64_t k = 2;
  std::int64_t image_rows = 28;
  std::int64_t image_cols = 28;
};

// The code named `encoding` ("addition" or "concatenation") with k queries per group
// over images of rows x cols pixels; throws weft::Error for another name or a code that
// check_code rejects.
Code make_code(const std::string &encoding, std::int64_t k, std::int64_t rows = 28,
               std::int64_t cols = 28);

// "addition" or "concatenation".
const char *encoding_name(Encoding encoding);

// Throws weft::Error unless k >= 2 and, for concatenation, k is 2 or 4 and the image has
// an even, positive number of rows and of columns.
void check_code(const Code &code);

// Parities of groups: row g of `parity` (G x d) encodes rows [g k, g k + k) of `queries`
// (G k x d). For concatenation, d is image_rows * image_cols.
void encode(const Code &code, ConstMatrix queries, Matrix parity);

// Concatenation only: the downsampled images that encode places in the grid (n x d/k
// for n x d `images`), and the cell of query m (0 <= m < k) of each parity row (n x d/k
// for n x d `parity`); cell(encode(X), m) = downsample(row m of X) exactly.
void downsample(const Code &code, ConstMatrix images, Matrix small);
void cell(const Code &code, ConstMatrix parity, std::int64_t m, Matrix small);

// The subtraction decoder: decoded (1 x c) = parity_output (1 x c) - the sum of the rows
// of `outputs` (k x c) other than row `missing` (whose contents are not read).
void decode(ConstMatrix outputs, std::int64_t missing, ConstMatrix parity_output,
            Matrix decoded);

// The results of one group of k queries and its parity query, as they arrive: slots 0
// to k - 1 are the queries' outputs, slot k the parity model's output, each c values.
class Group {
public:
  Group(std::int64_t k, std::int64_t classes);

  std::int64_t k() const { return k_; }
  std::int64_t classes() const { return classes_; }

  // Records the c values at `output` as the result of `slot` (0..k); a later result for
  // the same slot replaces it.
  void set_result(std::int64_t slot, const float *output);
  bool has_result(std::int64_t slot) const;

  // Whether the k queries can be answered: all k query outputs are in, or k - 1 of them
  // and the parity output.
  bool answerable() const;

  // The query slot that decoding would fill: -1 when every query output is in, else the
  // missing one (throws unless answerable()).
  std::int64_t missing_query() const;

  // Writes the k answers (k x c): each query's own output, the missing one (if any)
  // decoded; returns missing_query(). Throws unless answerable().
  std::int64_t answers(Matrix out) const;

private:
  void check_slot(std::int64_t slot) const;

  std::int64_t k_, classes_;
  std::vector<float> results_;  // (k + 1) x classes, slot-major
  std::vector<bool> present_;   // k + 1 flags
};

} // namespace serve
} // namespace weft
