-- Helpers that regression tests include (\i) to force and check parallel
-- plans, in the schema on their search_path.
-- Does the plan of a query contain a partial aggregate under a Gather?
CREATE FUNCTION plan_has_partial_agg(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE line text; found_partial boolean := false; found_gather boolean := false;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
    found_partial := found_partial OR line LIKE '%Partial Aggregate%' OR line LIKE '%Partial HashAggregate%'
                     OR line LIKE '%Partial GroupAggregate%';
    found_gather := found_gather OR line LIKE '%Gather%';
  END LOOP;
  RETURN found_partial AND found_gather;
END $$;
-- Did a parallel run of the query launch workers?
CREATE FUNCTION workers_launched(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE line text; launched boolean := false;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
    launched := launched OR line ~ 'Workers Launched: [1-9]';
  END LOOP;
  RETURN launched;
END $$;
