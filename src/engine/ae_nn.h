/*-------------------------------------------------------------------------
 *
 * ae_nn.h
 *	  Neural autoencoders: network definition, mini-batch training over
 *	  OpenBLAS, inference, and the network's section of the model format.
 *
 * The network works in the model's scaled space: callers (ae_model.c)
 * apply and undo the per-feature scaling.  Training reads rows through an
 * AeDataSource so that the same trainer serves an in-memory sample (the
 * aggregate) and a cursor re-read on every epoch (ae_fit).  Training is a
 * step API, one epoch per call, so a value-per-call SRF can return a row as
 * each epoch finishes.
 *
 *-------------------------------------------------------------------------
 */
#ifndef AE_NN_H
#define AE_NN_H

#include "ae_common.h"
#include "ae_variant.h"

#define AE_MAX_LAYERS		16	/* encoder layers */
#define AE_MAX_UNITS		16000	/* units in one layer */
#define AE_PHASE_LEN		16

typedef enum AeActivation
{
	AE_ACT_LINEAR = 0,
	AE_ACT_RELU,
	AE_ACT_SIGMOID,
	AE_ACT_TANH,
	AE_ACT_ELU,
	AE_ACT_LEAKY_RELU
} AeActivation;

typedef enum AeLoss
{
	AE_LOSS_MSE = 0,
	AE_LOSS_BCE
} AeLoss;

typedef enum AeOptimizer
{
	AE_OPT_ADAM = 0,
	AE_OPT_SGD,
	AE_OPT_MOMENTUM,
	AE_OPT_RMSPROP,
	AE_OPT_ADADELTA
} AeOptimizer;

typedef enum AePretrain
{
	AE_PRETRAIN_NONE = 0,
	AE_PRETRAIN_LAYERWISE
} AePretrain;

/*
 * Convolutional front end (ae_conv.c).  Rows are images of height x width
 * x channels, channels last.  Each encoder block is a 'same' convolution
 * (stride 1) with "filters" kernel x kernel filters and the hidden
 * activation, then pool x pool max pooling when pool > 1.  The decoder
 * mirrors the blocks (convolution, then nearest-neighbour upsampling) and
 * ends with a convolution back to "channels" with the output activation.
 */
#define AE_MAX_CONV_BLOCKS	4
#define AE_MAX_CONV_FILTERS 1024
#define AE_MAX_CONV_KERNEL	15	/* odd: 'same' padding is symmetric */
#define AE_MAX_CONV_POOL	8
#define AE_MAX_CONV_HIDDEN	4	/* dense layers after a convolutional stack */
#define AE_MAX_CONV_UNITS	(1 << 20)	/* h x w x c of one activation */

typedef struct AeConvConfig
{
	int			n_blocks;		/* 0: a dense network */
	int			height;
	int			width;
	int			channels;
	int			filters[AE_MAX_CONV_BLOCKS];
	int			kernel[AE_MAX_CONV_BLOCKS];
	int			pool[AE_MAX_CONV_BLOCKS];	/* 1: no pooling */
} AeConvConfig;

/* What scoring code may assume about a network's layers. */
typedef enum AeNetKind
{
	AE_NET_DENSE = 0,			/* every layer dense: y = act(x W^T + b) */
	AE_NET_CONV					/* convolution, pooling, upsampling layers too */
} AeNetKind;

/*
 * Architecture: encoder sizes; the decoder mirrors them.  With conv.n_blocks
 * > 0 the dense layers (n_hidden of them, 0 allowed) follow the
 * convolutional encoder and precede its mirror.
 */
typedef struct AeNetConfig
{
	int			n_inputs;
	int			n_hidden;		/* number of encoder layers, >= 1 */
	int			hidden[AE_MAX_LAYERS];	/* last entry is the code size */
	AeActivation activation;	/* hidden layers (the code layer too) */
	AeActivation output_activation;
	bool		tied_weights;	/* decoder W = encoder W^T, biases untied */
	bool		variational;	/* VAE: linear mu code layer + log-variance
								 * head (ae_vae.c) */
	AeConvConfig conv;			/* convolutional blocks (n_blocks 0: none) */
} AeNetConfig;

/* One row of training history. */
typedef struct AeHistoryRow
{
	int			epoch;			/* 1-based within its phase */
	char		phase[AE_PHASE_LEN];	/* "pretrain-1", ..., "train",
										 * "finetune" */
	double		loss;			/* mean training loss of the epoch */
	double		val_loss;		/* NAN when there is no validation split */
	double		seconds;		/* elapsed since training began */
	double		recon;			/* variational: reconstruction term, else
								 * NAN */
	double		kl;				/* variational: KL term (unweighted), else
								 * NAN */
} AeHistoryRow;

