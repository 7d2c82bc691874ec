# overhead.gp - wrapper overhead against the reference variant, per case:
# bars (Hodges-Lehmann shift, ns per operation) with 95 % CI whiskers.
# Driver variables (fig_ prefixed): data, title, variants, colors, ylabel. data: a header
# line, then one row per case: the case, then per variant (in the order of
# variants) three columns: shift ci_lo ci_hi.
load plotdir.'/style.gp'
set ylabel fig_ylabel
set style data histograms
set style histogram errorbars gap 2 lw 1
set xtics rotate by -30 left
set key top right
set yrange [*<0:0<*] # the bars start at 0
set xzeroaxis lt -1
plot for [i=1:words(fig_variants)] fig_data using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(1) lt i lc rgb word(fig_colors, i) title word(fig_variants, i)
