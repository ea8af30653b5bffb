/*-------------------------------------------------------------------------
 *
 * ae_detect.h
 *	  Outlier detection on top of a model: the named score methods, each
 *	  feature's share of the reconstruction error, and the distribution
 *	  of the training rows' scores (quantiles) behind percentiles and
 *	  thresholds.
 *
 * Score methods are a table (ae_detect.c): a method names the model
 * kinds it scores and the function that scores one row.  A new method
 * (for example a variational model's ELBO) is one more entry.
 *
 *-------------------------------------------------------------------------
 */
#ifndef AE_DETECT_H
#define AE_DETECT_H

#include "ae_model.h"

/*
 * Training rows scored for the quantiles: a uniform sample of at most this
 * many.  The quantile of a share p estimated from n rows has a standard
 * error of sqrt(p (1 - p) / n) in share: 0.0016 at p = 0.99 for 4096
 * rows, about the grid step of AE_MAX_QUANTILES (0.001), so neither more
 * rows nor more quantiles would sharpen a percentile much.
 */
#define AE_CALIB_ROWS		4096
#define AE_DEFAULT_CONTAMINATION 0.1

typedef struct AeScoreMethod
{
	const char *name;
	/* true when this method can score model m */
	bool		(*applies) (const AeModel *m);
	/* score of one row x (original space, d values); larger is more unusual */
	double		(*score) (AeModel *m, const double *x);
	/* what the method computes, for error hints and documentation */
	const char *summary;
} AeScoreMethod;

/* The method called name, or NULL. */
extern const AeScoreMethod *ae_score_method_find(const char *name);
/* Methods in table order; NULL past the end. */
extern const AeScoreMethod *ae_score_method_at(int i);
/* "\"reconstruction\", \"mahalanobis\", \"full\"": the methods that apply to m. */
extern void ae_score_method_list(const AeModel *m, char *buf, size_t len);

/* Mean squared reconstruction error in the scaled space (the Q statistic / d). */
extern double ae_score_reconstruction(AeModel *m, const double *x);
/* Hotelling's T^2 over the kept components (PCA). */
extern double ae_score_mahalanobis(AeModel *m, const double *x);
/* Sum over every component of its squared projection / eigenvalue (PCA). */
extern double ae_score_full(AeModel *m, const double *x);

/*
 * Scores n rows (original space, row-major floats) by every method that
 * applies to m and stores min(n, AE_MAX_QUANTILES) quantiles of each,
 * with the default method and contamination: the model's DTCT section.
 * default_method NULL means "reconstruction".
 */
extern AeStatus ae_model_calibrate(AeModel *m, const float *rows, int64_t n,
								   const char *default_method,
								   double contamination, AeError *err);
/* The same for rows of doubles. */
extern AeStatus ae_model_calibrate_doubles(AeModel *m, const double *rows,
										   int64_t n, const char *default_method,
										   double contamination, AeError *err);
/* Records the default method and contamination (a DTCT section without quantiles). */
extern void ae_model_set_detection(AeModel *m, const char *default_method,
								   double contamination);
/* The stored quantiles of a method's training scores, or NULL. */
extern const AeScoreQuantiles *ae_model_quantiles(const AeModel *m,
												  const char *method);
/* Interpolated share of training scores below s, in [0, 1]. */
extern double ae_quantiles_percentile(const AeScoreQuantiles *qs, double s);
/* The interpolated quantile of share p in [0, 1]. */
extern double ae_quantiles_value(const AeScoreQuantiles *qs, double p);
/* The method a model scores with when none is named. */
extern const AeScoreMethod *ae_model_default_method(const AeModel *m);
/* Checks a read model's DTCT section against the method table. */
extern AeStatus ae_detect_validate(const AeModel *m, AeError *err);

/* ---- robust location and scatter (ae_robust.c) ---- */
#define AE_ROBUST_KEEP		0.75	/* share of rows the MCD estimate keeps */
#define AE_ROBUST_MAX_FEATURES 256	/* pca_train fits it up to this many features */
/* MCD estimate from n rows (original space) of a PCA model with every eigenvector. */
extern AeStatus ae_pca_robust_fit(AeModel *m, const double *rows, int64_t n,
								  AeError *err);
/* Squared Mahalanobis distance under the robust estimate. */
extern double ae_score_robust(AeModel *m, const double *x);

/* Each feature's squared reconstruction error in the scaled space (d values). */
extern void ae_model_feature_errors(AeModel *m, const double *x, double *out);

#endif							/* AE_DETECT_H */
