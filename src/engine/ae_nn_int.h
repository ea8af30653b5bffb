/*-------------------------------------------------------------------------
 *
 * ae_nn_int.h
 *	  Internals of the neural engine shared by ae_nn.c (network, layers,
 *	  inference, format), ae_nn_loss.c (losses), ae_optim.c (optimisers)
 *	  and ae_train.c (the trainer), and used by the unit tests.
 *
 * The numerical core is written against ae_real, which is float for
 * production and double when compiled with -DAE_NN_DOUBLE (the unit tests
 * build a second binary that way so finite-difference gradient checks can
 * be tight).  The public API in ae_nn.h always speaks float; parameters are
 * always stored as float32 in the model format.
 *
 * Parameter layout: one flat vector.  All weight matrices come first (in
 * layer order, each owned matrix once), then all biases; so weight decay is
 * applied to params[0 .. n_weights) and never to biases.  A layer's matrix
 * is stored row-major as n_out x n_in (one row per unit, as PyTorch), except
 * a tied decoder layer, which reads its encoder twin's n_in x n_out matrix
 * transposed.
 *
 *-------------------------------------------------------------------------
 */
#ifndef AE_NN_INT_H
#define AE_NN_INT_H

#include <cblas.h>
#include <math.h>

#include "ae_nn.h"

#ifdef AE_NN_DOUBLE
typedef double ae_real;
#define AE_GEMM cblas_dgemm
#define AE_EXP exp
#define AE_LOG1P log1p
#define AE_SQRT sqrt
#define AE_TANH tanh
#define AE_EXPM1 expm1
#else
typedef float ae_real;
#define AE_GEMM cblas_sgemm
#define AE_EXP expf
#define AE_LOG1P log1pf
#define AE_SQRT sqrtf
#define AE_TANH tanhf
#define AE_EXPM1 expm1f
#endif

#define AE_NN_MAX_NET_LAYERS	(2 * AE_MAX_LAYERS)
#define AE_LEAKY_SLOPE			0.01

/*
 * NNET section-internal format versions: 1 for every network 0.1.0 could
 * write (still written for them, byte for byte), 2 for a variational one.
 */
#define AE_NNET_VERSION			2

typedef enum AeLayerKind
{
	AE_LAYER_DENSE = 0,
	AE_LAYER_CONV,				/* 'same' convolution, stride 1 (ae_conv.c) */
	AE_LAYER_POOL,				/* p x p max pooling */
	AE_LAYER_UPSAMPLE			/* p x p nearest-neighbour upsampling */
} AeLayerKind;

/*
 * One layer: dense, y = act(x W^T + b), or one of the image layers of
 * ae_conv.c, whose rows are h x w x c images, channels last.  A
 * convolution's matrix is c_out x (k * k * c_in), row-major, so each
 * filter is stored kernel x kernel x channels; its bias has c_out entries.
 * Pooling and upsampling have no parameters and a linear activation.
 */
typedef struct AeLayer
{
	AeLayerKind kind;
	int			h;				/* image layers: input height, width, */
	int			w;				/* channels in and out, kernel or pool */
	int			c_in;
	int			c_out;
	int			k;
	int			n_in;
	int			n_out;
	AeActivation act;
	bool		transposed;		/* weights stored n_in x n_out (tied twin) */
	bool		owns_weights;	/* false for a tied decoder layer */
	size_t		w_off;			/* offset of the weight matrix in params */
	size_t		b_off;			/* offset of the bias vector in params */
} AeLayer;

struct AeNet
{
	AeNetConfig cfg;
	int			n_layers;		/* 2 * cfg.n_hidden for a dense network */
	int			n_enc;			/* encoder layers: the code is act[n_enc] */
	AeLayer		layers[AE_NN_MAX_NET_LAYERS];
	AeLayer		head;			/* variational: log-variance head, parallel
								 * to the code layer (n_out 0 otherwise) */
	size_t		n_params;		/* weights + biases */
	size_t		n_weights;		/* params[0 .. n_weights) are weights */
	int			max_width;		/* widest layer (inputs included) */
	ae_real    *params;
	ae_real    *row_a;			/* single-row scratch, max_width each */
	ae_real    *row_b;
	size_t		col_per_row;	/* image layers: largest im2col of one row */
	ae_real    *row_col;		/* single-row im2col scratch (col_per_row) */
	int32_t    *row_idx;		/* single-row pooling argmax (max_width) */
};

