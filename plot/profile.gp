# profile.gp - instructions per operation by function (vm --profile), per
# case: a bar per variant for each function. The data layout of overhead.gp
# (a label, then per variant value lo hi; here lo = hi = value: the counts
# are exact). Function names are shown as they are (noenhanced: no
# subscripts from their underscores, in the PNG too).
load plotdir.'/style.gp'
set ylabel fig_ylabel
set style data histograms
set style histogram errorbars gap 2 lw 1
set xtics rotate by -35 left noenhanced font ',9'
set key top right noenhanced
set yrange [0:*]
set bmargin 10
set rmargin 12
plot for [i=1:words(fig_variants)] fig_data using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(1) lt i lc rgb word(fig_colors, i) title word(fig_variants, i)
