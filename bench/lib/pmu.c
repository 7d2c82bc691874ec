// SPDX-License-Identifier: GPL-2.0
/*
 * pmu.c - libpfm4 + perf_event_open counters (see pmu.h).
 */
#include "pmu.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <perfmon/pfmlib_perf_event.h>

#define PMU_MAX_EVENTS 16

struct pmu_event {
	char *name;
	int fd;
	bool software;
};

struct pmu_set {
	size_t n;
	char *csv;
	struct pmu_event ev[PMU_MAX_EVENTS];
};

static pthread_once_t pfm_once = PTHREAD_ONCE_INIT;
static int pfm_init_ret;

static void pfm_init_once(void)
{
	pfm_init_ret = pfm_initialize();
}

const char *pmu_default_events(void)
{
	return "cycles,instructions";
}

const char *pmu_software_events(void)
{
	return "perf::task-clock,perf::context-switches";
}

void pmu_close(struct pmu_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		if (s->ev[i].fd >= 0)
			close(s->ev[i].fd);
		free(s->ev[i].name);
	}
	free(s->csv);
	free(s);
}

static int paranoid_level(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "re");
	int v = 99;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 99;
		fclose(f);
	}
	return v;
}

/* Encode @name with libpfm4 and open it for @tid, disabled. */
static int open_one(struct pmu_event *ev, pid_t tid, char *err, size_t len)
{
	struct perf_event_attr attr;
	pfm_perf_encode_arg_t arg;
	int ret, fd;

	memset(&attr, 0, sizeof(attr));
	memset(&arg, 0, sizeof(arg));
	arg.attr = &attr;
	arg.size = sizeof(arg);
	ret = pfm_get_os_event_encoding(ev->name, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg);
	if (ret != PFM_SUCCESS) {
		snprintf(err, len, "unknown event '%s': %s", ev->name, pfm_strerror(ret));
		return -EINVAL;
	}
	attr.size = sizeof(attr);
	attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	attr.disabled = 1;
	attr.inherit = 0;
	ev->software = attr.type == PERF_TYPE_SOFTWARE;
	fd = perf_event_open(&attr, tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (ret == -EACCES || ret == -EPERM)
			snprintf(err, len,
				 "counters unavailable: %s: %s (kernel.perf_event_paranoid=%d; "
				 "counting kernel time needs <= 1 or CAP_PERFMON)",
				 ev->name, strerror(-ret), paranoid_level());
		else
			snprintf(err, len, "counters unavailable: %s: %s", ev->name,
				 strerror(-ret));
		return ret;
	}
	ev->fd = fd;
	return 0;
}

int pmu_check_events(const char *events_csv, char *err, size_t len)
{
	char *copy, *tok, *save = NULL;
	size_t n = 0;
	int ret = 0;

	pthread_once(&pfm_once, pfm_init_once);
	if (pfm_init_ret != PFM_SUCCESS) {
		snprintf(err, len, "libpfm4: pfm_initialize: %s", pfm_strerror(pfm_init_ret));
		return -ENODEV;
	}
	copy = strdup(events_csv ? events_csv : "");
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save)) {
		struct perf_event_attr attr;
		pfm_perf_encode_arg_t arg;
		int r;

		if (++n > PMU_MAX_EVENTS) {
			snprintf(err, len, "too many counter events (at most %d)", PMU_MAX_EVENTS);
			ret = -E2BIG;
			break;
		}
		memset(&attr, 0, sizeof(attr));
		memset(&arg, 0, sizeof(arg));
		arg.attr = &attr;
		arg.size = sizeof(arg);
		r = pfm_get_os_event_encoding(tok, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT,
					      &arg);
		if (r != PFM_SUCCESS) {
			snprintf(err, len, "unknown event '%s': %s", tok, pfm_strerror(r));
			ret = -EINVAL;
		}
	}
	free(copy);
	if (!ret && !n) {
		snprintf(err, len, "no counter events given");
		ret = -EINVAL;
	}
	return ret;
}

