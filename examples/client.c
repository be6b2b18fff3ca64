/* SPDX-License-Identifier: MIT */
/*
 * A C application using libtasklet: submit JSLite Tasklets through a trader
 * and print their results.
 *
 *   build/examples/client --trader ADDR:PORT FILE.jsl...
 *
 * Built by `make` against build/libtasklet.a and build/include/tasklet.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tasklet.h>

int main(int argc, char **argv)
{
	struct tl_options o = { 0 };
	struct tl_client *c;
	uint64_t ids[64];
	char err[512];
	int first = 1, n = 0, failed = 0;

	if (argc > 2 && !strcmp(argv[1], "--trader")) {
		o.trader = argv[2];
		first = 3;
	}
	if (!o.trader || first >= argc || argc - first > 64) {
		fprintf(stderr, "usage: %s --trader ADDR:PORT FILE.jsl... (at most 64)\n", argv[0]);
		return 2;
	}
	c = tl_client_new(&o, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "client: %s\n", err);
		return 2;
	}
	for (int i = first; i < argc; i++, n++) {
		if (tl_submit_file(c, argv[i], &ids[n], err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			tl_client_free(c);
			return 2;
		}
	}
	for (int i = 0; i < n; i++) {
		struct tl_result r;

		if (tl_wait(c, ids[i], &r, 30000) < 0) {
			fprintf(stderr, "client: %s: no result\n", argv[first + i]);
			failed++;
			continue;
		}
		printf("%s: %s on %s, result %s\n", argv[first + i], tl_status_name(r.status),
		       r.container, r.status == TL_OK ? r.value : r.error);
		failed += r.status != TL_OK;
		tl_result_free(&r);
	}
	tl_client_free(c);
	return failed ? 1 : 0;
}
