// SPDX-License-Identifier: GPL-2.0
/*
 * stress.c - `vfio-pm-bench stress`: race low-power transitions against
 * ioctls, config reads and opens on one device, then check what the kernel
 * left behind.
 *
 * Threads, all on the named device:
 *   - T workers alternate VFIO_DEVICE_GET_INFO and a 4-byte config read of
 *     the PM capability's control/status register, whose power state bits
 *     vfio-pci passes through from the hardware: every access must find
 *     the device in D0 (devices without PM: the vendor/device ID, which
 *     must read back what it read before);
 *   - one cycler engages low power and leaves it: LOW_POWER_ENTRY and
 *     LOW_POWER_ENTRY_WITH_WAKEUP in turn (v4: SET ENTER), a random dwell,
 *     LOW_POWER_EXIT (v4: SET EXIT);
 *   - one opener opens a second fd of the device, issues GET_INFO on it and
 *     closes it.
 * Afterwards: no splat in the kernel log (lockdep, KASAN, UBSAN, WARN, BUG,
 * sleeping in atomic context), the device in D0 and active, and
 * power/runtime_usage back to its value while open, then to its value
 * before the run once the device is closed.
 *
 * Under the no-get variant an ioctl or read while engaged does not resume
 * the device: the data checks are expected to fail there. They are still
 * made and recorded, marked "expected" instead of failing the run; every
 * other check holds for every variant.
 *
 * --race picks another race, with its checks made after every cycle:
 *   - intx (one-shot designs): INTx enabled and unmasked, LOW_POWER_ENTRY_
 *     WITH_WAKEUP, wait for the suspend, then an ioctl wakes the device
 *     while --threads racers spin on the wake-up eventfd and mask INTx
 *     (SET_IRQS ACTION_MASK) as soon as it fires. The mask must hold: an
 *     ioctl may only run once the resume is complete, after the runtime
 *     resume callback has unmasked the INTx it masked at suspend. Checked
 *     in the device's real command register (INTx disable, through sysfs),
 *     with the runtime PM usage count, after every cycle;
 *   - exit-fail (v4, needs the test-only debug_fail_exit parameter of
 *     vfio-pci-core, tests/kernel-debug/): SET ENTER, then SET EXIT made
 *     to fail while --threads racers try SET ENTER. The usage count must
 *     come back to its value after open once the device has left low power
 *     again. power/control is held "on" for the run, so that a count put
 *     once too often shows in runtime_usage instead of being clamped at 0;
 *   - idle-d3 (any variant, needs vfio-pci-core's test-only writable
 *     disable_idle_d3 parameter, tests/kernel-debug/): open the device,
 *     flip disable_idle_d3, close it; odd cycles open with 0 and close
 *     with 1, even cycles the reverse. A kernel that latches the value per
 *     device ignores the flip; one that reads the module-wide value at
 *     close puts a usage count it never took, or keeps one it took. The
 *     usage count must come back to its value before the open after every
 *     cycle; power/control is held "on" as for exit-fail.
 */
#include "cmd.h"
#include "clock.h"
#include "common.h"
#include "kmsg.h"
#include "lowpower.h"
#include "modules.h"
#include "pcidev.h"
#include "results.h"
#include "stats.h"
#include "sysfs.h"
#include "units.h"
#include "vfio.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 64

enum race { RACE_MIXED, RACE_INTX, RACE_EXIT_FAIL, RACE_IDLE_D3 };

static const char *const race_names[] = {"mixed", "intx", "exit-fail", "idle-d3"};

struct stress {
	struct vfio_dev d;
	uint32_t off;	    /* the config dword the workers read */
	uint32_t id;	    /* no PM capability: its value before the race */
	uint64_t cycles;    /* low-power cycles to run */
	uint64_t deadline;  /* clock_mono_ns() at which everything stops */
	uint64_t dwell_max; /* ns */
	uint64_t seed;
	int wake_fd;
	atomic_bool stop;
	atomic_uint_fast64_t ops, op_errors, bad_reads, done_cycles, lp_errors, wakeups, opens,
		open_errors;
	atomic_int first_op_errno, first_lp_errno, first_open_errno;
	atomic_uint_fast32_t bad_value;
	/* --race intx, exit-fail and idle-d3 */
	enum race race;
	atomic_uint_fast64_t armed, raced, race_ops;
	uint64_t lost, unbalanced, not_suspended, first_bad_cycle;
	int usage_open, last_usage;
	int intx_fd;
};

static void note_errno(atomic_int *slot, int err)
{
	int zero = 0;

	atomic_compare_exchange_strong(slot, &zero, err);
}

static bool stopping(struct stress *s)
{
	if (atomic_load(&s->stop))
		return true;
	if (clock_mono_ns() >= s->deadline) {
		atomic_store(&s->stop, true);
		return true;
	}
	return false;
}

