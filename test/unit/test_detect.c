/*-------------------------------------------------------------------------
 *
 * test_detect.c
 *	  Unit tests of the outlier-detection layer (ae_detect.c): every score
 *	  method and the per-feature errors against values computed by hand
 *	  on small models whose every number is chosen here.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_detect.h"
#include "ae_nn_int.h"
#include "ae_pca.h"
#include "ae_stats.h"
#include "ae_test.h"

#include <string.h>

/*
 * A 2-feature PCA model: mean (1, 1), scale (1, 2), components
 * (1, 1)/sqrt 2 and (1, -1)/sqrt 2 with eigenvalues l1, l2; k kept.
 */
static AeModel *
hand_pca(int k, double l1, double l2)
{
	AeError		err = {0};
	AeModel    *m = ae_model_new(AE_KIND_PCA, 2, k, &err);
	double		r = 1 / sqrt(2.0);

	m->mean[0] = 1;
	m->mean[1] = 1;
	m->scale[0] = 1;
	m->scale[1] = 2;
	m->n_eigenvalues = 2;
	m->eigenvalues = malloc(2 * sizeof(double));
	m->eigenvalues[0] = l1;
	m->eigenvalues[1] = l2;
	m->n_vectors = 2;
	m->vectors = malloc(4 * sizeof(double));
	m->vectors[0] = r;
	m->vectors[1] = r;
	m->vectors[2] = r;
	m->vectors[3] = -r;
	AE_CHECK(ae_model_finish(m, &err) == AE_OK, "%s", err.msg);
	return m;
}

/*
 * x = (3, 3) scales to z = (2, 1); projections p1 = 3/sqrt 2, p2 = 1/sqrt 2.
 * One kept component reconstructs z as (1.5, 1.5): errors (0.25, 0.25),
 * mean 0.25.  T^2 = p1^2 / 4 = 1.125; full adds p2^2 / 1 = 0.5: 1.625.
 */
static void
test_pca_methods_by_hand(void)
{
	AeModel    *m = hand_pca(1, 4, 1);
	double		x[2] = {3, 3};
	double		fe[2];

	AE_CHECK_CLOSE(ae_score_method_find("reconstruction")->score(m, x), 0.25, 1e-12);
	AE_CHECK_CLOSE(ae_score_method_find("mahalanobis")->score(m, x), 1.125, 1e-12);
	AE_CHECK_CLOSE(ae_score_method_find("full")->score(m, x), 1.625, 1e-12);
	ae_model_feature_errors(m, x, fe);
	AE_CHECK_CLOSE(fe[0], 0.25, 1e-12);
	AE_CHECK_CLOSE(fe[1], 0.25, 1e-12);
	/* the mean of the feature errors is the reconstruction score */
	AE_CHECK_CLOSE((fe[0] + fe[1]) / 2, ae_model_score(m, x), 1e-15);

	/* x = (1, 5): z = (0, 2), p1 = sqrt 2, p2 = -sqrt 2 */
	x[0] = 1;
	x[1] = 5;
	AE_CHECK_CLOSE(ae_score_mahalanobis(m, x), 0.5, 1e-12);
	AE_CHECK_CLOSE(ae_score_full(m, x), 2.5, 1e-12);
	/* reconstruction (1, 1): errors 1 and 1 */
	ae_model_feature_errors(m, x, fe);
	AE_CHECK_CLOSE(fe[0], 1.0, 1e-12);
	AE_CHECK_CLOSE(fe[1], 1.0, 1e-12);
	AE_CHECK_CLOSE(ae_score_reconstruction(m, x), 1.0, 1e-12);
	ae_model_free(m);

	/* both components kept: no reconstruction error, T^2 = full */
	m = hand_pca(2, 4, 1);
	AE_CHECK_CLOSE(ae_score_reconstruction(m, x), 0.0, 1e-12);
	AE_CHECK_CLOSE(ae_score_mahalanobis(m, x), 2.5, 1e-12);
	AE_CHECK_CLOSE(ae_score_full(m, x), 2.5, 1e-12);
	ae_model_free(m);
}

/* A direction without variance carries no weight (finite scores). */
static void
test_null_direction_ignored(void)
{
	AeModel    *m = hand_pca(1, 4, 0);
	double		x[2] = {3, 3};

	AE_CHECK_CLOSE(ae_score_full(m, x), 1.125, 1e-12);
	AE_CHECK_CLOSE(ae_score_mahalanobis(m, x), 1.125, 1e-12);
	AE_CHECK(isfinite(ae_score_full(m, x)), "finite");
	ae_model_free(m);
}

