// The "lda" data set: a synthetic corpus drawn from a true latent Dirichlet allocation
// model, for the samples/lda Gibbs sampler.
#pragma once

#include <cstdint>
#include <string>

namespace weft::datagen {

struct LdaOptions {
  std::int64_t docs = 0;        // documents, ids [0, docs)
  std::int64_t vocab = 0;       // words, ids [0, vocab)
  int topics = 10;              // topics K of the true model
  std::int64_t min_length = 50; // document lengths are uniform in [min_length, max_length]
  std::int64_t max_length = 150;
  double alpha = 0.1; // Dirichlet prior of each document's topic proportions
  double beta = 0.01; // Dirichlet prior of each topic's word distribution
  std::uint64_t seed = 1;
  std::string corpus_path;
};

struct LdaCounts {
  std::int64_t tokens = 0;
  std::int64_t words_used = 0; // distinct words that occur
  // log p(w, z) / tokens for the true topics z, with theta and phi integrated out (the
  // quantity samples/lda prints as log_likelihood, with V = largest word id + 1): a
  // sampler that recovers the model gets close to it.
  double true_log_likelihood = 0.0;
};

// The generative process of LDA (Blei, Ng and Jordan 2003):
//   phi_k   ~ Dirichlet(beta, ..., beta) over the vocab words, for each topic k
//   theta_d ~ Dirichlet(alpha, ..., alpha) over the topics, for each document d
//   n_d     ~ uniform in [min_length, max_length]
//   for position p in [0, n_d):  z ~ Categorical(theta_d),  w ~ Categorical(phi_z)
// Each token becomes a line "d w p 1", documents in order and positions in order, after
// a '#' header line; weft::load_triples<std::int32_t, 3> reads the file.
//
// The output is a function of the options alone (our own PRNG streams: one for the
// topics, one for the documents' lengths and proportions, one for the tokens). The file
// is written atomically; throws std::runtime_error on an I/O error. The options must be
// valid (see main.cpp).
LdaCounts generate_lda(const LdaOptions &options);

} // namespace weft::datagen
