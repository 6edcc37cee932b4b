# gnuplot -e "latencies='latencies.csv'; png='latency.png'" latency.gp
# The latency histogram of parity-serve --latencies (columns mode,latency_ms,decoded):
# queries per logarithmic bin (20 per decade) for each mode, both axes logarithmic.
set terminal pngcairo size 900,500
set output png
set datafile separator ","
set key top right
set logscale x
set logscale y
set xlabel "latency (ms)"
set ylabel "queries per bin"
set title "Query latency: parity groups vs base-model replicas on the same k + 1 workers"
set grid
width = 0.05
bin(ms) = 10 ** (width * floor(log10(ms) / width) + width / 2)
plot latencies every ::1 using (strcol(1) eq "parity" ? bin($2) : NaN):(1) smooth frequency \
       with steps lw 2 title "parity (k = 2)", \
     latencies every ::1 using (strcol(1) eq "replicas" ? bin($2) : NaN):(1) smooth frequency \
       with steps lw 2 title "replicas (3)"