/* Optimisation and stopping; ae_train_config_defaults() fills defaults. */
typedef struct AeTrainConfig
{
	AeLoss		loss;
	AeOptimizer optimizer;
	bool		nesterov;		/* with AE_OPT_MOMENTUM */
	double		learning_rate;	/* <= 0: the optimiser's own default */
	double		momentum;		/* momentum/nesterov, default 0.9 */
	double		beta1;			/* adam, 0.9 */
	double		beta2;			/* adam, 0.999 */
	double		rho;			/* rmsprop/adadelta decay, 0.9 / 0.95
								 * (<= 0: the optimiser's default) */
	double		epsilon;		/* adam/rmsprop 1e-8, adadelta 1e-6
								 * (<= 0: the optimiser's default) */
	int			batch_size;		/* default 64 */
	int			epochs;			/* default 50 */
	double		l2;				/* weight decay on weights, never biases */
	uint64_t	seed;			/* default 42 */
	bool		shuffle;		/* default true */
	double		validation_fraction;	/* 0 (none) .. < 1 */
	int			patience;		/* 0: no early stopping */
	double		min_delta;		/* improvement that resets patience */
	double		max_seconds;	/* 0: no limit */
	AePretrain	pretrain;
	int			pretrain_epochs;	/* per layer, default 10 */
	int			finetune_epochs;	/* after layerwise; < 0 (default): =
									 * epochs; 0: no finetuning */
	int64_t		shuffle_buffer_rows;	/* rows shuffled together, default
										 * 65536 */
	AeVariantConfig variant;	/* denoising, sparse, contractive, ... */
} AeTrainConfig;

/*
 * Where training rows come from.  Rows are raw (unscaled) float32,
 * row-major, n_inputs wide; the trainer applies mean/scale itself.
 * rewind() starts a new pass; read() returns the number of rows written
 * (0 at the end of a pass), or -1 with err set.
 */
typedef struct AeDataSource
{
	void	   *ctx;
	AeStatus	(*rewind) (void *ctx, AeError *err);
	int64_t		(*read) (void *ctx, float *buf, int64_t max_rows, AeError *err);
} AeDataSource;

/* A data source over an in-memory, row-major float matrix. */
typedef struct AeMatrixSource
{
	const float *data;
	int64_t		rows;
	int			cols;
	int64_t		pos;
} AeMatrixSource;

/* Points ms at data (rows x cols) and returns a source reading it. */
extern AeDataSource ae_matrix_source(AeMatrixSource *ms, const float *data,
									 int64_t rows, int cols);

typedef struct AeNet AeNet;
typedef struct AeTrainer AeTrainer;

/* ---- configuration ---- */
extern void ae_net_config_defaults(AeNetConfig *cfg);
extern void ae_train_config_defaults(AeTrainConfig *cfg);
/* Checks ranges and consistency (e.g. bce needs sigmoid output). */
extern AeStatus ae_net_config_validate(const AeNetConfig *cfg, AeError *err);
extern AeStatus ae_train_config_validate(const AeTrainConfig *cfg, AeError *err);
/* Training options a convolutional network cannot use (ae_conv.c). */
extern AeStatus ae_conv_train_check(const AeNetConfig *net,
									const AeTrainConfig *train, AeError *err);
/* Parameters of a valid network configuration. */
extern size_t ae_net_config_param_count(const AeNetConfig *cfg);
/*
 * Peak bytes a trainer of this configuration allocates, for n_rows rows:
 * the network, the optimiser state, gradients and best weights, mini-batch
 * workspaces, the shuffle buffer, the validation cache and the codes kept
 * for layer-wise pretraining (the caller's own copy of the rows is not
 * counted).  A double, so absurd configurations cannot overflow it.
 */
extern double ae_trainer_memory_estimate(const AeNetConfig *net,
										 const AeTrainConfig *train,
										 int64_t n_rows);
/*
 * Replaces "use the optimiser's default" sentinels with the values used:
 * learning_rate <= 0, rho <= 0, epsilon <= 0 and finetune_epochs < 0
 * (= epochs).  ae_trainer_create does this on its own copy; call it to
 * report the effective options.
 */
extern void ae_train_config_resolve(AeTrainConfig *cfg);
extern const char *ae_activation_name(AeActivation a);
extern const char *ae_optimizer_name(AeOptimizer o);
extern const char *ae_loss_name(AeLoss l);

/* ---- training ---- */
/* mean/scale (n_inputs each) map raw rows to the scaled space; copied. */
extern AeTrainer *ae_trainer_create(const AeNetConfig *net,
									const AeTrainConfig *train,
									const double *mean, const double *scale,
									AeError *err);
