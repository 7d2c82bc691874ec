// SPDX-License-Identifier: GPL-2.0
#include "breakdown.h"
#include "sysfs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TRACEFS "/sys/kernel/tracing"

const char *const bd_functions[] = {
	"rpm_resume",			     /* structure: the whole resume */
	"pci_power_up",			     /* d0 (and platform_on in it) */
	"acpi_pci_set_power_state",	     /* platform_on */
	"acpi_device_set_power",	     /* platform_on (nested, optional) */
	"pci_bridge_wait_for_secondary_bus", /* d3cold_wait */
	"pci_restore_state",		     /* restore */
	"vfio_pci_core_runtime_resume",	     /* driver */
	NULL,
};

/*
 * Functions the tracer may lack without making the phases wrong: a nested
 * one, and the structure (a static function the compiler may clone).
 */
static bool optional_function(const char *f)
{
	return !strcmp(f, "acpi_device_set_power") || !strcmp(f, "rpm_resume");
}

static const struct {
	const char *fn;
	int phase;
} phase_of_fn[] = {
	{"acpi_pci_set_power_state", BD_PLATFORM_ON},
	{"acpi_device_set_power", BD_PLATFORM_ON},
	{"pci_bridge_wait_for_secondary_bus", BD_D3COLD_WAIT},
	{"pci_power_up", BD_D0},
	{"pci_restore_state", BD_RESTORE},
	{"vfio_pci_core_runtime_resume", BD_DRIVER},
};

static const char *const columns[BD_NPHASES] = {
	[BD_PLATFORM_ON] = "platform_on_ms", [BD_D3COLD_WAIT] = "d3cold_wait_ms", [BD_D0] = "d0_ms",
	[BD_RESTORE] = "restore_ms",	     [BD_DRIVER] = "driver_ms",
};

const char *bd_phase_column(enum bd_phase p)
{
	return (unsigned int)p < BD_NPHASES ? columns[p] : NULL;
}

/* --- the parser ---------------------------------------------------------------------- */

#define MAX_DEPTH 64
#define SLACK_NS  1000 /* abstime stamps are whole microseconds */

struct frame {
	char name[64];
	int phase;     /* -1: a structure function */
	bool resume;   /* rpm_resume */
	uint64_t ts;   /* entry, ns */
	double nested; /* ms of the nearest phase calls inside */
};

struct parser {
	uint64_t lo, hi;
	const char *bdf;
	struct bd_phases *p;
	struct frame st[MAX_DEPTH];
	int depth;
	char *why;
	size_t len;
};

/* One parsed line of function_graph output. */
struct gline {
	bool has_ts, has_dur;
	uint64_t ts;
	double dur_us;
	const char *content; /* after the last column bar, blanks skipped */
};

static int phase_of(const char *fn)
{
	for (size_t i = 0; i < sizeof(phase_of_fn) / sizeof(phase_of_fn[0]); i++)
		if (!strcmp(phase_of_fn[i].fn, fn))
			return phase_of_fn[i].phase;
	return -1;
}

/* "  1234.567890 " -> ns; false if @s..@end is not an abstime stamp. */
static bool parse_abstime(const char *s, const char *end, uint64_t *ns)
{
	unsigned long long sec = 0, usec = 0;
	int digits = 0;

	while (s < end && *s == ' ')
		s++;
	if (s == end || !isdigit((unsigned char)*s))
		return false;
	while (s < end && isdigit((unsigned char)*s)) {
		if (++digits > 10) /* 317 years: ns would not fit */
			return false;
		sec = sec * 10 + (unsigned long long)(*s++ - '0');
	}
	digits = 0;
	if (s == end || *s++ != '.')
		return false;
	while (s < end && isdigit((unsigned char)*s)) {
		usec = usec * 10 + (unsigned long long)(*s++ - '0');
		digits++;
	}
	while (s < end && *s == ' ')
		s++;
	if (digits != 6 || s != end)
		return false;
	*ns = sec * 1000000000ull + usec * 1000ull;
	return true;
}

