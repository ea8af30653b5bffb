/*-------------------------------------------------------------------------
 *
 * ae_rowset.h
 *	  Order-independent row sets for the training aggregates: a canonical
 *	  order of rows, and a sample that keeps the rows with the smallest
 *	  seeded hashes (a "bottom-k" sample).
 *
 * A partial aggregate state may see its rows in any order and be combined
 * with others in any order (parallel workers, Citus shards).  Sorting the
 * rows by their bytes before training, and sampling by a hash of each row's
 * bytes instead of by a random stream, make what is trained on depend only
 * on the multiset of rows and the seed.  Rows are fixed-size byte strings
 * (float or double vectors); nothing here depends on their type.
 *
 *-------------------------------------------------------------------------
 */
#ifndef AE_ROWSET_H
#define AE_ROWSET_H

#include "ae_common.h"

/* Seeded 64-bit hash of a row of row_bytes bytes (a multiple of 4). */
extern uint64_t ae_rows_hash(uint64_t seed, const void *row, size_t row_bytes);

/*
 * Sorts n rows in place by their bytes (memcmp order): the canonical order.
 * tmp is scratch of one row.  Introsort: quicksort with a median of three
 * and three-way partitions (many equal rows are common), heapsort past a
 * depth bound, so O(n log n) in the worst case with no allocation.
 */
extern void ae_rows_sort(void *rows, int64_t n, size_t row_bytes, void *tmp);

/*
 * The bottom-k sample: n rows with their hashes, kept as a max-heap on
 * (hash, bytes) so that the root is the row to give up first.  Ties of hash
 * are broken by the bytes, so the sample is a function of the set of rows.
 */
extern void ae_rows_heapify(void *rows, uint64_t *hash, int64_t n,
							size_t row_bytes, void *tmp);
/* Offers a row with hash h: replaces the root if it ranks below it. */
extern bool ae_rows_heap_offer(void *rows, uint64_t *hash, int64_t n,
							   size_t row_bytes, const void *row, uint64_t h,
							   void *tmp);
/* Removes the root: rows[0..n-2] stay a heap. */
extern void ae_rows_heap_pop(void *rows, uint64_t *hash, int64_t n,
							 size_t row_bytes, void *tmp);

#endif							/* AE_ROWSET_H */
