#include "Lda.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "AtomicFile.h"
#include "Random.h"

namespace weft::datagen {
namespace {

enum Stream : std::uint64_t { kTopicStream = 1, kDocumentStream = 2, kTokenStream = 3 };

// Uniform in (0, 1], so that its logarithm is finite.
double uniform_open0(Xoshiro256 &rng) {
  return static_cast<double>((rng.next() >> 11) + 1) * 0x1p-53;
}

// The logarithm of a Gamma(a, 1) variate. For a >= 1, Marsaglia and Tsang's method
// (2000): with d = a - 1/3, c = 1 / sqrt(9 d), x ~ N(0, 1) and v = (1 + c x)^3 > 0,
// accept d v if log u < x^2 / 2 + d - d v + d log v (u uniform; the cheaper squeeze
// u < 1 - 0.0331 x^4 first). For a < 1, Gamma(a) = Gamma(a + 1) U^(1/a): in logs, so that
// a small a (beta = 0.01 gives U^100) does not underflow to zero.
double log_gamma_variate(double a, Xoshiro256 &rng) {
  if (a < 1.0)
    return log_gamma_variate(a + 1.0, rng) + std::log(uniform_open0(rng)) / a;
  const double d = a - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    const double x = rng.normal();
    double v = 1.0 + c * x;
    if (v <= 0.0)
      continue;
    v = v * v * v;
    const double u = uniform_open0(rng);
    if (u < 1.0 - 0.0331 * x * x * x * x ||
        std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) {
      return std::log(d * v);
    }
  }
}

// A draw from Dirichlet(a, ..., a) over n outcomes as running sums of unnormalized
// weights (g_i / max_j g_j for Gamma variates g_i): cumulative[i] = weights of 0..i.
// Outcome i is then the first index whose running sum exceeds u * cumulative[n - 1].
void dirichlet_cumulative(double a, std::size_t n, Xoshiro256 &rng,
                          std::vector<double> &cumulative) {
  cumulative.resize(n);
  double largest = -HUGE_VAL;
  for (double &g : cumulative) {
    g = log_gamma_variate(a, rng);
    largest = std::max(largest, g);
  }
  double total = 0.0;
  for (double &g : cumulative) {
    total += std::exp(g - largest); // the largest weight is 1, so total >= 1
    g = total;
  }
}

// The first index whose running sum exceeds u * total (u in [0, 1)); outcomes of weight
// zero repeat the previous sum and are never chosen.
std::size_t draw(const double *cumulative, std::size_t n, Xoshiro256 &rng) {
  const double u = rng.uniform01() * cumulative[n - 1];
  const std::size_t i =
      static_cast<std::size_t>(std::upper_bound(cumulative, cumulative + n, u) - cumulative);
  return std::min(i, n - 1);
}

// Appends "d w p 1\n".
void write_token(AtomicFile &out, std::int64_t d, std::int64_t w, std::int64_t p) {
  constexpr std::size_t kMaxLine = 3 * 21 + 2;
  char *const first = out.reserve(kMaxLine);
  char *const last = first + kMaxLine;
  char *q = std::to_chars(first, last, d).ptr;
  *q++ = ' ';
  q = std::to_chars(q, last, w).ptr;
  *q++ = ' ';
  q = std::to_chars(q, last, p).ptr;
  *q++ = ' ';
  *q++ = '1';
  *q++ = '\n';
  out.written(static_cast<std::size_t>(q - first));
}

std::string header_line(const LdaOptions &o) {
  char alpha[32], beta[32];
  *std::to_chars(alpha, alpha + sizeof alpha - 1, o.alpha).ptr = '\0';
  *std::to_chars(beta, beta + sizeof beta - 1, o.beta).ptr = '\0';
  return "# weft-datagen lda --docs " + std::to_string(o.docs) + " --vocab " +
         std::to_string(o.vocab) + " --topics " + std::to_string(o.topics) + " --min-length " +
         std::to_string(o.min_length) + " --max-length " + std::to_string(o.max_length) +
         " --alpha " + alpha + " --beta " + beta + " --seed " + std::to_string(o.seed) +
         " (lines: doc word position 1)\n";
}

} // namespace

LdaCounts generate_lda(const LdaOptions &o) {
  const std::size_t K = static_cast<std::size_t>(o.topics);
  const std::size_t V = static_cast<std::size_t>(o.vocab);

  // phi: K rows of V running sums.
  Xoshiro256 topic_rng(o.seed, kTopicStream);
  std::vector<double> phi(K * V);
  std::vector<double> row;
  for (std::size_t k = 0; k < K; ++k) {
    dirichlet_cumulative(o.beta, V, topic_rng, row);
    std::copy(row.begin(), row.end(), phi.begin() + static_cast<std::ptrdiff_t>(k * V));
  }

  AtomicFile out(o.corpus_path);
  out.write(header_line(o));
  Xoshiro256 document_rng(o.seed, kDocumentStream);
  Xoshiro256 token_rng(o.seed, kTokenStream);
  const std::uint64_t length_range = static_cast<std::uint64_t>(o.max_length - o.min_length) + 1;

  // Counts under the true topics, for log p(w, z): n_wk and n_k here, the document
  // terms of log p(z) as each document ends.
  std::vector<std::int64_t> nwk(K * V, 0), nk(K, 0), ndk(K, 0);
  const double lg_alpha = std::lgamma(o.alpha), kalpha = static_cast<double>(K) * o.alpha;
  double log_p_z = 0.0;
  std::vector<double> theta;
  LdaCounts counts;
  for (std::int64_t d = 0; d < o.docs; ++d) {
    const std::int64_t length =
        o.min_length + static_cast<std::int64_t>(document_rng.below(length_range));
    dirichlet_cumulative(o.alpha, K, document_rng, theta);
    std::fill(ndk.begin(), ndk.end(), 0);
    for (std::int64_t p = 0; p < length; ++p) {
      const std::size_t z = draw(theta.data(), K, token_rng);
      const std::size_t w = draw(&phi[z * V], V, token_rng);
      write_token(out, d, static_cast<std::int64_t>(w), p);
      ++ndk[z];
      ++nwk[w * K + z];
      ++nk[z];
    }
    log_p_z += std::lgamma(kalpha) - std::lgamma(static_cast<double>(length) + kalpha);
    for (const std::int64_t n : ndk) {
      if (n != 0)
        log_p_z += std::lgamma(static_cast<double>(n) + o.alpha) - lg_alpha;
    }
    counts.tokens += length;
  }
  out.commit();

  // log p(w | z) with V = the largest word id that occurs + 1, as the sampler sees it.
  std::size_t words_seen = 0;
  for (std::size_t w = 0; w < V; ++w) {
    bool used = false;
    for (std::size_t k = 0; k < K; ++k)
      used = used || nwk[w * K + k] != 0;
    if (used) {
      ++counts.words_used;
      words_seen = w + 1;
    }
  }
  const double vbeta = static_cast<double>(words_seen) * o.beta, lg_beta = std::lgamma(o.beta);
  double log_p_w = 0.0;
  for (std::size_t k = 0; k < K; ++k)
    log_p_w += std::lgamma(vbeta) - std::lgamma(static_cast<double>(nk[k]) + vbeta);
  for (const std::int64_t n : nwk) {
    if (n != 0)
      log_p_w += std::lgamma(static_cast<double>(n) + o.beta) - lg_beta;
  }
  counts.true_log_likelihood = (log_p_w + log_p_z) / static_cast<double>(counts.tokens);
  return counts;
}

} // namespace weft::datagen