/* " 0) ! 123.456 us " -> duration; the CPU and the overhead mark optional. */
static bool parse_cols(const char *s, const char *end, struct gline *g)
{
	char buf[64], *q;
	size_t n = (size_t)(end - s);

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	q = buf;
	while (*q == ' ')
		q++;
	if (isdigit((unsigned char)*q)) { /* the CPU, "N)" */
		char *c = q;

		while (isdigit((unsigned char)*c))
			c++;
		if (*c == ')')
			q = c + 1;
	}
	while (*q == ' ')
		q++;
	if (*q && strchr("+!#*@$", *q))
		q++;
	while (*q == ' ')
		q++;
	if (!*q)
		return true; /* no duration (an entry line) */
	if (!isdigit((unsigned char)*q))
		return false;
	g->dur_us = strtod(q, &q);
	if (!(g->dur_us < 1e13)) /* 116 days, or inf: ns would not fit */
		return false;
	while (*q == ' ')
		q++;
	if (strncmp(q, "us", 2))
		return false;
	for (q += 2; *q == ' '; q++)
		;
	if (*q)
		return false;
	g->has_dur = true;
	return true;
}

/* Split a line into its columns; false for lines that are not graph lines. */
static bool parse_gline(const char *line, const char *end, struct gline *g)
{
	const char *bar = memchr(line, '|', (size_t)(end - line)), *bar2;

	memset(g, 0, sizeof(*g));
	if (!bar)
		return false;
	if (parse_abstime(line, bar, &g->ts)) {
		g->has_ts = true;
		line = bar + 1;
		bar2 = memchr(line, '|', (size_t)(end - line));
		if (!bar2)
			return false;
		bar = bar2;
	}
	if (!parse_cols(line, bar, g))
		return false;
	g->content = bar + 1;
	while (g->content < end && *g->content == ' ')
		g->content++;
	return true;
}

static int fail(struct parser *ps, int err, const char *fmt, const char *arg)
{
	snprintf(ps->why, ps->len, fmt, arg);
	return err;
}

/* The function's name: up to '(' or ' ' (module functions carry " [mod]"). */
static void fn_name(const char *s, const char *end, char *out, size_t len)
{
	size_t n = 0;

	while (s + n < end && s[n] != '(' && s[n] != ' ' && n + 1 < len)
		n++;
	memcpy(out, s, n);
	out[n] = '\0';
}

static int open_call(struct parser *ps, const char *name, const struct gline *g)
{
	struct frame *f;

	if (ps->depth == MAX_DEPTH)
		return fail(ps, -EPROTO, "calls nested deeper than the parser follows (%s)", name);
	f = &ps->st[ps->depth++];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->phase = phase_of(name);
	f->resume = !strcmp(name, "rpm_resume");
	f->ts = g->ts;
	return 0;
}

static int close_call(struct parser *ps, const char *tail, const struct gline *g)
{
	struct frame *f;
	double ms;
	uint64_t end;

	if (!ps->depth)
		return fail(ps, -EPROTO, "a call (%s) returns that never started",
			    tail[0] ? tail : "?");
	f = &ps->st[ps->depth - 1];
	if (tail[0] && strcmp(tail, f->name))
		return fail(ps, -EPROTO, "calls do not nest: %s returns out of order", tail);
	if (!g->has_dur)
		return fail(ps, -EPROTO, "%s returns without a duration (funcgraph-duration off?)",
			    f->name);
	ps->depth--;
	ms = g->dur_us / 1e3;
	end = f->ts + (uint64_t)(g->dur_us * 1e3 + 0.5);
	if (ps->hi) {
		if (end + SLACK_NS < ps->lo || f->ts > ps->hi + SLACK_NS)
			return 0; /* wholly outside the window */
		if (f->ts + SLACK_NS < ps->lo || end > ps->hi + SLACK_NS)
			return fail(ps, -ERANGE,
				    "%s straddles the window (trace clock not the harness clock?)",
				    f->name);
	}
	ps->p->calls++;
	if (f->phase >= 0) {
		ps->p->ms[f->phase] += ms - f->nested;
		for (int i = ps->depth - 1; i >= 0; i--)
			if (ps->st[i].phase >= 0) {
				ps->st[i].nested += ms;
				break;
			}
	}
	if (f->resume) {
		bool outer = true;

		for (int i = 0; i < ps->depth; i++)
			outer = outer && !ps->st[i].resume;
		if (outer)
			ps->p->resume_ms += ms;
	}
	return 0;
}