/* Runs the next epoch; fills *row; sets *done after the last one. */
extern AeStatus ae_trainer_step(AeTrainer *t, AeDataSource *src,
								AeHistoryRow *row, bool *done, AeError *err);
/* Detaches the trained network (best weights if early stopping ran). */
extern AeNet *ae_trainer_take_net(AeTrainer *t);
/* Rows seen in the last pass (training + validation). */
extern int64_t ae_trainer_rows(const AeTrainer *t);
extern void ae_trainer_free(AeTrainer *t);

/* ---- inference (scaled space; one row, scratch owned by the net) ---- */
/*
 * AE_NET_DENSE networks are plain stacks of dense layers (the per-row
 * kernels of fast scoring paths may rely on that); anything else must go
 * through ae_net_encode / ae_net_decode / ae_net_forward_batch.
 */
extern AeNetKind ae_net_kind(const AeNet *net);
extern int	ae_net_n_inputs(const AeNet *net);
extern int	ae_net_code_size(const AeNet *net);
extern void ae_net_get_config(const AeNet *net, AeNetConfig *cfg);
extern void ae_net_encode(AeNet *net, const float *x, float *code);
extern void ae_net_decode(AeNet *net, const float *code, float *out);
/* Batch forward pass: n rows in, reconstructions out (codes if not NULL). */
extern AeStatus ae_net_forward_batch(AeNet *net, const float *x, int64_t n,
									 float *code, float *out, AeError *err);

/* ---- variational networks (ae_vae.c), scaled space ---- */
/* Negative ELBO of one row from "samples" fixed-seed draws (beta 1). */
extern AeStatus ae_vae_neg_elbo(AeNet *net, const float *x, AeLoss loss,
								int samples, uint64_t seed, double *out,
								AeError *err);
/*
 * Rows first .. first+n-1 of seed's sample stream, decoded from
 * N(prior_mean, I) codes (prior_mean NULL: 0).
 */
extern AeStatus ae_vae_sample(AeNet *net, int64_t first, int64_t n,
							  uint64_t seed, const double *prior_mean,
							  float *out, AeError *err);

/* ---- introspection ---- */
extern int64_t ae_net_parameter_count(const AeNet *net);	/* stored floats */
extern int	ae_net_layer_count(const AeNet *net);	/* encoder + decoder */
/* Layer number of a variational network's log-variance head (shape, weights). */
#define AE_NET_LOGVAR_HEAD	(-1)
extern void ae_net_layer_shape(const AeNet *net, int layer, int *n_in, int *n_out);
/*
 * Incoming weights and bias of one unit of one layer: n_in floats for a
 * dense layer; for a convolution a unit is a filter and its weights are
 * kernel x kernel x channels_in floats (ae_net_unit_weight_count).
 */
extern void ae_net_unit_weights(const AeNet *net, int layer, int unit,
								float *weights, float *bias);
/* Units of a layer (filters of a convolution) and weights of each. */
extern int	ae_net_unit_count(const AeNet *net, int layer);
extern int	ae_net_unit_weight_count(const AeNet *net, int layer);
/*
 * Kind and shape of a layer: kind "dense", "conv", "maxpool" or
 * "upsample"; for the last three the input's height, width and channels,
 * the output channels and the kernel or pool size (all 0 for dense).
 */
typedef struct AeLayerInfo
{
	const char *kind;
	int			height;
	int			width;
	int			channels_in;
	int			channels_out;
	int			size;			/* kernel (conv) or pool factor */
	AeActivation activation;
	int64_t		parameters;		/* weights and biases the layer owns */
} AeLayerInfo;
extern void ae_net_layer_info(const AeNet *net, int layer, AeLayerInfo *info);
/* Encoder layers (the code is the output of the last). */
extern int	ae_net_encoder_layers(const AeNet *net);

/* ---- serialisation (the NNET section payload) ---- */
extern void ae_net_write(const AeNet *net, AeWriter *w);
/* Validates everything; n_features must match the model header. */
extern AeNet *ae_net_read(AeReader *r, int n_features, AeError *err);
/* The same for a network with a convolutional front end (conv NULL: none). */
extern AeNet *ae_net_read_conv(AeReader *r, int n_features,
							   const AeConvConfig *conv, AeError *err);

/* ---- the CONV section payload (ae_conv.c) ---- */
extern void ae_conv_write(const AeConvConfig *conv, AeWriter *w);
/* Reads and range-checks (against nothing else: ae_net_read_conv does). */
extern AeStatus ae_conv_read(AeReader *r, AeConvConfig *conv, AeError *err);
extern void ae_net_free(AeNet *net);

#endif							/* AE_NN_H */