/* Which methods apply to which model; unknown names are not found. */
static void
test_method_table(void)
{
	AeModel    *pca = hand_pca(1, 4, 1);
	AeNetConfig cfg;
	AeError		err = {0};
	AeModel    *ae = ae_model_new(AE_KIND_AUTOENCODER, 2, 1, &err);
	char		buf[128];

	ae_net_config_defaults(&cfg);
	cfg.n_inputs = 2;
	cfg.n_hidden = 1;
	cfg.hidden[0] = 1;
	ae->net = ae_net_create(&cfg, &err);
	AE_CHECK(ae->net != NULL, "%s", err.msg);
	AE_CHECK(ae_model_finish(ae, &err) == AE_OK, "%s", err.msg);

	AE_CHECK(ae_score_method_find("nonsense") == NULL, "unknown method found");
	AE_CHECK(ae_score_method_find("Reconstruction") == NULL, "names are case-sensitive");
	AE_CHECK(ae_score_method_find("reconstruction")->applies(ae), "ae reconstruction");
	AE_CHECK(!ae_score_method_find("mahalanobis")->applies(ae), "ae mahalanobis");
	AE_CHECK(!ae_score_method_find("full")->applies(ae), "ae full");
	AE_CHECK(ae_score_method_find("full")->applies(pca), "pca full");
	ae_score_method_list(pca, buf, sizeof(buf));
	AE_CHECK(strcmp(buf, "\"reconstruction\", \"mahalanobis\", \"full\"") == 0, "%s", buf);
	ae_score_method_list(ae, buf, sizeof(buf));
	AE_CHECK(strcmp(buf, "\"reconstruction\"") == 0, "%s", buf);
	/* a model that keeps only some eigenvectors cannot score "full" */
	pca->n_vectors = 1;
	AE_CHECK(!ae_score_method_find("full")->applies(pca), "full without every eigenvector");
	pca->n_vectors = 2;
	ae_model_free(pca);
	ae_model_free(ae);
}

/*
 * An autoencoder with a linear 1-unit code: encoder w = (1, 0), decoder
 * (1, 0)^T, zero biases, so it reconstructs z as (z1, 0).  With identity
 * scaling x = (3, 4) has feature errors (0, 16) and score 8.
 */
static void
test_autoencoder_by_hand(void)
{
	AeNetConfig cfg;
	AeError		err = {0};
	AeModel    *m = ae_model_new(AE_KIND_AUTOENCODER, 2, 1, &err);
	double		x[2] = {3, 4};
	double		fe[2];

	ae_net_config_defaults(&cfg);
	cfg.n_inputs = 2;
	cfg.n_hidden = 1;
	cfg.hidden[0] = 1;
	cfg.activation = AE_ACT_LINEAR;
	cfg.output_activation = AE_ACT_LINEAR;
	m->net = ae_net_create(&cfg, &err);
	AE_CHECK(m->net != NULL, "%s", err.msg);
	memset(m->net->params, 0, m->net->n_params * sizeof(ae_real));
	m->net->params[m->net->layers[0].w_off + 0] = 1;	/* encoder 1 x 2 */
	m->net->params[m->net->layers[1].w_off + 0] = 1;	/* decoder 2 x 1 */
	AE_CHECK(ae_model_finish(m, &err) == AE_OK, "%s", err.msg);

	ae_model_feature_errors(m, x, fe);
	AE_CHECK_CLOSE(fe[0], 0.0, 1e-6);
	AE_CHECK_CLOSE(fe[1], 16.0, 1e-6);
	AE_CHECK_CLOSE(ae_score_method_find("reconstruction")->score(m, x), 8.0, 1e-6);
	ae_model_free(m);
}

/* Percentiles and quantile values interpolate between stored quantiles. */
static void
test_quantiles_by_hand(void)
{
	double		q[5] = {0, 1, 1, 3, 7};
	AeScoreQuantiles qs = {"reconstruction", 5, q};

	/* q[i] is the quantile of i / 4 */
	AE_CHECK_CLOSE(ae_quantiles_percentile(&qs, -1), 0.0, 1e-15);
	AE_CHECK_CLOSE(ae_quantiles_percentile(&qs, 0), 0.0, 1e-15);
	AE_CHECK_CLOSE(ae_quantiles_percentile(&qs, 0.5), 0.125, 1e-15);
	/* a tie: the share strictly below 1 is 1/4 */
	AE_CHECK_CLOSE(ae_quantiles_percentile(&qs, 1), 0.25, 1e-15);
	AE_CHECK_CLOSE(ae_quantiles_percentile(&qs, 2), 0.625, 1e-15);
	AE_CHECK_CLOSE(ae_quantiles_percentile(&qs, 5), 0.875, 1e-15);
	AE_CHECK_CLOSE(ae_quantiles_percentile(&qs, 7), 1.0, 1e-15);
	AE_CHECK_CLOSE(ae_quantiles_percentile(&qs, 100), 1.0, 1e-15);
	AE_CHECK_CLOSE(ae_quantiles_value(&qs, 0), 0.0, 1e-15);
	AE_CHECK_CLOSE(ae_quantiles_value(&qs, 0.9), 5.4, 1e-12);
	AE_CHECK_CLOSE(ae_quantiles_value(&qs, 0.625), 2.0, 1e-12);
	AE_CHECK_CLOSE(ae_quantiles_value(&qs, 1), 7.0, 1e-15);
}

