-- popular_category_by_age_group: the most posted category in each age group
-- 18-24, 25-35, 36-50, +50 (over 50); users under 18 belong to no group.
-- Output: age_group, category, category_count. Ties: category ascending.
WITH posts AS (
  SELECT
    p.category,
    CASE
      WHEN u.age BETWEEN 18 AND 24 THEN '18-24'
      WHEN u.age BETWEEN 25 AND 35 THEN '25-35'
      WHEN u.age BETWEEN 36 AND 50 THEN '36-50'
      WHEN u.age > 50 THEN '+50'
    END AS age_group
  FROM pin p
  JOIN `user` u ON p.ind = u.ind
  WHERE p.category IS NOT NULL
),
category_counts AS (
  SELECT age_group, category, CAST(COUNT(*) AS BIGINT) AS category_count
  FROM posts
  WHERE age_group IS NOT NULL
  GROUP BY age_group, category
),
ranked AS (
  SELECT
    age_group,
    category,
    category_count,
    ROW_NUMBER() OVER (
      PARTITION BY age_group ORDER BY -category_count, category
    ) AS rn
  FROM category_counts
)
SELECT age_group, category, category_count
FROM ranked
WHERE rn = 1
ORDER BY CASE age_group
  WHEN '18-24' THEN 1
  WHEN '25-35' THEN 2
  WHEN '36-50' THEN 3
  ELSE 4
END