/*
 * Mini-batch workspace: activations of every layer for up to "rows" rows,
 * the output layer's pre-activation (for losses computed from logits) and
 * two ping-pong delta buffers for back-propagation.
 */
typedef struct AeBatchWork
{
	int			rows;
	int			n_layers;
	const ae_real *act[AE_NN_MAX_NET_LAYERS + 1];	/* act[0]: the input */
	ae_real    *out[AE_NN_MAX_NET_LAYERS + 1];	/* owned act[1..L] */
	ae_real    *zout;			/* output pre-activation, rows x n_out */
	ae_real    *dcode;			/* penalty gradient at the code, rows x k */
	struct AeTangentWork *tangent;	/* deep contractive penalty, or NULL */
	/* variational networks only (ae_vae.c), rows x k each */
	ae_real    *logvar;
	ae_real    *z;
	ae_real    *dlogvar;
	ae_real    *delta_a;
	ae_real    *delta_b;
	/* image layers (ae_conv.c): im2col and its gradient, pooling argmax */
	size_t		col_floats;		/* size of col and dcol */
	ae_real    *col;
	ae_real    *dcol;
	int32_t    *argmax[AE_NN_MAX_NET_LAYERS];	/* pooling layer l: rows x n_out */
} AeBatchWork;

/* ---- small deterministic PRNG (xoshiro256**, seeded by splitmix64) ---- */
typedef struct AeRng
{
	uint64_t	s[4];
} AeRng;

