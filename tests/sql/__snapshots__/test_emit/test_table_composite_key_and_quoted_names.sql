/* Order Lines: table | reads: - | defined at tests/sql/test_emit.py:63 */
/* Lines of an order; names that need quotes stay names. */
CREATE TABLE "Order Lines" (
  "order" BIGINT,
  line INT,
  "Sku" VARCHAR,
  qty SMALLINT,
  at TIMESTAMPTZ,
  PRIMARY KEY ("order", line)
);
