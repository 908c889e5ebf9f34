-- popular_category_by_country: the most posted category in each country.
-- Output: country, category, category_count. Ties: category ascending.
-- Portable to Spark SQL; counts are ranked by their negation because polars 0.25
-- rejects mixed ASC/DESC keys inside OVER (...).
WITH category_counts AS (
  SELECT g.country, p.category, CAST(COUNT(*) AS BIGINT) AS category_count
  FROM pin p
  JOIN geo g ON p.ind = g.ind
  WHERE g.country IS NOT NULL AND p.category IS NOT NULL
  GROUP BY g.country, p.category
),
ranked AS (
  SELECT
    country,
    category,
    category_count,
    ROW_NUMBER() OVER (
      PARTITION BY country ORDER BY -category_count, category
    ) AS rn
  FROM category_counts
)
SELECT country, category, category_count
FROM ranked
WHERE rn = 1
ORDER BY country
