// The encoders and the subtraction decoder of include/weft/serve.h.
#include "weft/serve.h"

#include <string>

namespace weft {
namespace serve {

namespace {

std::string shape_text(ConstMatrix m) {
  return std::to_string(m.rows()) + " x " + std::to_string(m.cols());
}

[[noreturn]] void shape_error(const char *op, const std::string &what) {
  throw Error(std::string("weft::serve::") + op + ": " + what);
}

// The grid of a concatenation code: k = grid_rows * grid_cols cells, each an image of
// (image_rows / grid_rows) x (image_cols / grid_cols) pixels, the average of a
// grid_rows x grid_cols block of the query.
struct Grid {
  std::int64_t rows, cols;           // cells per column and per row of the grid
  std::int64_t cell_rows, cell_cols; // pixels of a cell
};

Grid grid_of(const Code &code) {
  const std::int64_t rows = code.k == 4 ? 2 : 1, cols = 2;
  return {rows, cols, code.image_rows / rows, code.image_cols / cols};
}

std::int64_t features(const Code &code) { return code.image_rows * code.image_cols; }

void check_concatenation(const char *op, const Code &code) {
  check_code(code);
  if (code.encoding != Encoding::concatenation)
    shape_error(op, "needs a concatenation code, got addition");
}

// Writes the average of each block of `image` into the cell at `out`, whose rows are
// `stride` floats apart.
void downsample_into(const Code &code, const Grid &grid, const float *image, float *out,
                     std::int64_t stride) {
  const float scale = 1.0f / static_cast<float>(grid.rows * grid.cols);
  for (std::int64_t r = 0; r < grid.cell_rows; ++r) {
    for (std::int64_t c = 0; c < grid.cell_cols; ++c) {
      float sum = 0.0f;
      for (std::int64_t i = 0; i < grid.rows; ++i) {
        const float *row = image + (r * grid.rows + i) * code.image_cols + c * grid.cols;
        for (std::int64_t j = 0; j < grid.cols; ++j)
          sum += row[j];
      }
      out[r * stride + c] = sum * scale;
    }
  }
}

// The first pixel of cell m in a parity image: cells in row-major order of the grid.
std::int64_t cell_offset(const Code &code, const Grid &grid, std::int64_t m) {
  return (m / grid.cols) * grid.cell_rows * code.image_cols + (m % grid.cols) * grid.cell_cols;
}

} // namespace

const char *encoding_name(Encoding encoding) {
  return encoding == Encoding::addition ? "addition" : "concatenation";
}

void check_code(const Code &code) {
  if (code.k < 2)
    shape_error("check_code", "k must be at least 2, got " + std::to_string(code.k));
  if (code.encoding == Encoding::addition)
    return;
  if (code.k != 2 && code.k != 4) {
    shape_error("check_code",
                "the concatenation encoder takes k = 2 or 4, got " + std::to_string(code.k));
  }
  if (code.image_rows <= 0 || code.image_cols <= 0 || code.image_rows % 2 != 0 ||
      code.image_cols % 2 != 0) {
    shape_error("check_code", "the concatenation encoder needs images with an even number of "
                              "rows and columns, got " +
                                  std::to_string(code.image_rows) + " x " +
                                  std::to_string(code.image_cols));
  }
}

Code make_code(const std::string &encoding, std::int64_t k, std::int64_t rows, std::int64_t cols) {
  Code code;
  if (encoding == "addition") {
    code.encoding = Encoding::addition;
  } else if (encoding == "concatenation") {
    code.encoding = Encoding::concatenation;
  } else {
    shape_error("make_code",
                "unknown encoder '" + encoding + "' (known: addition, concatenation)");
  }
  code.k = k;
  code.image_rows = rows;
  code.image_cols = cols;
  check_code(code);
  return code;
}

void encode(const Code &code, ConstMatrix queries, Matrix parity) {
  check_code(code);
  const std::int64_t k = code.k, groups = parity.rows(), d = queries.cols();
  if (queries.rows() != groups * k || parity.cols() != d) {
    shape_error("encode", "queries is " + shape_text(queries) + " but parity is " +
                              shape_text(parity) + " (queries needs k = " + std::to_string(k) +
                              " rows per parity row, both the same columns)");
  }
  if (code.encoding == Encoding::addition) {
    // P = X_1 + ... + X_k, summed in slot order.
    for (std::int64_t g = 0; g < groups; ++g) {
      float *p = parity.data() + g * d;
      const float *x = queries.data() + g * k * d;
      for (std::int64_t i = 0; i < d; ++i)
        p[i] = x[i];
      for (std::int64_t m = 1; m < k; ++m) {
        const float *xm = x + m * d;
        for (std::int64_t i = 0; i < d; ++i)
          p[i] += xm[i];
      }
    }
    return;
  }
  if (d != features(code)) {
    shape_error("encode", "queries is " + shape_text(queries) + " but the code's images have " +
                              std::to_string(features(code)) + " pixels");
  }
  const Grid grid = grid_of(code);
  for (std::int64_t g = 0; g < groups; ++g) {
    for (std::int64_t m = 0; m < k; ++m) {
      downsample_into(code, grid, queries.data() + (g * k + m) * d,
                      parity.data() + g * d + cell_offset(code, grid, m), code.image_cols);
    }
  }
}

void downsample(const Code &code, ConstMatrix images, Matrix small) {
  check_concatenation("downsample", code);
  const std::int64_t d = features(code), cell = d / code.k;
  if (images.cols() != d || small.cols() != cell || small.rows() != images.rows()) {
    shape_error("downsample", "images is " + shape_text(images) + " and small is " +
                                  shape_text(small) + " (needs n x " + std::to_string(d) +
                                  " and n x " + std::to_string(cell) + ")");
  }
  const Grid grid = grid_of(code);
  for (std::int64_t n = 0; n < images.rows(); ++n)
    downsample_into(code, grid, images.data() + n * d, small.data() + n * cell, grid.cell_cols);
}

void cell(const Code &code, ConstMatrix parity, std::int64_t m, Matrix small) {
  check_concatenation("cell", code);
  const std::int64_t d = features(code), cell_size = d / code.k;
  if (m < 0 || m >= code.k)
    shape_error("cell", "cell " + std::to_string(m) + " is outside [0, " + std::to_string(code.k) + ")");
  if (parity.cols() != d || small.cols() != cell_size || small.rows() != parity.rows()) {
    shape_error("cell", "parity is " + shape_text(parity) + " and small is " + shape_text(small) +
                            " (needs n x " + std::to_string(d) + " and n x " +
                            std::to_string(cell_size) + ")");
  }
  const Grid grid = grid_of(code);
  for (std::int64_t n = 0; n < parity.rows(); ++n) {
    const float *from = parity.data() + n * d + cell_offset(code, grid, m);
    float *to = small.data() + n * cell_size;
    for (std::int64_t r = 0; r < grid.cell_rows; ++r) {
      for (std::int64_t c = 0; c < grid.cell_cols; ++c)
        to[r * grid.cell_cols + c] = from[r * code.image_cols + c];
    }
  }
}

void decode(ConstMatrix outputs, std::int64_t missing, ConstMatrix parity_output,
            Matrix decoded) {
  const std::int64_t k = outputs.rows(), c = outputs.cols();
  if (missing < 0 || missing >= k) {
    shape_error("decode", "missing query " + std::to_string(missing) + " is outside [0, " +
                              std::to_string(k) + ")");
  }
  if (parity_output.rows() != 1 || parity_output.cols() != c || decoded.rows() != 1 ||
      decoded.cols() != c) {
    shape_error("decode", "outputs is " + shape_text(outputs) + ", parity_output " +
                              shape_text(parity_output) + " and decoded " + shape_text(decoded) +
                              " (both need 1 x " + std::to_string(c) + ")");
  }
  // F(X_m) ~ Fp(P) - sum_{j != m} F(X_j).
  for (std::int64_t i = 0; i < c; ++i) {
    float value = parity_output.data()[i];
    for (std::int64_t j = 0; j < k; ++j) {
      if (j != missing)
        value -= outputs.data()[j * c + i];
    }
    decoded.data()[i] = value;
  }
}

} // namespace serve
} // namespace weft
