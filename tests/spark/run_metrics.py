"""Runs the nine metric SQL files on Spark SQL over one or more warehouses, in one session.

The Databricks notebooks run the same SQL text as `lib/metrics/sql/`; this script lets a
test check that Spark gives the answers polars gives. For each warehouse folder it reads
the batch tables `pin`, `geo` and `user` (Parquet, as `deno task batch` writes them),
registers them as views, runs every `NN_name.sql` file in order, and at the end prints
`{"WAREHOUSE_DIR": {"name": [{column: value, ...}, ...], ...}, ...}` on stdout, keyed by
each folder as given. Spark takes 10-20 s to start, so a test passes all its warehouses to
one run rather than starting a session per warehouse.

Usage: python run_metrics.py SQL_DIR WAREHOUSE_DIR [WAREHOUSE_DIR ...]
"""

import json
import pathlib
import sys

from pyspark.sql import SparkSession


def run_warehouse(spark: SparkSession, warehouse: str, sql_files: list) -> dict:
    """Every metric's rows over one warehouse, keyed by metric name in file order."""
    for table in ("pin", "geo", "user"):
        path = pathlib.Path(warehouse) / f"{table}.parquet"
        spark.read.parquet(str(path)).createOrReplaceTempView(table)
    results = {}
    for file in sql_files:
        name = file.stem.split("_", 1)[1]
        rows = spark.sql(file.read_text()).collect()
        results[name] = [row.asDict() for row in rows]
    return results


def main(sql_dir: str, warehouses: list) -> None:
    sql_files = sorted(pathlib.Path(sql_dir).glob("*.sql"))
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("metrics-parity")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    try:
        spark.sparkContext.setLogLevel("ERROR")
        results = {w: run_warehouse(spark, w, sql_files) for w in warehouses}
    finally:
        spark.stop()
    json.dump(results, sys.stdout, default=str)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
