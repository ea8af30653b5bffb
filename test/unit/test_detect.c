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

AE_TEST_MAIN("detect",
			 AE_TEST(test_pca_methods_by_hand),
			 AE_TEST(test_null_direction_ignored),
			 AE_TEST(test_method_table),
			 AE_TEST(test_autoencoder_by_hand))
