# SPDX-License-Identifier: MIT
# The figures of `make eval` (bench/eval/run.sh sets term, ext, dir, svc, factor):
# the Tasklet paper's Figures 3a/3b, 4a/4b, 5 and 6 from the CSVs of this run;
# a figure whose scenario did not run is left out.
set terminal @term
set grid
set key top left
file_ok(p) = int(system("test -s '" . p . "' && echo 1 || echo 0"))
wait_title(s) = sprintf("Scenario %s: waiting time per Tasklet (Table I compressed %dx, %d ms per Tasklet)", s, factor, svc)

set xlabel "Tasklet (in order of submission)"
set ylabel "waiting time in the container (ms)"
do for [s in "1a 1b"] {
	f = sprintf("%s/wait-%s.dat", dir, s)
	if (file_ok(f)) {
		set output sprintf("%s/fig3%s.%s", dir, (s eq "1a") ? "a" : "b", ext)
		set title wait_title(s)
		plot f using 1:2 with points pt 7 ps 0.3 title "economy"
	}
}
do for [s in "2a 2b 3"] {
	f = sprintf("%s/wait-%s.dat", dir, s)
	if (file_ok(f)) {
		set output (s eq "3") ? sprintf("%s/fig5.%s", dir, ext) : sprintf("%s/fig4%s.%s", dir, (s eq "2a") ? "a" : "b", ext)
		set title wait_title(s)
		plot f using 1:($3 == 0 ? $2 : 1/0) with points pt 7 ps 0.3 title "economy", \
		     f using 1:($3 == 1 ? $2 : 1/0) with points pt 9 ps 0.6 lc rgb "red" title "priority"
	}
}
f = sprintf("%s/queues-3.dat", dir)
if (file_ok(f)) {
	set output sprintf("%s/fig6.%s", dir, ext)
	set title sprintf("Scenario 3: queue sizes and cumulative requests (compressed %dx)", factor)
	set xlabel "time (s)"
	set ylabel "Tasklets queued"
	set y2label "cumulative requests"
	set y2tics
	set ytics nomirror
	plot f using 1:2 with lines lw 2 title "economy queue", \
	     f using 1:3 with lines lw 2 lc rgb "red" title "priority queue", \
	     f using 1:4 axes x1y2 with lines dt 2 lc rgb "black" title "cumulative requests"
}

f = sprintf("%s/cdf-single.dat", dir)
if (file_ok(f)) {
	set output sprintf("%s/fig7.%s", dir, ext)
	set title "Replicas against tail latency: one of four containers 8x slower (Shadow)"
	set xlabel "latency, submission to answer (ms)"
	set ylabel "share of Tasklets"
	unset y2label
	unset y2tics
	set ytics mirror
	set logscale x
	set key bottom right
	plot f using 1:2 with lines lw 2 title "single placement", \
	     sprintf("%s/cdf-ft2.dat", dir) using 1:2 with lines lw 2 title "FaultTolerance(2)"
	unset logscale x
}
f = sprintf("%s/drops.dat", dir)
if (file_ok(f)) {
	set output sprintf("%s/fig8.%s", dir, ext)
	set title "Reliability(0.99) against drops: Deadline(300), four containers (QBox)"
	set xlabel "share of Tasklets each container drops"
	set ylabel "answered by the deadline (%)"
	set y2label "placements per Tasklet"
	set y2tics
	set ytics nomirror
	set yrange [0:105]
	set key bottom left
	plot f using 1:2 with linespoints lw 2 title "Deadline only", \
	     f using 1:3 with linespoints lw 2 title "Deadline, Reliability('0.99')", \
	     f using 1:4 axes x1y2 with linespoints dt 2 title "placements (Reliability)"
}