/*
 * Calibration stores every score when rows are few, and 1001 evenly
 * spaced quantiles of them otherwise; the model round-trips through its
 * format, and damaged detection sections are refused.
 */
static void
test_calibrate_and_roundtrip(void)
{
	AeModel    *m = hand_pca(1, 4, 1);
	int			n = 3000;
	double	   *rows = malloc(sizeof(double) * 2 * n);
	AeError		err = {0};
	const AeScoreQuantiles *qs;
	uint8_t    *bytes;
	size_t		len;
	AeModel    *r;

	/* rows (1 + i, 1): z = (i, 0), reconstruction error (i/2)^2 each feature */
	for (int i = 0; i < n; i++)
	{
		rows[2 * i] = 1 + (n - 1 - i);	/* unsorted order */
		rows[2 * i + 1] = 1;
	}
	AE_CHECK(ae_model_calibrate_doubles(m, rows + 2 * (n - 3), 3, "full", 0.2, &err) == AE_OK,
			 "%s", err.msg);
	qs = ae_model_quantiles(m, "reconstruction");
	AE_CHECK(qs && qs->n == 3, "3 rows, 3 quantiles");
	/* the last 3 rows: i = 2, 1, 0 -> scores 1, 0.25, 0 */
	AE_CHECK(qs && qs->q[0] == 0 && qs->q[1] == 0.25 && qs->q[2] == 1, "sorted scores");
	AE_CHECK(ae_model_default_method(m) == ae_score_method_find("full"), "default");

	AE_CHECK(ae_model_calibrate_doubles(m, rows, n, NULL, 0.1, &err) == AE_OK, "%s", err.msg);
	qs = ae_model_quantiles(m, "reconstruction");
	AE_CHECK(qs && qs->n == AE_MAX_QUANTILES, "capped at %d", AE_MAX_QUANTILES);
	/* the quantile of 0.5 sits between i = 1499 and 1500 */
	AE_CHECK_CLOSE(ae_quantiles_value(qs, 0.5), (1499.5 * 1499.5 + 0.25) / 4, 1e-9);
	AE_CHECK(ae_model_quantiles(m, "mahalanobis") && ae_model_quantiles(m, "full"), "every method");
	AE_CHECK(ae_model_default_method(m) == ae_score_method_find("reconstruction"), "default");
	AE_CHECK(ae_model_calibrate_doubles(m, rows, 1, NULL, 0.1, &err) == AE_EINVAL, "1 row");
	AE_CHECK(ae_model_calibrate_doubles(m, rows, 10, NULL, 0.6, &err) == AE_EINVAL, "contamination");
	AE_CHECK(ae_model_calibrate_doubles(m, rows, n, NULL, 0.1, &err) == AE_OK, "%s", err.msg);

	AE_CHECK(ae_model_serialize(m, &bytes, &len, &err) == AE_OK, "%s", err.msg);
	r = ae_model_deserialize(bytes, len, &err);
	AE_CHECK(r != NULL, "%s", err.msg);
	if (r)
	{
		const AeScoreQuantiles *a = ae_model_quantiles(m, "full");
		const AeScoreQuantiles *b = ae_model_quantiles(r, "full");

		AE_CHECK(r->has_detect && r->contamination == 0.1 && r->calib_rows == n &&
				 strcmp(r->default_method, "reconstruction") == 0 && r->n_score_sets == 3,
				 "detection fields");
		AE_CHECK(b && b->n == a->n && memcmp(a->q, b->q, sizeof(double) * a->n) == 0,
				 "quantiles round-trip");
		ae_model_free(r);
	}
	ae_free(bytes);

	/* damaged: descending quantiles, unknown method, bad contamination */
	{
		AeScoreQuantiles *q = &m->score_sets[0];
		double		keep = q->q[0];

		q->q[0] = q->q[q->n - 1] + 1;
		AE_CHECK(ae_model_serialize(m, &bytes, &len, &err) == AE_OK, "%s", err.msg);
		r = ae_model_deserialize(bytes, len, &err);
		AE_CHECK(r == NULL && err.status == AE_ECORRUPT, "descending quantiles accepted");
		ae_model_free(r);
		ae_free(bytes);
		q->q[0] = keep;

		strcpy(q->method, "nonsense");
		AE_CHECK(ae_model_serialize(m, &bytes, &len, &err) == AE_OK, "%s", err.msg);
		r = ae_model_deserialize(bytes, len, &err);
		AE_CHECK(r == NULL && err.status == AE_ECORRUPT, "unknown method accepted");
		ae_model_free(r);
		ae_free(bytes);
		strcpy(q->method, "reconstruction");

		m->contamination = 0.7;
		AE_CHECK(ae_model_serialize(m, &bytes, &len, &err) == AE_OK, "%s", err.msg);
		r = ae_model_deserialize(bytes, len, &err);
		AE_CHECK(r == NULL && err.status == AE_ECORRUPT, "contamination 0.7 accepted");
		ae_model_free(r);
		ae_free(bytes);
	}
	free(rows);
	ae_model_free(m);
}