int pmu_open(struct pmu_set **out, const char *events_csv, pid_t tid, char *err, size_t len)
{
	struct pmu_set *s;
	char *copy, *tok, *save = NULL;
	int ret = 0;

	if (len)
		err[0] = '\0';
	*out = NULL;
	pthread_once(&pfm_once, pfm_init_once);
	if (pfm_init_ret != PFM_SUCCESS) {
		snprintf(err, len, "counters unavailable: libpfm4: pfm_initialize: %s",
			 pfm_strerror(pfm_init_ret));
		return -ENODEV;
	}
	if (!events_csv || !*events_csv) {
		snprintf(err, len, "no counter events given");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	copy = strdup(events_csv);
	if (!s || !copy) {
		free(s);
		free(copy);
		return -ENOMEM;
	}
	s->csv = strdup(events_csv);
	if (!s->csv) {
		ret = -ENOMEM;
		goto fail;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct pmu_event *ev;

		if (s->n == PMU_MAX_EVENTS) {
			snprintf(err, len, "too many counter events (at most %d)", PMU_MAX_EVENTS);
			ret = -E2BIG;
			goto fail;
		}
		ev = &s->ev[s->n];
		ev->fd = -1;
		ev->name = strdup(tok);
		if (!ev->name) {
			ret = -ENOMEM;
			goto fail;
		}
		s->n++;
		ret = open_one(ev, tid, err, len);
		if (ret)
			goto fail;
	}
	if (s->n == 0) {
		snprintf(err, len, "no counter events given");
		ret = -EINVAL;
		goto fail;
	}
	free(copy);
	*out = s;
	return 0;
fail:
	free(copy);
	pmu_close(s);
	return ret;
}

int pmu_open_default(struct pmu_set **out, pid_t tid, char *note, size_t len)
{
	char hwerr[256];
	int ret;

	if (len)
		note[0] = '\0';
	ret = pmu_open(out, pmu_default_events(), tid, hwerr, sizeof(hwerr));
	if (!ret)
		return 0;
	ret = pmu_open(out, pmu_software_events(), tid, note, len);
	if (ret)
		return ret;
	snprintf(note, len, "%s; using software events %s", hwerr, pmu_software_events());
	return 0;
}

const char *pmu_events(const struct pmu_set *s)
{
	return s->csv;
}

bool pmu_is_software(const struct pmu_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (!s->ev[i].software)
			return false;
	}
	return s->n > 0;
}

size_t pmu_count(const struct pmu_set *s)
{
	return s->n;
}

static int ioctl_all(struct pmu_set *s, unsigned long req)
{
	for (size_t i = 0; i < s->n; i++) {
		if (ioctl(s->ev[i].fd, req, 0))
			return -errno;
	}
	return 0;
}

int pmu_enable(struct pmu_set *s)
{
	return ioctl_all(s, PERF_EVENT_IOC_ENABLE);
}

int pmu_disable(struct pmu_set *s)
{
	return ioctl_all(s, PERF_EVENT_IOC_DISABLE);
}

int pmu_reset(struct pmu_set *s)
{
	return ioctl_all(s, PERF_EVENT_IOC_RESET);
}

int pmu_read(struct pmu_set *s, struct pmu_value *vals, size_t n)
{
	size_t i;

	for (i = 0; i < s->n && i < n; i++) {
		uint64_t buf[3];
		ssize_t r;

		do {
			r = read(s->ev[i].fd, buf, sizeof(buf));
		} while (r < 0 && errno == EINTR);
		if (r < 0)
			return -errno;
		if (r != (ssize_t)sizeof(buf))
			return -EIO;
		vals[i].name = s->ev[i].name;
		vals[i].raw = buf[0];
		vals[i].time_enabled = buf[1];
		vals[i].time_running = buf[2];
		vals[i].scaled = buf[2] ? (double)buf[0] * ((double)buf[1] / (double)buf[2]) : 0.0;
		vals[i].multiplexed =
			buf[1] ? 100.0 * (double)(buf[1] - buf[2]) / (double)buf[1] : 0.0;
	}
	return (int)i;
}