/* "/ * rpm_resume: 0000:00:03.0 flags=..." (an event in the graph). */
static void event(struct parser *ps, const char *c, const char *end, const struct gline *g)
{
	static const char ev[] = "/* rpm_resume: ";
	size_t n;

	if (!ps->bdf || (size_t)(end - c) < sizeof(ev) - 1 || strncmp(c, ev, sizeof(ev) - 1))
		return;
	c += sizeof(ev) - 1;
	n = strlen(ps->bdf);
	if ((size_t)(end - c) <= n || strncmp(c, ps->bdf, n) || c[n] != ' ')
		return;
	if (ps->hi && g->has_ts && (g->ts + SLACK_NS < ps->lo || g->ts > ps->hi))
		return;
	ps->p->resumes++;
}

static int do_line(struct parser *ps, const char *line, const char *end)
{
	struct gline g;
	const char *c;
	char name[64];
	size_t n;

	while (end > line && (end[-1] == ' ' || end[-1] == '\r' || end[-1] == '\t'))
		end--;
	if (end <= line)
		return 0;
	n = (size_t)(end - line);
	if (memmem(line, n, "[LOST ", 6))
		return fail(ps, -EOVERFLOW, "the tracer lost events%s (buffer too small?)", "");
	if (line[strspn(line, " ")] == '#')
		return 0;
	if (!parse_gline(line, end, &g))
		return 0;
	c = g.content;
	n = (size_t)(end - c);
	if (ps->hi && !g.has_ts)
		return fail(ps, -EPROTO, "a line without a time stamp (funcgraph-abstime off?)%s",
			    "");
	if (n >= 2 && !strncmp(c, "/*", 2)) {
		event(ps, c, end, &g);
		return 0;
	}
	if (n >= 1 && c[0] == '}') {
		name[0] = '\0';
		for (c++; c < end && *c == ' '; c++)
			;
		if (end - c > 3 && !strncmp(c, "/* ", 3))
			fn_name(c + 3, end, name, sizeof(name));
		return close_call(ps, name, &g);
	}
	if (n > 4 && !strncmp(end - 4, "() {", 4)) {
		fn_name(c, end, name, sizeof(name));
		if (g.has_dur)
			return fail(ps, -EPROTO, "an entry with a duration: %s", name);
		return open_call(ps, name, &g);
	}
	if (n > 3 && !strncmp(end - 3, "();", 3)) {
		int ret;

		fn_name(c, end, name, sizeof(name));
		ret = open_call(ps, name, &g);
		return ret ? ret : close_call(ps, name, &g);
	}
	return 0; /* irq markers, other output */
}

int bd_parse(const char *text, uint64_t lo_ns, uint64_t hi_ns, const char *bdf, struct bd_phases *p,
	     char *why, size_t len)
{
	struct parser *ps;
	int ret = 0;

	memset(p, 0, sizeof(*p));
	if (why && len)
		why[0] = '\0';
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	ps->lo = lo_ns;
	ps->hi = hi_ns;
	ps->bdf = bdf;
	ps->p = p;
	ps->why = why;
	ps->len = len;
	for (const char *s = text; *s && !ret;) {
		const char *e = strchr(s, '\n');

		if (!e)
			e = s + strlen(s);
		ret = do_line(ps, s, e);
		s = *e ? e + 1 : e;
	}
	if (!ret && ps->depth)
		ret = fail(ps, -EPROTO, "the trace ends inside %s (tracing stopped too early?)",
			   ps->st[ps->depth - 1].name);
	free(ps);
	if (ret)
		memset(p, 0, sizeof(*p));
	return ret;
}

double bd_sum_ms(const struct bd_phases *p)
{
	double s = 0;

	for (int i = 0; i < BD_NPHASES; i++)
		s += p->ms[i];
	return s;
}

int bd_remainder_ms(const struct bd_phases *p, double exit_ms, double *rem)
{
	double r = exit_ms - bd_sum_ms(p);
	double tol = exit_ms * 1e-4 > 1e-3 ? exit_ms * 1e-4 : 1e-3;

	if (r >= 0) {
		*rem = r;
		return 0;
	}
	if (r >= -tol) {
		*rem = 0;
		return 0;
	}
	*rem = r;
	return -ERANGE;
}

/* --- the tracer ---------------------------------------------------------------------------- */

