// The serial code of a parallel program runs on every process: a file it appends to gets
// each line once per process. weftc warns at each append outside the annotated loops
// (fopen "a", ofstream with app, open with O_APPEND), and not at writes that replace a
// file.
// RUN: %weftc %s -- -Xclang -verify
#include <weft/weft.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

void train(int n) {
  weft::DistArray<float, 1> A({n});
  for (int epoch = 0; epoch < 3; ++epoch) {
    #pragma weft parallel_for
    for (int i = 0; i < n; ++i)
      A(i) = A(i) * 0.5f + 1.0f;
    if (std::FILE *log = std::fopen("train.log", "a")) { // expected-warning {{every process of the parallel program runs this serial code, so each appends to the file (fopen with mode "a"): it gets every line once per process; print to standard output instead (the parallel program shows one process's), or write the file whole}}
      std::fprintf(log, "%d %g\n", epoch, A(0));
      std::fclose(log);
    }
    std::ofstream csv("train.csv", std::ios::out | std::ios::app); // expected-warning {{each appends to the file (std::basic_ofstream opened in append mode)}}
    csv << epoch << "\n";
    std::ofstream model("model.txt"); // replaced whole: one copy
    model << A(0) << "\n";
    const int fd = open("raw.log", O_WRONLY | O_CREAT | O_APPEND, 0644); // expected-warning {{each appends to the file (open with O_APPEND)}}
    if (fd >= 0)
      close(fd);
  }
}
