// SPDX-License-Identifier: GPL-2.0
/*
 * d3cold: how long does a device take to leave (and enter) low power, and
 * from which state did it really leave?
 *
 * A cycle (one sample):
 *   prepare  engage low power (LOW_POWER_ENTRY[_WITH_WAKEUP], or v4's SET
 *            ENTER), wait for runtime_status "suspended" (the entry latency),
 *            then wait for the deepest state the platform offers (or --dwell),
 *            then a random wait in [0, --jitter) (settle_ms is all of it)
 *   op       the timed exit trigger: an ioctl, a config read, LOW_POWER_EXIT,
 *            or (wakeup) an ioctl and the wakeup eventfd firing
 *   verify   the cycle is valid only if it started from the expected state
 *            and the trigger really resumed the device; then leave low power
 *            (untimed) and check D0 and "active".
 *
 * With --breakdown (lib/breakdown.h) prepare ends by turning the
 * function_graph tracer on, limited to this thread and to the resume's
 * functions, and verify begins by turning it off and splitting the exit
 * into phases (extra columns platform_on_ms ... driver_ms) and the
 * remainder_ms the phases leave of the measured exit (>= 0, else the
 * sample is invalid). The tracing inflates the exit: breakdown runs are
 * for the phases, timing runs go without. Without --breakdown the phase
 * columns are -1.
 * The jitter: the exit's delays are msleep()s rounded up to the timer
 * tick, so an exit takes up to a tick longer or shorter depending on where
 * in the tick it starts. Without the jitter every cycle of a variant starts
 * at about the same phase (under QEMU's icount clock, exactly the same), and
 * two variants whose entries differ in length compare phases, not costs
 * (the percpu-exit-phase run in results/qemu-q35-tcg-icount). The jitter spreads each
 * variant's exits over the phases; the same seed gives every variant the
 * same sequence of waits.
 * The device is never left engaged: teardown exits low power whatever
 * happened, and so does an interrupted run.
 */
#include "breakdown.h"
#include "common.h"
#include "lowpower.h"
#include "pcidev.h"
#include "opts.h"
#include "stats.h"
#include "suite.h"
#include "sysfs.h"
#include "vfio.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum trigger { T_IOCTL, T_CONFIG, T_EXIT, T_WAKEUP };

struct d3 {
	struct vfio_dev *dev;
	const struct vpb_opts *o;
	const volatile int *stop; /* the run's stop request */
	enum trigger t;
	const char *expect; /* the state a valid cycle starts from, or NULL */
	bool engaged;
	int efd;
	double entry_ms, settle_ms;
	char start[16];
	char invalid[64];
	uint64_t active_ms;   /* power/runtime_active_time before the trigger */
	struct stats_rng rng; /* the --jitter waits */
	struct bd_tracer *bd; /* --breakdown */
	uint64_t bd_lo;	      /* CLOCK_MONOTONIC_RAW when tracing went on */
	int bd_err;	      /* tracing could not be started for this cycle */
};

/* The extra columns: entry_ms, settle_ms, the phases, remainder_ms. */
#define X_ENTRY	    0
#define X_SETTLE    1
#define X_PHASE0    2
#define X_REMAINDER (X_PHASE0 + BD_NPHASES)

static int leave(struct d3 *s)
{
	int ret = 0;

	if (s->engaged) {
		ret = __vfio_lp_exit(s->dev);
		if (!ret)
			s->engaged = false;
	}
	return ret;
}