/* Options bd_parse() relies on, and the value the breakdown sets. */
static const struct {
	const char *name;
	const char *val;
} options[] = {
	{"funcgraph-abstime", "1"}, {"funcgraph-duration", "1"}, {"funcgraph-tail", "1"},
	{"funcgraph-proc", "0"},    {"sleep-time", "1"},	 {"function-fork", "0"},
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

struct bd_tracer {
	char tracer[32];
	char clock[32];
	char tracing_on[8];
	char opt[NOPTIONS][8]; /* "" = not saved (absent) */
	bool events;
};

static void tfs(char *path, size_t len, const char *rel)
{
	snprintf(path, len, TRACEFS "/%s", rel);
}

static int tfs_read(const char *rel, char *buf, size_t len)
{
	char path[192];

	tfs(path, sizeof(path), rel);
	return sysfs_read_str(path, buf, len);
}

static int tfs_write(const char *rel, const char *val)
{
	char path[192];

	tfs(path, sizeof(path), rel);
	return sysfs_write_str(path, val);
}

/* A write that replaces rather than appends (clears buffers and lists). */
static int tfs_replace(const char *rel, const char *val)
{
	char path[192];

	tfs(path, sizeof(path), rel);
	return sysfs_replace_str(path, val);
}

/* The word in [brackets] of trace_clock, e.g. "local". */
static int bracketed(const char *list, char *out, size_t len)
{
	const char *a = strchr(list, '['), *b = a ? strchr(a, ']') : NULL;

	if (!b || (size_t)(b - a - 1) >= len)
		return -EINVAL;
	memcpy(out, a + 1, (size_t)(b - a - 1));
	out[b - a - 1] = '\0';
	return 0;
}

/* Is @word a blank-separated word of @list? (brackets count as blanks) */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *s = list; (s = strstr(s, word)); s += n) {
		bool before = s == list || strchr(" \t\n[", s[-1]);
		bool after = !s[n] || strchr(" \t\n]", s[n]);

		if (before && after)
			return true;
	}
	return false;
}

static void events_off(void)
{
	tfs_write("events/rpm/rpm_resume/enable", "0");
	tfs_write("events/rpm/rpm_return_int/enable", "0");
	tfs_write("events/rpm/rpm_resume/filter", "0");
	tfs_write("events/rpm/rpm_return_int/filter", "0");
}

static void restore(struct bd_tracer *t)
{
	char path[64];

	tfs_write("tracing_on", "0");
	if (t->events)
		events_off();
	if (t->tracer[0])
		tfs_write("current_tracer", t->tracer);
	tfs_replace("set_ftrace_filter", "");
	tfs_replace("set_ftrace_pid", "");
	tfs_replace("set_event_pid", "");
	for (size_t i = 0; i < NOPTIONS; i++) {
		if (!t->opt[i][0])
			continue;
		snprintf(path, sizeof(path), "options/%s", options[i].name);
		tfs_write(path, t->opt[i]);
	}
	if (t->clock[0])
		tfs_write("trace_clock", t->clock);
	if (t->tracing_on[0])
		tfs_write("tracing_on", t->tracing_on);
}