/* One splitmix64 step: also a good 64-bit mixing hash. */
static inline uint64_t
ae_splitmix64(uint64_t *state)
{
	uint64_t	z = (*state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Seed the generator from a 64-bit seed. */
static inline void
ae_rng_seed(AeRng *rng, uint64_t seed)
{
	uint64_t	st = seed;

	for (int i = 0; i < 4; i++)
		rng->s[i] = ae_splitmix64(&st);
}

/* Next 64 random bits. */
static inline uint64_t
ae_rng_next(AeRng *rng)
{
	uint64_t   *s = rng->s;
	uint64_t	r = s[1] * 5;
	uint64_t	result = ((r << 7) | (r >> 57)) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return result;
}

/* Uniform double in [0, 1). */
static inline double
ae_rng_uniform(AeRng *rng)
{
	return (double) (ae_rng_next(rng) >> 11) * (1.0 / 9007199254740992.0);
}

/* Standard normal by the Box-Muller transform (one value per call). */
static inline double
ae_rng_normal(AeRng *rng)
{
	double		u = 1.0 - ae_rng_uniform(rng);	/* (0, 1]: never log(0) */
	double		v = ae_rng_uniform(rng);

	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* Uniform integer in [0, n), n > 0, without modulo bias. */
static inline uint64_t
ae_rng_below(AeRng *rng, uint64_t n)
{
	uint64_t	threshold = (0 - n) % n;	/* 2^64 mod n */
	uint64_t	r;

	do
		r = ae_rng_next(rng);
	while (r < threshold);
	return r % n;
}

/* ---- network core (ae_nn.c) ---- */
extern AeNet *ae_net_create(const AeNetConfig *cfg, AeError *err);
extern void ae_net_init_weights(AeNet *net, uint64_t seed);
extern AeStatus ae_work_init(AeBatchWork *w, const AeNet *net, int rows,
							 AeError *err);
extern void ae_work_free(AeBatchWork *w);
/* Forward layers first..last (inclusive) of n <= w->rows rows of x. */
extern void ae_nn_forward_range(const AeNet *net, AeBatchWork *w,
								const ae_real *x, int n, int first, int last);
extern void ae_nn_forward(const AeNet *net, AeBatchWork *w, const ae_real *x,
						  int n);
/*
 * Back-propagate dz (output pre-activation gradient, consumed) into grad.
 * dcode (n x code size, or NULL) is a gradient with respect to the code
 * layer's activations from penalties, added on the way through.
 */
extern void ae_nn_backward(const AeNet *net, AeBatchWork *w, int n,
						   ae_real *dz, const ae_real *dcode, ae_real *grad);
/*
 * Back-propagate layers hi down to lo from D (d/d pre-activation of layer
 * hi; w->delta_a or delta_b, consumed).  Returns the buffer holding
 * d/d(act[lo]) before the activation derivative of layer lo-1 (the other
 * delta buffer or D itself), or NULL when lo is 0.
 */
extern ae_real *ae_nn_backward_range(const AeNet *net, AeBatchWork *w, int n,
									 ae_real *D, int hi, int lo, ae_real *grad);
/* y = x W^T + b for n rows of one layer (no activation). */
extern void ae_layer_affine(const AeNet *net, const AeLayer *ly,
							const ae_real *x, int n, ae_real *y);
/* Apply an activation in place / multiply g by its derivative at output a. */
extern void ae_act_forward(AeActivation act, ae_real *z, size_t count);
extern void ae_act_backward(AeActivation act, const ae_real *a, ae_real *g,
							size_t count);

/* ---- image layers (ae_conv.c) ---- */
/* Largest im2col workspace of a convolution (floats), whatever the batch. */
#define AE_CONV_COL_CAP		((size_t) 1 << 22)
/* Checks conv against the rest of cfg; EINVAL naming the option. */
extern AeStatus ae_conv_config_check(const AeNetConfig *cfg, AeError *err);
/*
 * Layers of a checked convolutional configuration (kinds, shapes,
 * activations; offsets are the caller's).  Returns the layer count and
 * sets *n_enc to the encoder's.
 */
extern int	ae_conv_build_layers(const AeNetConfig *cfg, AeLayer *layers,
								 int *n_enc);
extern size_t ae_layer_weight_count(const AeLayer *ly);
/* Workspace bytes beyond dense layers (see ae_conv.c); widths L + 1. */
extern double ae_conv_work_bytes(const AeNetConfig *cfg, int64_t rows,
								 int *widths, int *n_layers);
extern size_t ae_layer_bias_count(const AeLayer *ly);
/* im2col floats of one row through a convolution (0 for other kinds). */
extern size_t ae_conv_col_per_row(const AeLayer *ly);
/* Forward n rows of an image layer; col holds col_floats floats. */
extern void ae_conv_layer_forward(const AeNet *net, const AeLayer *ly,
								  const ae_real *x, int n, ae_real *y,
								  ae_real *col, size_t col_floats,
								  int32_t *argmax);
/*
 * Backward through an image layer: D = d/d(pre-activation output), x its
 * input.  Sets the layer's gradients in grad (overwriting) and, when dx
 * is not NULL, dx = d/d(input).
 */
extern void ae_conv_layer_backward(const AeNet *net, const AeLayer *ly,
								   const ae_real *x, const ae_real *D, int n,
								   ae_real *grad, ae_real *dx,
								   ae_real *col, ae_real *dcol,
								   size_t col_floats, const int32_t *argmax);

/* ---- losses (ae_nn_loss.c) ---- */
/*
 * Mean loss over count = rows * features outputs.  z is the output layer's
 * pre-activation, a its activation (out_act), t the target.  If dz is not
 * NULL it receives d(loss)/d(z).
 */
extern double ae_loss_eval(AeLoss loss, AeActivation out_act,
						   const ae_real *z, const ae_real *a,
						   const ae_real *t, size_t count, ae_real *dz);
/*
 * Loss and full gradient of one mini-batch: forward x_in, compare with
 * target (x_in itself for a plain autoencoder, the clean rows for a
 * denoising one), add the code-layer penalties of var (NULL: none),
 * back-propagate into grad and add l2 * W to the weight part.  Returns the
 * data loss; *penalty (if not NULL) receives the penalties' value.  The
 * optimised objective is loss + penalty + l2/2 * |W|^2.
 */
extern double ae_nn_batch_grad(const AeNet *net, AeBatchWork *w,
							   const ae_real *x_in, const ae_real *target,
							   int n, AeLoss loss, double l2,
							   const AeVariantConfig *var, ae_real *grad,
							   double *penalty);

/* ---- the variational autoencoder (ae_vae.c) ---- */
typedef struct AeVaeTerms
{
	double		recon;			/* reconstruction, summed over features */
	double		kl;				/* KL to the prior, unweighted */
	double		penalty;		/* code penalties (l1_activity on mu) */
} AeVaeTerms;

/*
 * The conditional VAE's prior (ae_cvae.c): row i of a batch has the prior
 * N(means[cls[i]], I) instead of N(0, I).  grad (if not NULL) receives the
 * objective's gradient with respect to means (n_classes x k, overwritten).
 */
typedef struct AeVaePrior
{
	int			n_classes;
	const ae_real *means;		/* n_classes x k */
	const int32_t *cls;			/* class index of each row, 0 .. n_classes-1 */
	ae_real    *grad;			/* n_classes x k, or NULL */
} AeVaePrior;

/* Sampled forward pass: z = mu + exp(logvar/2) eps (eps NULL: z = mu). */
extern void ae_vae_forward(const AeNet *net, AeBatchWork *w, const ae_real *x,
						   int n, const ae_real *eps);
/*
 * recon + beta * KL averaged over n rows, with its gradient (plus l2 and
 * the penalties of var) into grad when grad is not NULL.  prior NULL: the
 * standard normal prior; else the per-row class priors (and their
 * gradient into prior->grad when grad is not NULL).
 */
extern double ae_vae_batch_grad(const AeNet *net, AeBatchWork *w,
								const ae_real *x, int n, AeLoss loss,
								double l2, double beta,
								const AeVariantConfig *var, const ae_real *eps,
								const AeVaePrior *prior,
								ae_real *grad, AeVaeTerms *terms);

/* ---- input corruption (ae_noise.c) ---- */
/* out = corrupted copy of count values of x (denoising; else a copy). */
extern void ae_noise_apply(const AeVariantConfig *v, AeRng *rng,
						   const ae_real *x, ae_real *out, size_t count);

/* ---- code-layer penalties (ae_penalty.c) ---- */
/* Does var ask for any penalty on the code layer? */
extern bool ae_penalty_active(const AeVariantConfig *var);
/*
 * Value of the penalties for n rows after ae_nn_forward (x is the input).
 * If dcode is not NULL it receives d(penalty)/d(code activations), n x k.
 */
extern double ae_penalty_eval(const AeNet *net, const AeVariantConfig *var,
							  const AeBatchWork *w, const ae_real *x, int n,
							  ae_real *dcode);
/*
 * Workspace of the contractive penalty of a deep encoder: per row a probe
 * direction e (the caller fills probe, n x n_inputs) and the tangents
 * t_l = J_l e of every encoder level, with their adjoints.
 */
typedef struct AeTangentWork
{
	int			rows;
	ae_real    *probe;			/* rows x n_inputs: t_0 */
	ae_real    *t[AE_MAX_LAYERS + 1];	/* t[l]: rows x width of level l */
	ae_real    *v[AE_MAX_LAYERS + 1];	/* v[l]: W t before the slope, level l */
	ae_real    *tbar;			/* adjoint of t, rows x max width */
	ae_real    *tbar2;
	ae_real    *abar;			/* adjoint of the activations */
	ae_real    *abar2;
} AeTangentWork;

extern AeStatus ae_tangent_init(AeTangentWork *tw, const AeNet *net, int rows,
								AeError *err);
extern void ae_tangent_free(AeTangentWork *tw);

/* Add the direct parameter gradients (the contractive weight part). */
extern void ae_penalty_param_grad(const AeNet *net, const AeVariantConfig *var,
								  const AeBatchWork *w, const ae_real *x,
								  int n, ae_real *grad);

/* ---- optimisers (ae_optim.c) ---- */
typedef struct AeOptState
{
	AeOptimizer kind;
	bool		nesterov;
	double		lr;
	double		momentum;
	double		beta1;
	double		beta2;
	double		rho;
	double		epsilon;
	int64_t		t;				/* steps taken */
	size_t		n;
	ae_real    *s1;				/* first state vector (m, velocity, E[g^2]) */
	ae_real    *s2;				/* second (v, E[dx^2]) */
} AeOptState;

/* cfg must be resolved (ae_train_config_resolve). */
extern AeStatus ae_opt_init(AeOptState *o, const AeTrainConfig *cfg, size_t n,
							AeError *err);
extern void ae_opt_step(AeOptState *o, ae_real *params, const ae_real *grad);
extern void ae_opt_free(AeOptState *o);

/* ---- trainer internals (ae_train.c) ---- */
/* Deterministic per-row validation membership. */
extern bool ae_row_is_validation(uint64_t seed, const float *row, int width,
								 double fraction);
/* The full network being trained (still owned by the trainer). */
extern AeNet *ae_trainer_net(AeTrainer *t);

#endif							/* AE_NN_INT_H */