static int setup(struct vpb_env *env, void **state, char *why, size_t len, enum trigger t)
{
	const struct vpb_opts *o = env->opts;
	char dwhy[160];
	const char *deepest;
	struct d3 *s;

	if (env->dev->design == VFIO_PM_NONE) {
		snprintf(why, len, "variant %s has no low-power feature", env->variant);
		return -ENOTSUP;
	}
	if (t == T_WAKEUP && env->dev->design != VFIO_PM_ONESHOT) {
		snprintf(why, len, "variant %s has no LOW_POWER_ENTRY_WITH_WAKEUP", env->variant);
		return -ENOTSUP;
	}
	deepest = lp_deepest(env->bdf, dwhy, sizeof(dwhy));
	if (!deepest[0]) {
		snprintf(why, len, "%s", dwhy);
		return -ENODEV;
	}
	if (o->expect && !strcmp(o->expect, "d3cold") && strcmp(deepest, "D3cold")) {
		snprintf(why, len, "--expect d3cold: %s", dwhy);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->dev = env->dev;
	s->o = o;
	s->stop = env->stop;
	s->t = t;
	s->efd = -1;
	stats_rng_seed(&s->rng, o->seed);
	if (o->expect)
		s->expect = !strcmp(o->expect, "d3cold") ? "D3cold" : "D3hot";
	else if (!o->dwell_ns)
		s->expect = deepest;
	if (t == T_WAKEUP) {
		s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (s->efd < 0) {
			free(s);
			return -errno;
		}
	}
	if (o->breakdown) {
		struct pcidev_info pi;
		int ret = pcidev_read(env->bdf, &pi);

		if (!ret)
			ret = bd_tracer_setup(&s->bd, env->bdf, pi.parent_bdf,
					      (pid_t)syscall(SYS_gettid), why, len);
		else
			snprintf(why, len, "--breakdown: cannot read %s: %s", env->bdf,
				 strerror(-ret));
		if (ret) {
			if (s->efd >= 0)
				close(s->efd);
			free(s);
			return -ENOTSUP;
		}
	}
	*state = s;
	return 0;
}

static int prepare(void *state)
{
	struct d3 *s = state;
	uint64_t t0, t1, waited = 0;
	char last[64] = "";
	uint64_t drain;
	int ret;

	s->invalid[0] = '\0';
	s->entry_ms = s->settle_ms = -1;
	if (s->efd >= 0)
		while (read(s->efd, &drain, sizeof(drain)) > 0)
			;
	t0 = clock_mono_ns();
	ret = __vfio_lp_enter(s->dev, s->efd);
	if (ret)
		return ret;
	s->engaged = true;
	t1 = clock_mono_ns();
	ret = lp_wait(s->dev->bdf, NULL, "suspended", s->o->state_timeout_ns, &waited, last,
		      sizeof(last), s->stop);
	if (ret == -EINTR)
		return ret;
	if (ret) {
		snprintf(s->invalid, sizeof(s->invalid), "never suspended (last %s)", last);
	} else {
		s->entry_ms = (double)(t1 - t0 + waited) / 1e6;
		t0 = clock_mono_ns();
		if (s->o->dwell_ns) {
			struct timespec d = {(time_t)(s->o->dwell_ns / 1000000000ull),
					     (long)(s->o->dwell_ns % 1000000000ull)};

			nanosleep(&d, NULL);
		} else if (s->expect) {
			ret = lp_wait(s->dev->bdf, s->expect, NULL, s->o->state_timeout_ns, NULL,
				      last, sizeof(last), s->stop);
			if (ret == -EINTR)
				return ret;
			if (ret)
				snprintf(s->invalid, sizeof(s->invalid),
					 "%s not reached in time (last %s)", s->expect, last);
		}
		if (s->o->jitter_ns) {
			uint64_t j = stats_rng_below(&s->rng, s->o->jitter_ns);
			struct timespec d = {(time_t)(j / 1000000000ull),
					     (long)(j % 1000000000ull)};

			nanosleep(&d, NULL);
		}
		s->settle_ms = (clock_mono_ns() - t0) / 1e6;
	}
	if (s->stop && *s->stop)
		return -EINTR; /* the dwell was cut short: no sample */
	lp_state(s->dev->bdf, s->start, sizeof(s->start), NULL, 0);
	s->active_ms = lp_active_ms(s->dev->bdf);
	if (s->bd) {
		s->bd_err = bd_tracer_start(s->bd);
		s->bd_lo = clock_mono_ns();
	}
	return 0;
}

/* Stop the tracer and split the exit into phases (extra columns). */
static void breakdown(struct d3 *s, struct vpb_sample *sm)
{
	uint64_t hi = clock_mono_ns();
	char *text = NULL, why[96] = "";
	struct bd_phases p;
	double rem = 0;
	ssize_t n;
	int ret;

	n = bd_tracer_stop(s->bd, &text);
	if (s->bd_err) {
		ret = s->bd_err;
		snprintf(why, sizeof(why), "cannot start the tracer: %s", strerror(-ret));
	} else if (n < 0) {
		ret = (int)n;
		snprintf(why, sizeof(why), "cannot read the trace: %s", strerror(-ret));
	} else {
		ret = bd_parse(text, s->bd_lo, hi, s->dev->bdf, &p, why, sizeof(why));
		if (!ret && !p.calls) {
			ret = -ENODATA;
			snprintf(why, sizeof(why), "no resume traced");
		}
		if (!ret && bd_remainder_ms(&p, sm->value / 1e6, &rem)) {
			ret = -ERANGE;
			snprintf(why, sizeof(why), "phases exceed the exit by %.3f ms", -rem);
		}
	}
	free(text);
	if (ret) {
		if (sm->valid) {
			sm->valid = false;
			snprintf(sm->why, sizeof(sm->why), "breakdown: %s", why);
		}
		return;
	}
	for (int i = 0; i < BD_NPHASES; i++)
		sm->extra[X_PHASE0 + i] = p.ms[i];
	sm->extra[X_REMAINDER] = rem;
}

static int op(void *state)
{
	struct d3 *s = state;
	struct vfio_device_info info;
	struct pollfd p;
	uint32_t v;
	int ret;

	switch (s->t) {
	case T_IOCTL:
		return __vfio_get_info(s->dev, &info);
	case T_CONFIG:
		return __vfio_config_read(s->dev, 0, &v);
	case T_EXIT:
		return leave(s);
	case T_WAKEUP:
		if (__vfio_get_info(s->dev, &info))
			return -errno;
		p = (struct pollfd){.fd = s->efd, .events = POLLIN};
		ret = poll(&p, 1, 5000);
		if (ret < 0)
			return -errno; /* EINTR: SIGINT/SIGTERM, the run ends */
		if (ret != 1)
			return -ETIMEDOUT;
		s->engaged = false; /* the wakeup left low power for good */
		return 0;
	}
	return -EINVAL;
}

static int verify(void *state, struct vpb_sample *sm)
{
	struct d3 *s = state;
	char last[64] = "";
	int ret;

	snprintf(sm->state, sizeof(sm->state), "%s", s->start[0] ? s->start : "-");
	for (int i = X_PHASE0; i <= X_REMAINDER; i++)
		sm->extra[i] = -1;
	if (s->bd)
		breakdown(s, sm);
	sm->extra[X_ENTRY] = s->entry_ms;
	sm->extra[X_SETTLE] = s->settle_ms;
	if (s->invalid[0]) {
		sm->valid = false;
		snprintf(sm->why, sizeof(sm->why), "%s", s->invalid);
	} else if (s->expect && strcmp(s->start, s->expect)) {
		sm->valid = false;
		snprintf(sm->why, sizeof(sm->why), "started from %s, expected %s", s->start,
			 s->expect);
	}
	/*
	 * Did the trigger itself resume the device? (no-get's does not.) The
	 * device re-suspends at once after an ioctl or read, so the state is no
	 * witness; runtime_active_time (ms) only grows while it is active.
	 */
	if (sm->valid && (s->t == T_IOCTL || s->t == T_CONFIG) &&
	    lp_active_ms(s->dev->bdf) == s->active_ms) {
		sm->valid = false;
		snprintf(sm->why, sizeof(sm->why), "the trigger did not resume the device");
	}
	ret = leave(s);
	if (ret) {
		snprintf(sm->why, sizeof(sm->why), "low-power exit failed: %s", strerror(-ret));
		sm->valid = false;
		return ret;
	}
	ret = lp_wait_active(s->dev->bdf, s->o->state_timeout_ns, last, sizeof(last));
	if (ret) {
		sm->valid = false;
		snprintf(sm->why, sizeof(sm->why), "not back in D0/active (last %s)", last);
	}
	return ret;
}

static void teardown(void *state)
{
	struct d3 *s = state;
	char last[64] = "";

	/* Also after a SIGINT/SIGTERM: leave, and see the device back in D0. */
	if (leave(s))
		vpb_err("%s: could not leave low power", s->dev->bdf);
	else if (lp_wait_active(s->dev->bdf, 2000000000ull, last, sizeof(last)))
		vpb_err("%s: not back in D0/active after the cycles (last %s)", s->dev->bdf, last);
	if (s->efd >= 0)
		close(s->efd);
	bd_tracer_release(s->bd);
	free(s);
}

#define SETUP(name, t)                                                                             \
	static int setup_##name(struct vpb_env *env, void **state, char *why, size_t len)          \
	{                                                                                          \
		return setup(env, state, why, len, t);                                             \
	}
SETUP(ioctl, T_IOCTL)
SETUP(config, T_CONFIG)
SETUP(exit, T_EXIT)
SETUP(wakeup, T_WAKEUP)

#define D3CASE(n, h, s)                                                                            \
	{                                                                                          \
		.name = n, .help = h, .batch = 1, .cycle = true,                                   \
		.extra = {"entry_ms",	    "settle_ms",    "platform_on_ms",                      \
			  "d3cold_wait_ms", "d0_ms",	    "restore_ms",                          \
			  "driver_ms",	    "remainder_ms", NULL},                                 \
		.setup = s, .prepare = prepare, .op = op, .verify = verify, .teardown = teardown   \
	}

static const struct vpb_case d3cold_cases[] = {
	D3CASE("ioctl", "exit by VFIO_DEVICE_GET_INFO while engaged", setup_ioctl),
	D3CASE("config-read", "exit by a config space pread while engaged", setup_config),
	D3CASE("exit", "exit by LOW_POWER_EXIT (v4: SET EXIT)", setup_exit),
	D3CASE("wakeup", "LOW_POWER_ENTRY_WITH_WAKEUP: ioctl until the eventfd fires",
	       setup_wakeup),
};

const struct vpb_suite suite_d3cold = {
	.name = "d3cold",
	.summary = "low-power exit and entry latency, D-state verified per cycle",
	.needs_device = true,
	.cases = d3cold_cases,
	.ncases = ARRAY_SIZE(d3cold_cases),
};