static int configure(struct bd_tracer *t, const char *bdf, const char *parent, pid_t tid, char *why,
		     size_t len)
{
	char buf[512], path[64], *funcs = NULL;
	ssize_t n;
	int ret;

	ret = tfs_write("tracing_on", "0");
	if (ret) {
		snprintf(why, len, "--breakdown: cannot write " TRACEFS "/tracing_on: %s%s",
			 strerror(-ret), ret == -EACCES || ret == -EPERM ? " (needs root)" : "");
		return ret;
	}
	ret = tfs_write("trace_clock", "mono_raw");
	if (ret) {
		snprintf(why, len, "--breakdown: cannot set trace_clock mono_raw: %s",
			 strerror(-ret));
		return ret;
	}
	for (size_t i = 0; i < NOPTIONS; i++) {
		snprintf(path, sizeof(path), "options/%s", options[i].name);
		if (tfs_read(path, t->opt[i], sizeof(t->opt[i]))) {
			t->opt[i][0] = '\0';
			continue; /* absent in this kernel */
		}
		ret = tfs_write(path, options[i].val);
		if (ret) {
			snprintf(why, len, "--breakdown: cannot set %s: %s", path, strerror(-ret));
			return ret;
		}
	}

	n = sysfs_read_all(TRACEFS "/available_filter_functions", &funcs, 64u << 20);
	if (n < 0) {
		snprintf(why, len, "--breakdown: cannot read available_filter_functions: %s",
			 strerror((int)-n));
		return (int)n;
	}
	ret = tfs_replace("set_ftrace_filter", "");
	for (size_t i = 0; bd_functions[i] && !ret; i++) {
		const char *f = bd_functions[i];

		if (!has_word(funcs, f)) {
			if (optional_function(f))
				continue;
			snprintf(why, len,
				 "--breakdown: %s cannot be traced (not in "
				 "available_filter_functions: inlined, or its module not loaded)",
				 f);
			ret = -ENOENT;
			break;
		}
		ret = tfs_write("set_ftrace_filter", f);
		if (ret)
			snprintf(why, len, "--breakdown: cannot trace %s: %s", f, strerror(-ret));
	}
	free(funcs);
	if (ret)
		return ret;

	snprintf(buf, sizeof(buf), "%d", (int)tid);
	ret = tfs_replace("set_ftrace_pid", buf);
	if (ret) {
		snprintf(why, len, "--breakdown: cannot set set_ftrace_pid: %s", strerror(-ret));
		return ret;
	}
	ret = tfs_write("current_tracer", "function_graph");
	if (ret) {
		snprintf(why, len, "--breakdown: cannot select the function_graph tracer: %s",
			 strerror(-ret));
		return ret;
	}

	/* The rpm events are a witness, not a phase: go on without them. */
	if (sysfs_is_dir(TRACEFS "/events/rpm/rpm_resume") && bdf) {
		if (parent && parent[0])
			snprintf(buf, sizeof(buf), "name == \"%s\" || name == \"%s\"", bdf, parent);
		else
			snprintf(buf, sizeof(buf), "name == \"%s\"", bdf);
		snprintf(path, sizeof(path), "%d", (int)tid);
		t->events = true;
		if (tfs_replace("set_event_pid", path) ||
		    tfs_write("events/rpm/rpm_resume/filter", buf) ||
		    tfs_write("events/rpm/rpm_return_int/filter", buf) ||
		    tfs_write("events/rpm/rpm_resume/enable", "1") ||
		    tfs_write("events/rpm/rpm_return_int/enable", "1")) {
			events_off();
			t->events = false;
		}
	}
	return 0;
}

int bd_tracer_setup(struct bd_tracer **tp, const char *bdf, const char *parent, pid_t tid,
		    char *why, size_t len)
{
	char buf[512];
	struct bd_tracer *t;
	int ret;

	*tp = NULL;
	if (!sysfs_exists(TRACEFS "/trace")) {
		snprintf(why, len,
			 "--breakdown: no tracefs at " TRACEFS " (mount -t tracefs tracefs " TRACEFS
			 "; CONFIG_FTRACE)");
		return -ENOENT;
	}
	ret = tfs_read("available_tracers", buf, sizeof(buf));
	if (ret || !has_word(buf, "function_graph")) {
		snprintf(why, len, "--breakdown: %s",
			 ret ? "cannot read " TRACEFS "/available_tracers (needs root)"
			     : "no function_graph tracer (CONFIG_FUNCTION_GRAPH_TRACER)");
		return ret ? ret : -ENOTSUP;
	}
	ret = tfs_read("trace_clock", buf, sizeof(buf));
	if (ret || !has_word(buf, "mono_raw")) {
		snprintf(why, len, "--breakdown: %s",
			 ret ? "cannot read " TRACEFS "/trace_clock"
			     : "no mono_raw trace clock to align with the harness clock");
		return ret ? ret : -ENOTSUP;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (bracketed(buf, t->clock, sizeof(t->clock)))
		t->clock[0] = '\0';
	if (tfs_read("current_tracer", t->tracer, sizeof(t->tracer)))
		t->tracer[0] = '\0';
	if (tfs_read("tracing_on", t->tracing_on, sizeof(t->tracing_on)))
		t->tracing_on[0] = '\0';
	ret = configure(t, bdf, parent, tid, why, len);
	if (ret) {
		restore(t);
		free(t);
		return ret;
	}
	*tp = t;
	return 0;
}

int bd_tracer_start(struct bd_tracer *t)
{
	int ret;

	(void)t;
	ret = tfs_replace("trace", "");
	return ret ? ret : tfs_write("tracing_on", "1");
}

ssize_t bd_tracer_stop(struct bd_tracer *t, char **text)
{
	(void)t;
	tfs_write("tracing_on", "0");
	return sysfs_read_all(TRACEFS "/trace", text, 64u << 20);
}

void bd_tracer_release(struct bd_tracer *t)
{
	if (!t)
		return;
	restore(t);
	free(t);
}
