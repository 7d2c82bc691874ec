# contention.gp - throughput against threads, one line per variant with
# the 95 % CI of each point as error bars, and the linear-scaling reference
# (the variant's 1-thread rate times threads, dashed).
# Driver variables (fig_ prefixed): data, title, variants, colors, xlabel, ylabel. data:
# one block per variant, columns: threads ops_per_s ci_lo ci_hi
# linear_ops_per_s.
load plotdir.'/style.gp'
set xlabel fig_xlabel
set ylabel fig_ylabel
set logscale x 2
set yrange [0:*]
set offsets graph 0.05, graph 0.05, 0, 0
set key top left
plot for [i=1:words(fig_variants)] fig_data index (i-1) using 1:2:3:4 with yerrorlines lt i lc rgb word(fig_colors, i) title word(fig_variants, i), \
     for [i=1:words(fig_variants)] fig_data index (i-1) using 1:5 with lines lt i lc rgb word(fig_colors, i) dt 2 lw 1 notitle
