/*-------------------------------------------------------------------------
 *
 * bench_train.c
 *	  Trains one autoencoder with the engine on a CSV file and prints
 *	  throughput and losses as one line of key=value pairs; driven by
 *	  bench_train.py, which runs the same training in PyTorch.
 *
 * usage: bench_train CSV [options]
 *	 --hidden 48,16  --epochs 50  --batch 64  --lr 0 (optimiser default)
 *	 --activation relu  --optimizer adam  --seed 42  --tied 0
 *	 --drop-last 1 (drop the last column, e.g. a label)
 *	 --simd auto|baseline (the engine's elementwise kernels: the widest
 *	   level the CPU supports, or the x86-64 baseline)
 *	 --input-shape 28,28,1 --conv 16:3:2,8:3:2 (a convolutional network:
 *	   filters:kernel:pool per block; --hidden none for no dense layers)
 *	 --output linear|sigmoid  --scale standard|max (max: divide every value
 *	   by the largest, so pixels lie in [0, 1])
 * or: bench_train --sgemm-peak (one large sgemm's GFLOP/s)
 *
 * The data is standardised ((x - mean) / std, population std, constant
 * columns keep scale 1), as the extension's default scaling does; the
 * trainer applies it to the raw rows.  Only the training loop is timed.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>

#include "ae_kernels.h"
#include "ae_nn.h"

/* Read a numeric CSV with a header row; returns rows, sets *cols. */
static float *
read_csv(const char *path, int drop_last, int64_t *rows_out, int *cols_out)
{
	FILE	   *f = fopen(path, "r");
	char	   *line = NULL;
	size_t		cap = 0;
	ssize_t		len;
	int			cols = 0;
	int64_t		rows = 0,
				rcap = 1024;
	float	   *data;

	if (!f)
	{
		perror(path);
		exit(1);
	}
	if ((len = getline(&line, &cap, f)) <= 0)
	{
		fprintf(stderr, "empty file\n");
		exit(1);
	}
	cols = 1;
	for (ssize_t i = 0; i < len; i++)
		if (line[i] == ',')
			cols++;
	if (drop_last)
		cols--;
	data = malloc(sizeof(float) * rcap * cols);
	while ((len = getline(&line, &cap, f)) > 0)
	{
		char	   *p = line;

		if (len <= 1)
			continue;
		if (rows == rcap)
		{
			rcap *= 2;
			data = realloc(data, sizeof(float) * rcap * cols);
		}
		for (int j = 0; j < cols; j++)
		{
			data[rows * cols + j] = strtof(p, &p);
			if (*p == ',')
				p++;
		}
		rows++;
	}
	free(line);
	fclose(f);
	*rows_out = rows;
	*cols_out = cols;
	return data;
}

/*
 * Print the GFLOP/s of one large single-precision matrix product through
 * the same OpenBLAS the engine uses (best of five 1024^3 products): the
 * peak that the training matrix's GFLOP/s are compared with.
 */
static int
sgemm_peak(void)
{
	const int	n = 1024;
	float	   *a = malloc(sizeof(float) * n * n),
			   *b = malloc(sizeof(float) * n * n),
			   *c = malloc(sizeof(float) * n * n);
	double		best = 0;

	for (int i = 0; i < n * n; i++)
	{
		a[i] = (float) ((i % 17) - 8) / 8;
		b[i] = (float) ((i % 13) - 6) / 6;
	}
	for (int r = 0; r < 5; r++)
	{
		struct timespec t0,
					t1;
		double		secs;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n,
					b, n, 0, c, n);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
		if (2.0 * n * n * n / secs > best)
			best = 2.0 * n * n * n / secs;
	}
	printf("sgemm_gflops=%.2f\n", best / 1e9);
	free(a);
	free(b);
	free(c);
	return 0;
}

/* Name to enum, or exit. */
static int
lookup(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	fprintf(stderr, "unknown value %s\n", s);
	exit(1);
}

