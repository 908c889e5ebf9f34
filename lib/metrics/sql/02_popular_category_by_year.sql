-- popular_category_by_year: the most posted category in each year 2018-2022, the year
-- taken from the geolocation timestamp.
-- Output: post_year, category, category_count. Ties: category ascending.
WITH posts AS (
  SELECT EXTRACT(YEAR FROM g.timestamp) AS post_year, p.category
  FROM pin p
  JOIN geo g ON p.ind = g.ind
  WHERE g.timestamp IS NOT NULL AND p.category IS NOT NULL
),
category_counts AS (
  SELECT post_year, category, CAST(COUNT(*) AS BIGINT) AS category_count
  FROM posts
  WHERE post_year BETWEEN 2018 AND 2022
  GROUP BY post_year, category
),
ranked AS (
  SELECT
    post_year,
    category,
    category_count,
    ROW_NUMBER() OVER (
      PARTITION BY post_year ORDER BY -category_count, category
    ) AS rn
  FROM category_counts
)
SELECT post_year, category, category_count
FROM ranked
WHERE rn = 1
ORDER BY post_year
