# Makefile for the autoencoder extension (PGXS)
EXTENSION = autoencoder
MODULE_big = autoencoder
EXTVERSION = 0.2.0

ENGINE_OBJS = src/engine/ae_common.o src/engine/ae_stats.o src/engine/ae_pca.o \
	src/engine/ae_model.o src/engine/ae_nn.o src/engine/ae_nn_loss.o \
	src/engine/ae_optim.o src/engine/ae_train.o src/engine/ae_detect.o src/engine/ae_robust.o \
	src/engine/ae_variant.o src/engine/ae_noise.o src/engine/ae_penalty.o \
	src/engine/ae_kernels.o src/engine/ae_vae.o src/engine/ae_conv.o
ENGINE_OBJS += src/engine/ae_rowset.o
PG_OBJS = src/pg/autoencoder.o src/pg/ae_input.o src/pg/ae_options.o \
	src/pg/pca_agg.o src/pg/ae_score.o src/pg/ae_info.o src/pg/ae_training.o \
	src/pg/ae_train_agg.o src/pg/ae_fit.o src/pg/ae_agg.o src/pg/ae_generate.o
OBJS = $(ENGINE_OBJS) $(PG_OBJS)

DATA = sql/autoencoder--0.1.0.sql sql/autoencoder--0.1.0--0.2.0.sql

# pg_regress: every sql/*.sql except the install scripts, outputs in expected/
REGRESS = $(sort $(filter-out autoencoder--%,$(patsubst sql/%.sql,%,$(wildcard sql/*.sql))))
REGRESS_OPTS = --load-extension=autoencoder

# OpenBLAS (with its bundled LAPACK) from pkg-config; override if needed
OPENBLAS_CFLAGS ?= $(shell pkg-config --cflags openblas 2>/dev/null)
OPENBLAS_LIBS ?= $(shell pkg-config --libs openblas 2>/dev/null || echo -lopenblas)
PG_CPPFLAGS = $(OPENBLAS_CFLAGS)
SHLIB_LINK = $(OPENBLAS_LIBS) -lm


PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# C unit tests of the engine (no server needed)
unittest:
	$(MAKE) -C test/unit check

.PHONY: unittest