int
main(int argc, char **argv)
{
	static const char *const acts[] = {"linear", "relu", "sigmoid", "tanh", "elu", "leaky_relu"};
	static const char *const opts[] = {"adam", "sgd", "momentum", "rmsprop", "adadelta"};
	AeNetConfig nc;
	AeTrainConfig tc;
	AeError		err;
	const char *hidden = "48,16";
	const char *shape = NULL,
			   *conv = NULL;
	bool		scale_max = false;
	int			drop_last = 1;
	int64_t		n;
	int			d;
	float	   *x;
	double	   *mean,
			   *scale;
	AeTrainer  *t;
	AeMatrixSource ms;
	AeDataSource src;
	bool		done = false;
	AeHistoryRow row;
	struct timespec t0,
				t1;
	double		secs,
				mse = 0;
	int			epochs_run = 0;
	AeNet	   *net;
	float	   *xs,
			   *out;

	if (argc >= 2 && strcmp(argv[1], "--sgemm-peak") == 0)
		return sgemm_peak();
	if (argc < 2)
	{
		fprintf(stderr, "usage: %s CSV [--hidden 48,16] [--epochs N] ...\n", argv[0]);
		return 1;
	}
	ae_net_config_defaults(&nc);
	ae_train_config_defaults(&tc);
	for (int i = 2; i + 1 < argc; i += 2)
	{
		const char *k = argv[i],
				   *v = argv[i + 1];

		if (strcmp(k, "--hidden") == 0)
			hidden = v;
		else if (strcmp(k, "--epochs") == 0)
			tc.epochs = atoi(v);
		else if (strcmp(k, "--batch") == 0)
			tc.batch_size = atoi(v);
		else if (strcmp(k, "--lr") == 0)
			tc.learning_rate = atof(v);
		else if (strcmp(k, "--activation") == 0)
			nc.activation = (AeActivation) lookup(v, acts, 6);
		else if (strcmp(k, "--optimizer") == 0)
			tc.optimizer = (AeOptimizer) lookup(v, opts, 5);
		else if (strcmp(k, "--seed") == 0)
			tc.seed = strtoull(v, NULL, 10);
		else if (strcmp(k, "--tied") == 0)
			nc.tied_weights = atoi(v) != 0;
		else if (strcmp(k, "--l2") == 0)
			tc.l2 = atof(v);
		else if (strcmp(k, "--input-shape") == 0)
			shape = v;
		else if (strcmp(k, "--conv") == 0)
			conv = v;
		else if (strcmp(k, "--output") == 0)
			nc.output_activation = (AeActivation) lookup(v, acts, 6);
		else if (strcmp(k, "--scale") == 0)
			scale_max = strcmp(v, "max") == 0;
		else if (strcmp(k, "--drop-last") == 0)
			drop_last = atoi(v);
		else if (strcmp(k, "--simd") == 0)
			ae_simd_set_level(strcmp(v, "baseline") == 0 ?
							  AE_SIMD_BASELINE : ae_simd_detect());
		else
		{
			fprintf(stderr, "unknown option %s\n", k);
			return 1;
		}
	}
	nc.n_hidden = 0;
	for (const char *p = strcmp(hidden, "none") == 0 ? "" : hidden; *p;)
	{
		char	   *e;

		nc.hidden[nc.n_hidden++] = (int) strtol(p, &e, 10);
		p = (*e == ',') ? e + 1 : e;
	}

	if (shape && conv)
	{
		AeConvConfig *c = &nc.conv;

		if (sscanf(shape, "%d,%d,%d", &c->height, &c->width, &c->channels) != 3)
			return fprintf(stderr, "bad --input-shape %s\n", shape), 1;
		for (const char *p = conv; *p && c->n_blocks < AE_MAX_CONV_BLOCKS;)
		{
			int			used = 0;
			int			b = c->n_blocks++;

			if (sscanf(p, "%d:%d:%d%n", &c->filters[b], &c->kernel[b],
					   &c->pool[b], &used) != 3)
				return fprintf(stderr, "bad --conv %s\n", conv), 1;
			p += used;
			if (*p == ',')
				p++;
		}
	}
	x = read_csv(argv[1], drop_last, &n, &d);
	nc.n_inputs = d;
	mean = calloc(d, sizeof(double));
	scale = calloc(d, sizeof(double));
	for (int j = 0; j < d; j++)
	{
		double		s = 0,
					ss = 0;

		for (int64_t i = 0; i < n; i++)
			s += x[i * d + j];
		mean[j] = s / n;
		for (int64_t i = 0; i < n; i++)
			ss += (x[i * d + j] - mean[j]) * (x[i * d + j] - mean[j]);
		scale[j] = sqrt(ss / n);
		if (scale[j] < 1e-12)
			scale[j] = 1;
	}
	if (scale_max)
	{
		float		top = 0;

		for (int64_t i = 0; i < n * d; i++)
			if (x[i] > top)
				top = x[i];
		for (int j = 0; j < d; j++)
		{
			mean[j] = 0;
			scale[j] = top > 0 ? top : 1;
		}
	}

	t = ae_trainer_create(&nc, &tc, mean, scale, &err);
	if (!t)
	{
		fprintf(stderr, "trainer: %s\n", err.msg);
		return 1;
	}
	src = ae_matrix_source(&ms, x, n, d);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!done)
	{
		if (ae_trainer_step(t, &src, &row, &done, &err) != AE_OK)
		{
			fprintf(stderr, "step: %s\n", err.msg);
			return 1;
		}
		epochs_run++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
	net = ae_trainer_take_net(t);

	/* in-sample reconstruction mse in the standardised space */
	xs = malloc(sizeof(float) * n * d);
	out = malloc(sizeof(float) * n * d);
	for (int64_t i = 0; i < n; i++)
		for (int j = 0; j < d; j++)
			xs[i * d + j] = (float) ((x[i * d + j] - mean[j]) / scale[j]);
	if (ae_net_forward_batch(net, xs, n, NULL, out, &err) != AE_OK)
	{
		fprintf(stderr, "forward: %s\n", err.msg);
		return 1;
	}
	for (int64_t i = 0; i < n * d; i++)
		mse += ((double) out[i] - xs[i]) * ((double) out[i] - xs[i]);
	mse /= (double) n * d;

	printf("rows=%lld features=%d epochs=%d seconds=%.6f samples_per_sec=%.1f "
		   "final_loss=%.6f mse=%.6f params=%lld simd=%d\n",
		   (long long) n, d, epochs_run, secs, (double) n * epochs_run / secs,
		   row.loss, mse, (long long) ae_net_parameter_count(net),
		   (int) ae_simd_level());
	ae_net_free(net);
	ae_trainer_free(t);
	free(x);
	free(xs);
	free(out);
	free(mean);
	free(scale);
	return 0;
}
