# contention.gp - throughput against threads, one line per variant, with the
# linear-scaling reference (the variant's 1-thread rate times threads).
# call 'contention.gp' DATA TITLE 'VARIANTS'
# DATA: one block per variant, columns: threads ops_per_s linear_ops_per_s.
load plotdir.'/style.gp'
cnt_data = ARG1; cnt_vars = ARG3
set title ARG2
set xlabel 'threads'
set ylabel 'operations per second (all threads)'
set logscale x 2
set yrange [0:*]
set key top left
plot for [i=1:words(cnt_vars)] cnt_data index (i-1) using 1:2 with linespoints lt i title word(cnt_vars, i), \
     for [i=1:words(cnt_vars)] cnt_data index (i-1) using 1:3 with lines lt i dt 2 lw 1 title word(cnt_vars, i).' linear'