static void *worker(void *arg)
{
	struct stress *s = arg;
	struct vfio_device_info info;
	uint32_t val;
	int ret;

	for (uint64_t i = 0; !stopping(s); i++) {
		if (i & 1) {
			ret = __vfio_config_read(&s->d, s->off, &val);
			if (!ret && (s->off ? (val & 3) != 0 : val != s->id)) {
				atomic_fetch_add(&s->bad_reads, 1);
				atomic_store(&s->bad_value, val);
			}
		} else {
			ret = __vfio_get_info(&s->d, &info);
		}
		atomic_fetch_add(&s->ops, 1);
		if (ret) {
			atomic_fetch_add(&s->op_errors, 1);
			note_errno(&s->first_op_errno, -ret);
		}
	}
	return NULL;
}

static void *cycler(void *arg)
{
	struct stress *s = arg;
	struct stats_rng rng;
	uint64_t c;

	stats_rng_seed(&rng, s->seed);
	for (c = 0; c < s->cycles && !stopping(s); c++) {
		bool wakeup = s->d.design == VFIO_PM_ONESHOT && (c & 1);
		uint64_t dwell = stats_rng_below(&rng, s->dwell_max + 1), n;
		struct timespec ts = {.tv_sec = (time_t)(dwell / 1000000000u),
				      .tv_nsec = (long)(dwell % 1000000000u)};
		int ret = __vfio_lp_enter(&s->d, wakeup ? s->wake_fd : -1);

		if (ret) {
			atomic_fetch_add(&s->lp_errors, 1);
			note_errno(&s->first_lp_errno, -ret);
		}
		nanosleep(&ts, NULL);
		ret = __vfio_lp_exit(&s->d);
		if (ret) {
			atomic_fetch_add(&s->lp_errors, 1);
			note_errno(&s->first_lp_errno, -ret);
		}
		if (read(s->wake_fd, &n, sizeof(n)) == sizeof(n))
			atomic_fetch_add(&s->wakeups, n);
		atomic_fetch_add(&s->done_cycles, 1);
	}
	atomic_store(&s->stop, true);
	return NULL;
}

/* A second fd of the open device: the group's, or a new iommufd binding. */
static int open_second(struct stress *s, struct vfio_dev *d2)
{
	char why[256];
	int fd;

	if (s->d.mode == VFIO_MODE_IOMMUFD)
		return __vfio_open(d2, s->d.bdf, "iommufd", why, sizeof(why));
	fd = ioctl(s->d.group_fd, VFIO_GROUP_GET_DEVICE_FD, s->d.bdf);
	if (fd < 0)
		return -errno;
	*d2 = s->d;
	d2->device_fd = fd;
	return 0;
}

static void *opener(void *arg)
{
	struct stress *s = arg;
	struct vfio_device_info info;

	while (!stopping(s)) {
		struct vfio_dev d2;
		int ret = open_second(s, &d2);

		if (ret) {
			atomic_fetch_add(&s->open_errors, 1);
			note_errno(&s->first_open_errno, -ret);
			continue;
		}
		ret = __vfio_get_info(&d2, &info);
		if (ret) {
			atomic_fetch_add(&s->open_errors, 1);
			note_errno(&s->first_open_errno, -ret);
		} else {
			atomic_fetch_add(&s->opens, 1);
		}
		if (s->d.mode == VFIO_MODE_IOMMUFD)
			vfio_close(&d2);
		else
			close(d2.device_fd);
	}
	return NULL;
}

/* SET_IRQS on the INTx index: @action with no data, or TRIGGER with @fd. */
static int set_intx(struct vfio_dev *d, uint32_t action, int fd)
{
	_Alignas(struct vfio_irq_set) unsigned char
		buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set set = {
		.argsz = (uint32_t)sizeof(set),
		.flags = action | VFIO_IRQ_SET_DATA_NONE,
		.index = VFIO_PCI_INTX_IRQ_INDEX,
		.start = 0,
		.count = 1,
	};
	int32_t efd = fd;

	if (action == VFIO_IRQ_SET_ACTION_TRIGGER && fd < 0)
		set.count = 0; /* no data, no count: disable INTx */

	if (fd >= 0) {
		set.argsz += (uint32_t)sizeof(efd);
		set.flags = action | VFIO_IRQ_SET_DATA_EVENTFD;
	}
	memcpy(buf, &set, sizeof(set));
	memcpy(buf + sizeof(set), &efd, sizeof(efd));
	return ioctl(d->device_fd, VFIO_DEVICE_SET_IRQS, buf) ? -errno : 0;
}

/*
 * The INTx disable bit of the device's real command register, read through
 * sysfs (vfio-pci virtualizes the one user space sees): 1 masked, 0 not,
 * or -errno.
 */
