# style.gp - the shared look of every vfio-pm-bench figure.
# Loaded by each figure script; colours by variant order (linetype i).
set encoding utf8
set termoption noenhanced
set border 3
set tics nomirror out
set grid xtics ytics lc rgb '#e0e0e0' lw 1
set key top left opaque box lc rgb '#bbbbbb'
set linetype 1 lc rgb '#1b9e77' lw 2 pt 7 ps 0.6
set linetype 2 lc rgb '#d95f02' lw 2 pt 5 ps 0.6
set linetype 3 lc rgb '#7570b3' lw 2 pt 9 ps 0.7
set linetype 4 lc rgb '#e7298a' lw 2 pt 11 ps 0.7
set linetype 5 lc rgb '#66a61e' lw 2 pt 13 ps 0.7
set linetype 6 lc rgb '#e6ab02' lw 2 pt 3 ps 0.7
set linetype 7 lc rgb '#a6761d' lw 2 pt 1 ps 0.7
set linetype 8 lc rgb '#666666' lw 2 pt 2 ps 0.7
set linetype cycle 8
set style fill solid 0.65 border -1
