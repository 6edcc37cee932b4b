// load_error_main <path>: loads a triple file with rt::load_triples on every process and
// reports like a user program would: "rank R: error: <message>" and status 1 on an error.
// The bad-input tests run it on missing and malformed files.
#include <weft/rt/sparse.h>

#include <cstdio>

int main(int argc, char **argv) {
  weft::rt::Session session(argc, argv);
  if (argc != 2) {
    if (session.rank() == 0)
      std::fprintf(stderr, "usage: load_error_main <path>\n");
    return 2;
  }
  try {
    const auto R = weft::rt::load_triples<float, 2>(session, argv[1]);
    std::printf("rank %d: %lld entries\n", session.rank(), static_cast<long long>(R.size()));
    return 0;
  } catch (const weft::Error &e) {
    std::fprintf(stderr, "rank %d: error: %s\n", session.rank(), e.what());
    return 1;
  }
}