static int intx_disabled(const char *bdf)
{
	char path[128];
	uint16_t cmd;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, &cmd, sizeof(cmd), 4);
	close(fd);
	if (n != (ssize_t)sizeof(cmd))
		return n < 0 ? -errno : -EIO;
	return !!(cmd & 0x400); /* PCI_COMMAND_INTX_DISABLE, little endian host */
}

/* --race intx: mask INTx as soon as the wake-up eventfd fires. */
static void *intx_racer(void *arg)
{
	struct stress *s = arg;
	uint64_t seen = 0;

	while (!stopping(s)) {
		uint64_t armed = atomic_load(&s->armed);
		struct pollfd p = {.fd = s->wake_fd, .events = POLLIN};
		int ret;

		if (armed == seen || !(armed & 1)) /* odd: a cycle is racing */
			continue;
		while (!stopping(s) && poll(&p, 1, 0) == 0)
			;
		ret = set_intx(&s->d, VFIO_IRQ_SET_ACTION_MASK, -1);
		atomic_fetch_add(&s->race_ops, 1);
		if (ret) {
			atomic_fetch_add(&s->op_errors, 1);
			note_errno(&s->first_op_errno, -ret);
		}
		seen = armed;
		atomic_fetch_add(&s->raced, 1);
	}
	return NULL;
}

/* --race exit-fail: enter low power while an exit is failing. */
static void *enter_racer(void *arg)
{
	struct stress *s = arg;
	uint64_t seen = 0;

	while (!stopping(s)) {
		uint64_t armed = atomic_load(&s->armed);

		if (armed == seen || !(armed & 1)) /* odd: a cycle is racing */
			continue;
		/* Until one entry is accepted (the exit cleared engaged) or the cycle ends */
		while (!stopping(s) && atomic_load(&s->armed) == armed) {
			atomic_fetch_add(&s->race_ops, 1);
			if (!__vfio_lp_enter(&s->d, -1))
				break;
		}
		seen = armed;
		atomic_fetch_add(&s->raced, 1);
	}
	return NULL;
}

/* power/runtime_suspended_time: ms the device has spent suspended. */
static uint64_t suspended_ms(const char *bdf)
{
	char path[128];
	uint64_t v = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power/runtime_suspended_time", bdf);
	sysfs_read_u64(path, &v);
	return v;
}

static int runtime_usage(const char *bdf)
{
	char path[128];
	int v;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power/runtime_usage", bdf);
	return sysfs_read_int(path, &v) ? -1 : v;
}

/* Poll runtime_usage for up to @ms until it reads @want (puts can be async). */
static int wait_usage_ms(const char *bdf, int want, int ms)
{
	int v = runtime_usage(bdf);

	for (int i = 0; i < ms / 10 && v != want; i++) {
		usleep(10000);
		v = runtime_usage(bdf);
	}
	return v;
}

static int wait_usage(const char *bdf, int want)
{
	return wait_usage_ms(bdf, want, 5000);
}

struct checks {
	json_t *list;
	unsigned int failed, expected;
};

static void check(struct checks *c, const char *name, bool ok, bool unsafe_expected,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void check(struct checks *c, const char *name, bool ok, bool unsafe_expected,
		  const char *fmt, ...)
{
	char detail[512];
	const char *verdict = ok ? "ok" : unsafe_expected ? "expected" : "FAIL";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	c->failed += !ok && !unsafe_expected;
	c->expected += !ok && unsafe_expected;
	printf("%-8s %s: %s\n", verdict, name, detail);
	json_array_append_new(c->list, json_pack("{s:s, s:s, s:s}", "check", name, "verdict",
						 verdict, "detail", detail));
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vfio-pm-bench stress --device BDF [options]\n"
		"\n"
		"Races low-power entry/exit against ioctls, config reads and opens on one\n"
		"device bound to vfio-pci, then checks the kernel log (lockdep, KASAN, UBSAN,\n"
		"WARN, BUG), the device's state and its runtime PM usage count. Run it on\n"
		"a debug kernel (kernel/build.sh --debug) for the kernel's own checks. Needs\n"
		"root (/dev/kmsg). Exit 0 when every check holds, 1 when one fails, 2 on bad\n"
		"usage, 4 when it cannot run (no device, no low-power feature, no log).\n"
		"\n"
		"  -d, --device BDF     the device (default: $VFIO_PM_BENCH_DEVICE)\n"
		"      --iommu MODE     auto, type1, noiommu, iommufd (default auto)\n"
		"  -t, --threads N      ioctl/read workers (default 2, at most %d)\n"
		"      --cycles N       low-power cycles (default 10000)\n"
		"      --duration DUR   stop after DUR even if cycles remain (default 10min)\n"
		"      --dwell DUR      longest random time engaged per cycle (default 20ms:\n"
		"                       long enough to suspend, and for percpu's drain)\n"
		"      --seed N         seed of the dwell times (default 1)\n"
		"      --race MODE      mixed (default: the threads above), intx (one-shot\n"
		"                       designs: INTx masks racing the end of a wake-up),\n"
		"                       exit-fail (v4 with the test-only debug_fail_exit\n"
		"                       parameter: entries racing a failing exit) or idle-d3\n"
		"                       (any variant with the test-only writable disable_idle_d3\n"
		"                       of vfio-pci-core: the parameter flipped between open\n"
		"                       and close); with intx and exit-fail, --threads racers;\n"
		"                       every mode but mixed checks the usage count after\n"
		"                       every cycle (see the top of stress.c)\n"
		"  -o, --out FILE       write the outcome as JSON to FILE (atomically)\n"
		"  -h, --help           this text\n",
		MAX_WORKERS);
}

