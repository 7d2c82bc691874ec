# style.gp - the shared look of every vfio-pm-bench figure.
# Loaded by each figure script. Colours are the variants' (the driver's
# fig_colors, one per word of fig_variants, the same in every figure of a
# report); linetypes give the point shapes. Sets the title (fig_title).
set encoding utf8
set termoption noenhanced
set border 3
set tics nomirror out
set grid xtics ytics lc rgb '#e0e0e0' lw 1
set key top left opaque box lc rgb '#bbbbbb'
set linetype 1 lw 2 pt 7 ps 0.6
set linetype 2 lw 2 pt 5 ps 0.6
set linetype 3 lw 2 pt 9 ps 0.7
set linetype 4 lw 2 pt 11 ps 0.7
set linetype 5 lw 2 pt 13 ps 0.7
set linetype 6 lw 2 pt 3 ps 0.7
set linetype 7 lw 2 pt 1 ps 0.7
set linetype 8 lw 2 pt 2 ps 0.7
set linetype cycle 8
set style fill solid 0.65 border -1
set title fig_title
