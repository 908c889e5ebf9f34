"""Runs the nine metric SQL files on Spark SQL and prints their rows as one JSON object.

The Databricks notebooks run the same SQL text as `lib/metrics/sql/`; this script lets a
test check that Spark gives the answers polars gives. It reads the batch tables `pin`,
`geo` and `user` (Parquet, as `deno task batch` writes them) from a warehouse folder,
registers them as views, runs every `NN_name.sql` file in order and prints
`{"name": [{column: value, ...}, ...], ...}` on stdout.

Usage: python run_metrics.py WAREHOUSE_DIR SQL_DIR
"""

import json
import pathlib
import sys

from pyspark.sql import SparkSession


def main(warehouse: str, sql_dir: str) -> None:
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
        for table in ("pin", "geo", "user"):
            path = pathlib.Path(warehouse) / f"{table}.parquet"
            spark.read.parquet(str(path)).createOrReplaceTempView(table)
        results = {}
        for file in sorted(pathlib.Path(sql_dir).glob("*.sql")):
            name = file.stem.split("_", 1)[1]
            rows = spark.sql(file.read_text()).collect()
            results[name] = [row.asDict() for row in rows]
    finally:
        spark.stop()
    json.dump(results, sys.stdout, default=str)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