static int parse(int argc, char **argv, struct stress *s, char *bdf, const char **iommu,
		 unsigned int *threads, uint64_t *duration, const char **out)
{
	static const struct option opts[] = {
		{"device", required_argument, NULL, 'd'},
		{"iommu", required_argument, NULL, 'I'},
		{"threads", required_argument, NULL, 't'},
		{"cycles", required_argument, NULL, 'c'},
		{"duration", required_argument, NULL, 'D'},
		{"dwell", required_argument, NULL, 'w'},
		{"seed", required_argument, NULL, 'S'},
		{"race", required_argument, NULL, 'r'},
		{"out", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *dev = getenv("VFIO_PM_BENCH_DEVICE");
	uint64_t u;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "d:t:o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			dev = optarg;
			break;
		case 'I':
			*iommu = optarg;
			break;
		case 't':
			if (units_parse_count(optarg, &u) || !u || u > MAX_WORKERS) {
				vpb_err("stress: --threads '%s': expected 1 to %d", optarg,
					MAX_WORKERS);
				return VPB_EXIT_USAGE;
			}
			*threads = (unsigned int)u;
			break;
		case 'c':
			if (units_parse_count(optarg, &s->cycles) || !s->cycles) {
				vpb_err("stress: --cycles '%s': expected a positive count", optarg);
				return VPB_EXIT_USAGE;
			}
			break;
		case 'D':
			if (units_parse_duration_ns(optarg, duration) || !*duration) {
				vpb_err("stress: --duration '%s': expected a duration, e.g. 60s",
					optarg);
				return VPB_EXIT_USAGE;
			}
			break;
		case 'w':
			if (units_parse_duration_ns(optarg, &s->dwell_max)) {
				vpb_err("stress: --dwell '%s': expected a duration, e.g. 2ms",
					optarg);
				return VPB_EXIT_USAGE;
			}
			break;
		case 'S':
			if (units_parse_u64(optarg, &s->seed)) {
				vpb_err("stress: --seed '%s': expected an integer", optarg);
				return VPB_EXIT_USAGE;
			}
			break;
		case 'r':
			for (u = 0; u < ARRAY_SIZE(race_names); u++)
				if (!strcmp(optarg, race_names[u]))
					break;
			s->race = (enum race)u;
			if (u == ARRAY_SIZE(race_names)) {
				vpb_err("stress: --race '%s': expected mixed, intx, exit-fail or "
					"idle-d3",
					optarg);
				return VPB_EXIT_USAGE;
			}
			break;
		case 'o':
			*out = optarg;
			break;
		case 'h':
			usage(stdout);
			return VPB_EXIT_OK;
		default:
			usage(stderr);
			return VPB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		vpb_err("stress: unexpected argument '%s'", argv[optind]);
		return VPB_EXIT_USAGE;
	}
	if (!dev || !*dev) {
		vpb_err("stress: no device: name one with --device or $VFIO_PM_BENCH_DEVICE");
		return VPB_EXIT_SKIP;
	}
	if (pcidev_normalize_bdf(dev, bdf, 16)) {
		vpb_err("stress: '%s' is not a PCI address", dev);
		return VPB_EXIT_USAGE;
	}
	return -1;
}

/* Start the threads, let them race, join them. */
/* Start the threads, read the kernel log while they race, join them. */
static void race(struct stress *s, unsigned int threads, struct kmsg *k)
{
	pthread_t tid[MAX_WORKERS + 2];
	unsigned int n = 0;

	for (unsigned int i = 0; i < threads; i++)
		if (!pthread_create(&tid[n], NULL, worker, s))
			n++;
	if (!pthread_create(&tid[n], NULL, opener, s))
		n++;
	if (!pthread_create(&tid[n], NULL, cycler, s))
		n++;
	if (n < threads + 2) {
		vpb_err("stress: could only start %u of %u threads", n, threads + 2);
		atomic_store(&s->stop, true);
	}
	while (!stopping(s)) {
		kmsg_scan(k); /* before the ring buffer wraps: opens are logged */
		usleep(100000);
	}
	for (unsigned int i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
}

/* Wait (bounded) until every racer is done with the cycle. */
static void wait_racers(struct stress *s, uint64_t want)
{
	for (int i = 0; i < 20000 && atomic_load(&s->raced) < want && !stopping(s); i++)
		usleep(100);
}

/* After a cycle: the usage count back to its value at the cycle's start. */
static void cycle_usage(struct stress *s, const char *bdf, uint64_t c)
{
	/* Once off, it may stay off: do not wait the whole 5 s every cycle */
	s->last_usage = wait_usage_ms(bdf, s->usage_open, s->unbalanced ? 200 : 5000);
	if (s->last_usage != s->usage_open) {
		if (!s->unbalanced++ && !s->lost)
			s->first_bad_cycle = c;
		printf("cycle %llu: runtime_usage %d, %d at its start\n", (unsigned long long)c,
		       s->last_usage, s->usage_open);
		/* Count from here: one imbalance is reported once */
		s->usage_open = s->last_usage;
	}
}

/*
 * --race intx and exit-fail: @threads racers, the cycles run here, the
 * checks made after each. Return 0, or -errno when the race cannot be set up.
 */
static int race_cycles(struct stress *s, const char *bdf, unsigned int threads, struct kmsg *k)
{
	const char *knob = "/sys/module/vfio_pci_core/parameters/debug_fail_exit";
	pthread_t tid[MAX_WORKERS];
	unsigned int n = 0;
	char last[64];
	uint64_t c;
	int ret;

	if (s->race == RACE_INTX) {
		s->intx_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (s->intx_fd < 0)
			return -errno;
		ret = set_intx(&s->d, VFIO_IRQ_SET_ACTION_TRIGGER, s->intx_fd);
		if (ret)
			return ret;
		if (set_intx(&s->d, VFIO_IRQ_SET_ACTION_MASK, -1) || intx_disabled(bdf) != 1 ||
		    set_intx(&s->d, VFIO_IRQ_SET_ACTION_UNMASK, -1) || intx_disabled(bdf) != 0) {
			set_intx(&s->d, VFIO_IRQ_SET_ACTION_TRIGGER, -1);
			return -EOPNOTSUPP; /* masking does not show in the command register */
		}
	} else if (access(knob, W_OK)) {
		return -ENOENT;
	}
	for (unsigned int i = 0; i < threads; i++)
		if (!pthread_create(&tid[n], NULL, s->race == RACE_INTX ? intx_racer : enter_racer,
				    s))
			n++;
	for (c = 1; c <= s->cycles && n == threads && !stopping(s); c++) {
		uint64_t cnt, want = (uint64_t)n * c;
		struct vfio_device_info info;
		uint32_t flags = 0;

		while (read(s->wake_fd, &cnt, sizeof(cnt)) == sizeof(cnt))
			;
		if (s->race == RACE_INTX) {
			ret = set_intx(&s->d, VFIO_IRQ_SET_ACTION_UNMASK, -1);
			if (!ret)
				ret = __vfio_lp_enter(&s->d, s->wake_fd);
			if (!ret && lp_wait(bdf, NULL, "suspended", 2000000000ull, NULL, last,
					    sizeof(last), NULL)) {
				s->not_suspended++;
				__vfio_lp_exit(&s->d);
				atomic_fetch_add(&s->raced, n);
				atomic_store(&s->armed, 2 * c);
				continue;
			}
		} else {
			ret = __vfio_lp_enter(&s->d, -1);
			if (!ret)
				ret = sysfs_write_str(knob, "1");
		}
		if (ret) {
			atomic_fetch_add(&s->lp_errors, 1);
			note_errno(&s->first_lp_errno, -ret);
			break;
		}
		atomic_store(&s->armed, 2 * c - 1);
		if (s->race == RACE_INTX) {
			/* The wake-up: an ioctl while engaged resumes the device */
			ret = __vfio_get_info(&s->d, &info);
			atomic_fetch_add(&s->ops, 1);
			if (ret) {
				atomic_fetch_add(&s->op_errors, 1);
				note_errno(&s->first_op_errno, -ret);
			}
			wait_racers(s, want);
			atomic_store(&s->armed, 2 * c);
			ret = intx_disabled(bdf);
			if (ret != 1) {
				if (!s->lost++ && !s->unbalanced)
					s->first_bad_cycle = c;
				printf("cycle %llu: INTx %s after the racers masked it\n",
				       (unsigned long long)c, ret ? "unreadable" : "unmasked");
			}
			if (read(s->wake_fd, &cnt, sizeof(cnt)) == sizeof(cnt))
				atomic_fetch_add(&s->wakeups, cnt);
			ret = __vfio_lp_exit(&s->d); /* a no-op after the wake-up */
		} else {
			/* Fails (injected) after 20 ms: the racers enter meanwhile */
			ret = __vfio_lp_exit(&s->d);
			atomic_store(&s->armed, 2 * c);
			wait_racers(s, want);
			if (ret != -EIO)
				printf("cycle %llu: the injected exit failure gave %d\n",
				       (unsigned long long)c, ret);
			ret = __vfio_v4_get(&s->d, &flags);
			if (!ret && (flags & VPB_V4_PM_ENTER))
				ret = __vfio_lp_exit(&s->d);
		}
		if (ret) {
			atomic_fetch_add(&s->lp_errors, 1);
			note_errno(&s->first_lp_errno, -ret);
		}
		ret = lp_wait(bdf, "D0", "active", 2000000000ull, NULL, last, sizeof(last), NULL);
		if (ret) {
			atomic_fetch_add(&s->lp_errors, 1);
			note_errno(&s->first_lp_errno, -ret);
		}
		cycle_usage(s, bdf, c);
		atomic_fetch_add(&s->done_cycles, 1);
		kmsg_scan(k);
	}
	atomic_store(&s->stop, true);
	for (unsigned int i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	if (s->race == RACE_INTX)
		set_intx(&s->d, VFIO_IRQ_SET_ACTION_TRIGGER, -1);
	else
		sysfs_write_str(knob, "0");
	return n == threads ? 0 : -EAGAIN;
}

/*
 * --race idle-d3: open, flip disable_idle_d3, close, check the usage count
 * (the device is closed on entry and on return). Return 0, or -errno when
 * the parameter cannot be written.
 */
static int idle_d3_cycles(struct stress *s, const char *bdf, const char *iommu, struct kmsg *k)
{
	const char *knob = "/sys/module/vfio_pci_core/parameters/disable_idle_d3";
	char was[8], why[512];
	uint64_t c;
	int ret = 0;

	if (access(knob, W_OK) || sysfs_read_str(knob, was, sizeof(was)))
		return -ENOENT;
	s->usage_open = runtime_usage(bdf);
	for (c = 1; c <= s->cycles && !stopping(s); c++) {
		const char *at_open = c & 1 ? "0" : "1", *at_close = c & 1 ? "1" : "0";

		ret = sysfs_write_str(knob, at_open);
		if (ret)
			break;
		ret = __vfio_open(&s->d, bdf, iommu, why, sizeof(why));
		if (ret) {
			atomic_fetch_add(&s->open_errors, 1);
			note_errno(&s->first_open_errno, -ret);
			printf("cycle %llu: open: %s\n", (unsigned long long)c, why);
			ret = 0;
			break;
		}
		atomic_fetch_add(&s->opens, 1);
		ret = sysfs_write_str(knob, at_close);
		vfio_close(&s->d);
		if (ret)
			break;
		cycle_usage(s, bdf, c);
		atomic_fetch_add(&s->done_cycles, 1);
		kmsg_scan(k);
	}
	sysfs_write_str(knob, was);
	return ret;
}

int cmd_stress(int argc, char **argv)
{
	struct stress s = {
		.cycles = 10000, .dwell_max = 20000000, .seed = 1, .wake_fd = -1, .intx_fd = -1};
	char control_path[128], control[16] = "";
	struct checks c = {.list = json_array()};
	char bdf[16], why[512] = "", variant[64] = "none", last[64] = "";
	const char *iommu = "auto", *out = NULL;
	unsigned int threads = 2;
	uint64_t duration = 600000000000ull, t0, susp;
	bool unsafe;
	int ret, usage_before, usage_open, usage_after, usage_closed;
	unsigned int splats;
	struct pcidev_info info;
	uint32_t flags = 0;
	struct kmsg k;
	json_t *j;

	ret = parse(argc, argv, &s, bdf, &iommu, &threads, &duration, &out);
	if (ret >= 0) {
		json_decref(c.list);
		return ret;
	}
	ret = kmsg_mark(&k);
	if (ret) {
		vpb_err("stress: cannot read the kernel log (/dev/kmsg): %s", strerror(-ret));
		json_decref(c.list);
		return VPB_EXIT_SKIP;
	}
	modules_vfio_variant(variant, sizeof(variant));
	unsafe = !strcmp(variant, "no-get");
	snprintf(control_path, sizeof(control_path), "/sys/bus/pci/devices/%s/power/control", bdf);
	if ((s.race == RACE_EXIT_FAIL || s.race == RACE_IDLE_D3) &&
	    (sysfs_read_str(control_path, control, sizeof(control)) ||
	     sysfs_write_str(control_path, "on"))) {
		vpb_err("stress: %s: cannot hold power/control on", bdf);
		kmsg_close(&k);
		json_decref(c.list);
		return VPB_EXIT_SKIP;
	}
	usage_before = runtime_usage(bdf);
	if (s.race == RACE_IDLE_D3) {
		printf("# stress %s: variant %s, race idle-d3, %llu cycles\n", bdf, variant,
		       (unsigned long long)s.cycles);
		fflush(stdout);
		t0 = clock_mono_ns();
		s.deadline = t0 + duration;
		susp = suspended_ms(bdf);
		ret = idle_d3_cycles(&s, bdf, iommu, &k);
		t0 = clock_mono_ns() - t0;
		susp = suspended_ms(bdf) - susp;
		if (ret) {
			vpb_err("stress: %s: cannot race idle-d3: %s", bdf,
				ret == -ENOENT ? "vfio_pci_core has no writable disable_idle_d3 "
						 "(test-only patch)"
					       : strerror(-ret));
			sysfs_write_str(control_path, control);
			kmsg_close(&k);
			json_decref(c.list);
			return VPB_EXIT_SKIP;
		}
		check(&c, "cycles run", s.done_cycles == s.cycles && !s.open_errors, false,
		      "%llu of %llu%s%s", (unsigned long long)s.done_cycles,
		      (unsigned long long)s.cycles, s.open_errors ? ", open failed: " : "",
		      s.open_errors ? strerror(s.first_open_errno) : "");
		goto closed;
	}
	ret = __vfio_open(&s.d, bdf, iommu, why, sizeof(why));
	if (ret) {
		vpb_err("stress: %s", why);
		kmsg_close(&k);
		json_decref(c.list);
		return ret == -ENOENT || ret == -ENODEV ? VPB_EXIT_SKIP : VPB_EXIT_FAIL;
	}
	if (s.d.design == VFIO_PM_NONE || (s.race == RACE_INTX && s.d.design != VFIO_PM_ONESHOT) ||
	    (s.race == RACE_EXIT_FAIL && s.d.design != VFIO_PM_V4)) {
		vpb_err("stress: %s: variant %s offers no low-power feature for --race %s", bdf,
			variant, race_names[s.race]);
		if (*control)
			sysfs_write_str(control_path, control);
		vfio_close(&s.d);
		kmsg_close(&k);
		json_decref(c.list);
		return VPB_EXIT_SKIP;
	}
	s.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ret = pcidev_read(bdf, &info);
	if (!ret && info.has_pm_cap)
		s.off = info.pm_cap_offset + 4u; /* PMCSR */
	if (!ret)
		ret = s.wake_fd < 0 ? -errno : __vfio_config_read(&s.d, s.off, &s.id);
	if (ret) {
		vpb_err("stress: %s: reading config space before the race: %s", bdf,
			strerror(-ret));
		vfio_close(&s.d);
		kmsg_close(&k);
		json_decref(c.list);
		return VPB_EXIT_FAIL;
	}
	usage_open = runtime_usage(bdf);
	s.usage_open = usage_open;
	printf("# stress %s: variant %s, design %s, %s, race %s, %u %s, %llu cycles, dwell <= "
	       "%llu us%s\n",
	       bdf, variant, vfio_pm_design_name(s.d.design), vfio_mode_name(s.d.mode),
	       race_names[s.race], threads, s.race == RACE_MIXED ? "workers" : "racers",
	       (unsigned long long)s.cycles, (unsigned long long)(s.dwell_max / 1000),
	       unsafe ? "; no-get: ioctls in low power are expected to misbehave" : "");
	fflush(stdout);

	susp = suspended_ms(bdf);
	t0 = clock_mono_ns();
	s.deadline = t0 + duration;
	if (s.race == RACE_MIXED) {
		race(&s, threads, &k);
	} else {
		ret = race_cycles(&s, bdf, threads, &k);
		if (ret) {
			vpb_err("stress: %s: cannot race %s: %s", bdf, race_names[s.race],
				ret == -EOPNOTSUPP
					? "INTx masking does not show in the command register"
				: ret == -ENOENT ? "no debug_fail_exit parameter (test-only patch)"
						 : strerror(-ret));
			if (*control)
				sysfs_write_str(control_path, control);
			close(s.wake_fd);
			vfio_close(&s.d);
			kmsg_close(&k);
			json_decref(c.list);
			return VPB_EXIT_SKIP;
		}
	}
	t0 = clock_mono_ns() - t0;
	susp = suspended_ms(bdf) - susp;

	/*
	 * The device must come back whatever happened in the race. v4's SET
	 * EXIT is refused (EINVAL) when not engaged: ask GET first there.
	 */
	ret = 0;
	if (s.d.design != VFIO_PM_V4 || (!__vfio_v4_get(&s.d, &flags) && (flags & VPB_V4_PM_ENTER)))
		ret = __vfio_lp_exit(&s.d);
	check(&c, "final exit", !ret, false, "%s", ret ? strerror(-ret) : "out of low power");
	if (s.race == RACE_INTX)
		check(&c, "INTx masked by the racers stays masked after every wake-up", !s.lost,
		      false,
		      "%llu of %llu cycles unmasked it (first bad cycle: %llu); %llu cycles did "
		      "not suspend; %llu racer ioctls",
		      (unsigned long long)s.lost, (unsigned long long)s.done_cycles,
		      (unsigned long long)s.first_bad_cycle, (unsigned long long)s.not_suspended,
		      (unsigned long long)s.race_ops);
	ret = lp_wait(bdf, "D0", "active", 5000000000ull, NULL, last, sizeof(last), NULL);
	check(&c, "device in D0 and active", !ret, false, "%s", ret ? last : "D0 active");
	usage_after = wait_usage(bdf, usage_open);
	check(&c, "usage count balanced while open", usage_after == usage_open, false,
	      "runtime_usage %d after the race, %d after open", usage_after, usage_open);
	check(&c, "ioctls and reads succeed", !s.op_errors, unsafe, "%llu of %llu failed%s%s",
	      (unsigned long long)s.op_errors, (unsigned long long)s.ops,
	      s.op_errors ? ", first: " : "", s.op_errors ? strerror(s.first_op_errno) : "");
	if (s.off)
		check(&c, "every read finds the device in D0", !s.bad_reads, unsafe,
		      "%llu reads of PMCSR (config %#x) found it out of D0 (last: D%u)",
		      (unsigned long long)s.bad_reads, s.off, (unsigned int)s.bad_value & 3);
	else
		check(&c, "reads return the device's ID", !s.bad_reads, unsafe,
		      "%llu reads of %#010x returned another value (last %#010x)",
		      (unsigned long long)s.bad_reads, s.id, (unsigned int)s.bad_value);
	check(&c, "low-power entries and exits accepted", !s.lp_errors, false,
	      "%llu of %llu cycles had an error%s%s", (unsigned long long)s.lp_errors,
	      (unsigned long long)s.done_cycles, s.lp_errors ? ", first: " : "",
	      s.lp_errors ? strerror(s.first_lp_errno) : "");
	check(&c, "second fds open and work", !s.open_errors, false, "%llu of %llu failed%s%s",
	      (unsigned long long)s.open_errors, (unsigned long long)(s.opens + s.open_errors),
	      s.open_errors ? ", first: " : "", s.open_errors ? strerror(s.first_open_errno) : "");
	close(s.wake_fd);
	vfio_close(&s.d);
	if (s.intx_fd >= 0)
		close(s.intx_fd);
closed:
	if (s.race != RACE_MIXED)
		check(&c, "usage count balanced after every cycle", !s.unbalanced, false,
		      "%llu of %llu cycles left runtime_usage off its value at their start "
		      "(first: cycle %llu); %llu racer calls",
		      (unsigned long long)s.unbalanced, (unsigned long long)s.done_cycles,
		      (unsigned long long)s.first_bad_cycle, (unsigned long long)s.race_ops);
	usage_closed = wait_usage(bdf, usage_before);
	if (*control)
		sysfs_write_str(control_path, control);
	check(&c, "usage count back after close", usage_closed == usage_before, false,
	      "runtime_usage %d, %d before the run", usage_closed, usage_before);
	splats = kmsg_close(&k);
	check(&c, "no kernel splat", !splats && !k.lost, false, "%u report lines%s", splats,
	      k.lost ? "; records were lost before they were read: the log is not checked whole"
		     : "");
	if (splats)
		printf("--- kernel log ---\n%s---\n", k.excerpt);

	printf("# %llu cycles, %llu ioctls/reads, %llu opens, %llu wakeups, %llu ms suspended in "
	       "%.1f s: %s (%u failed, %u failed as expected)\n",
	       (unsigned long long)s.done_cycles, (unsigned long long)s.ops,
	       (unsigned long long)s.opens, (unsigned long long)s.wakeups, (unsigned long long)susp,
	       t0 / 1e9, c.failed ? "FAIL" : "pass", c.failed, c.expected);
	j = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:i, s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:b, "
		"s:o, s:s, s:s, s:s, s:I, s:I, s:I}",
		"harness_revision", vpb_git_rev, "device", bdf, "variant", variant, "design",
		vfio_pm_design_name(s.d.design), "iommu", vfio_mode_name(s.d.mode), "threads",
		threads, "cycles_asked", (json_int_t)s.cycles, "dwell_max_ns",
		(json_int_t)s.dwell_max, "seconds", t0 / 1e9, "cycles", (json_int_t)s.done_cycles,
		"ops", (json_int_t)s.ops, "opens", (json_int_t)s.opens, "wakeups",
		(json_int_t)s.wakeups, "suspended_ms", (json_int_t)susp, "seed", (json_int_t)s.seed,
		"unsafe_expected", unsafe, "checks", c.list, "kernel_log", k.excerpt, "verdict",
		c.failed ? "fail" : "pass", "race", race_names[s.race], "intx_lost",
		(json_int_t)s.lost, "usage_unbalanced", (json_int_t)s.unbalanced, "not_suspended",
		(json_int_t)s.not_suspended);
	if (out && results_write_json(out, j)) {
		vpb_err("stress: cannot write %s", out);
		c.failed++;
	}
	json_decref(j);
	return c.failed ? VPB_EXIT_FAIL : VPB_EXIT_OK;
}