/*
 * The MCD estimate keeps the 6 (= 0.75 * 8) rows that form the cloud and
 * drops the 2 far rows: its location and scatter are the cloud's own, and
 * the robust score is the Mahalanobis distance under them, checked with an
 * explicit 2 x 2 inverse.
 */
static void
test_robust_fit_by_hand(void)
{
	double		rows[16] = {0, 0, 1, 0, 0, 1, 1, 1, 2, 1, 1, 2,	/* cloud */
	20, -20, 25, -22};			/* two outliers */
	double		cnt = 0,
				mean[2] = {0},
				m2[4] = {0},
				work[64];
	AePcaOptions o;
	AeError		err = {0};
	AeModel    *m;
	double		mu[2] = {0},
				c[3] = {0},
				z[2],
				det,
				x[2] = {3, -1},
				direct;

	ae_moments_add_batch(2, &cnt, mean, m2, rows, 8, work);
	ae_pca_options_defaults(&o);
	o.components = 1;
	m = ae_pca_fit(2, cnt, mean, m2, &o, &err);
	AE_CHECK(m != NULL, "%s", err.msg);
	if (!m)
		return;
	AE_CHECK(ae_pca_robust_fit(m, rows, 8, &err) == AE_OK, "%s", err.msg);
	AE_CHECK(m->has_robust && m->robust_kept == 6 && m->robust_rows == 8, "kept %lld",
			 (long long) m->robust_kept);

	/* the cloud's mean and covariance in the model's scaled space */
	for (int i = 0; i < 6; i++)
		for (int j = 0; j < 2; j++)
			mu[j] += (rows[2 * i + j] - m->mean[j]) / m->scale[j] / 6;
	for (int i = 0; i < 6; i++)
	{
		double		a = (rows[2 * i] - m->mean[0]) / m->scale[0] - mu[0];
		double		b = (rows[2 * i + 1] - m->mean[1]) / m->scale[1] - mu[1];

		c[0] += a * a / 5;
		c[1] += a * b / 5;
		c[2] += b * b / 5;
	}
	AE_CHECK_CLOSE(m->robust_location[0], mu[0], 1e-12);
	AE_CHECK_CLOSE(m->robust_location[1], mu[1], 1e-12);
	AE_CHECK_CLOSE(m->robust_eigenvalues[0] + m->robust_eigenvalues[1], c[0] + c[2], 1e-12);

	z[0] = (x[0] - m->mean[0]) / m->scale[0] - mu[0];
	z[1] = (x[1] - m->mean[1]) / m->scale[1] - mu[1];
	det = c[0] * c[2] - c[1] * c[1];
	direct = (c[2] * z[0] * z[0] - 2 * c[1] * z[0] * z[1] + c[0] * z[1] * z[1]) / det;
	AE_CHECK_CLOSE(ae_score_robust(m, x), direct, 1e-9);
	/* the outliers are far more unusual under the robust estimate */
	AE_CHECK(ae_score_robust(m, rows + 14) > 10 * ae_score_full(m, rows + 14),
			 "robust %g, full %g", ae_score_robust(m, rows + 14), ae_score_full(m, rows + 14));

	/* the estimate round-trips through the model format */
	{
		uint8_t    *bytes;
		size_t		len;
		AeModel    *r;

		AE_CHECK(ae_model_serialize(m, &bytes, &len, &err) == AE_OK, "%s", err.msg);
		r = ae_model_deserialize(bytes, len, &err);
		AE_CHECK(r && r->has_robust && ae_score_robust(r, x) == ae_score_robust(m, x),
				 "round trip: %s", err.msg);
		ae_model_free(r);
		ae_free(bytes);
	}
	ae_model_free(m);
}

AE_TEST_MAIN("detect",
			 AE_TEST(test_robust_fit_by_hand),
			 AE_TEST(test_quantiles_by_hand),
			 AE_TEST(test_calibrate_and_roundtrip),
			 AE_TEST(test_pca_methods_by_hand),
			 AE_TEST(test_null_direction_ignored),
			 AE_TEST(test_method_table),
			 AE_TEST(test_autoencoder_by_hand))
