/* SPDX-License-Identifier: MIT */
/*
 * Description: nothing is lost under churn: three applications submit at
 * once while a container is killed and another joins; every Tasklet ends in
 * a result or an error its application prints.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/proc.h"
#include "tests/tl_test.h"

#define NAPPS   3
#define PER_APP 60

static char dir[128];

static int setup(void)
{
	return tp_tmpdir(dir, sizeof(dir));
}

static int teardown(void)
{
	tp_rmdir(dir);
	return 0;
}

static int count(const char *path, const char *pat)
{
	FILE *f = fopen(path, "re");
	char line[4096];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, pat) != NULL;
	fclose(f);
	return n;
}

static void test_churn_nothing_lost(void)
{
	char *targv[] = { (char *)tl_test_bin(), "trader", "--listen", "127.0.0.1:0", NULL };
	struct tp_proc tr, k[4], apps[NAPPS];
	char prog[256], cmd[1024];
	int ok = 0, failed = 0;

	CU_ASSERT_FATAL(tp_write_file(dir, "work.jsl",
				      "let i = 0; let s = 0;\n"
				      "while (i < 200000) { s = s + i % 3; i = i + 1; }\n"
				      "s;\n",
				      prog, sizeof(prog)) == 0);
	CU_ASSERT_FATAL(tp_start(&tr, dir, "trader", NULL, targv) == 0);
	CU_ASSERT_FATAL(tp_first_line(&tr, 15000) == 0);
	for (int i = 0; i < 3; i++) {
		char name[8];
		char *cargv[] = { (char *)tl_test_bin(), "container", "--trader", tr.line, "--name",
				  name, "--workers", "2", NULL };

		snprintf(name, sizeof(name), "k%d", i + 1);
		CU_ASSERT_FATAL(tp_start(&k[i], dir, name, NULL, cargv) == 0);
	}
	CU_ASSERT_FATAL(tp_wait_log(&tr, "container k1 registered", 5000) == 0);
	CU_ASSERT_FATAL(tp_wait_log(&tr, "container k2 registered", 5000) == 0);
	CU_ASSERT_FATAL(tp_wait_log(&tr, "container k3 registered", 5000) == 0);

	for (int a = 0; a < NAPPS; a++) {
		char name[16];
		char *sargv[] = { "/bin/sh", "-c", cmd, NULL };

		snprintf(name, sizeof(name), "app%d", a);
		snprintf(cmd, sizeof(cmd), "exec '%s' run --trader %s --repeat %d --timeout 30 %s >%s/%s.out",
			 tl_test_bin(), tr.line, PER_APP, prog, dir, name);
		CU_ASSERT_FATAL(tp_start(&apps[a], dir, name, NULL, sargv) == 0);
	}
	/* Churn while they run: one container dies hard, a new one joins. */
	usleep(150000);
	tp_stop(&k[1], SIGKILL, 1000);
	{
		char *cargv[] = { (char *)tl_test_bin(), "container", "--trader", tr.line, "--name",
				  "k4", NULL };

		CU_ASSERT_FATAL(tp_start(&k[3], dir, "k4", NULL, cargv) == 0);
	}
	for (int a = 0; a < NAPPS; a++) {
		char out[256];
		int st = tp_stop(&apps[a], 0, 60000); /* signal 0: just wait for it */
		int o, e;

		CU_ASSERT_TRUE(WIFEXITED(st));
		snprintf(out, sizeof(out), "%s/app%d.out", dir, a);
		o = count(out, ": ok on ");
		e = count(apps[a].log, "tasklet: ");
		/* Each of its Tasklets is accounted for exactly once: a result or an error. */
		CU_ASSERT_EQUAL(o + e, PER_APP);
		CU_ASSERT_EQUAL(count(apps[a].log, "no result within"), 0);
		ok += o;
		failed += e;
	}
	printf("(%d results, %d errors) ", ok, failed);
	/* Errors only where a container was killed with work in hand. */
	CU_ASSERT_TRUE(ok >= NAPPS * PER_APP / 2);
	if (failed)
		CU_ASSERT_TRUE(count(tr.log, "reported lost to their applications") > 0);
	CU_ASSERT_TRUE(tp_alive(&tr) && tp_alive(&k[0]) && tp_alive(&k[2]));
	for (int i = 0; i < 4; i++)
		tp_stop(&k[i], SIGTERM, 3000);
	tp_stop(&tr, SIGTERM, 3000);
}

TL_SUITE(x_churn, setup, teardown,
	 { "3 applications, a container killed, one joining: nothing lost", test_churn_nothing_lost })
